"""Our `Embedder` as a LangChain `Embeddings`: LangChain's write path embeds with the same model.

`langchain_chroma.Chroma` embeds passages on `add_texts` with `embed_documents` (the passage side) and
questions with `embed_query` (the question side), so e5's two prefixes land where they belong. Kept out
of index/embed.py: langchain_core costs import time the read path has no use for.
"""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.embeddings import Embeddings


class LangChainEmbedder(Embeddings):
    """Wraps an `index.embed.Embedder`; `on_embedded(n)` is told of every batch (a progress bar)."""

    def __init__(self, embedder, on_embedded: Callable[[int], object] | None = None):
        self.embedder = embedder
        self._on_embedded = on_embedded
        self.dim: int | None = None  # known once something was embedded

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = self.embedder.embed_documents(list(texts))
        if len(vectors):
            self.dim = int(vectors.shape[1])
        if self._on_embedded is not None:
            self._on_embedded(len(texts))
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text).tolist()
