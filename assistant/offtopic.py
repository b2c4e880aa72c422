"""How close a question is to questions the dossier does not cover (nearest prototype, same model).

multilingual-e5 puts every question within a narrow band of cosines to the dossier's sentences, so
"far from the dossier" is measured against examples of what an officer may also ask — opening hours,
passports, the weather (assistant/offtopic.txt, own wording) — : a question nearer to one of those than
to any sentence of the retrieved passages (by more than the calibrated margin) is out of scope.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.quotes import cached_vectors

EXAMPLES = Path(__file__).with_name("offtopic.txt")


def examples(path: Path = EXAMPLES) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


class OffTopic:
    """The off-topic examples embedded as questions, once per process (kept in `cache_dir`)."""

    def __init__(self, embedder, cache_dir: Path | None = None):
        texts = examples()
        name = getattr(embedder, "name", "model").replace("/", "_")
        path = Path(cache_dir) / f"offtopic-{name}.npz" if cache_dir is not None else None
        self.vectors = cached_vectors(texts, lambda ts: np.stack([embedder.embed_query(t) for t in ts]), path)

    def closeness(self, qvec) -> float:
        """The best cosine of the question with an off-topic example."""
        if qvec is None or not len(self.vectors):
            return 0.0
        return float((self.vectors @ np.asarray(qvec, dtype=np.float32)).max())
