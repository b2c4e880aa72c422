"""What is in the corpus folder: every readable document, loaded and cut into passages."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from index.chunk import Chunk
from index.errors import DocumentError

# Files that live in the corpus folder but are not documents: the meldpunt card (contacts.toml) is data.
IGNORED_SUFFIXES = {".toml"}


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(progress, total: int, desc: str, unit: str):
    """`progress(total=, desc=, unit=)` (tqdm-like), or a bar that shows nothing when `progress` is None."""
    return progress(total=total, desc=desc, unit=unit) if progress else _NoBar()


@dataclass
class CorpusRead:
    """The passages of the corpus in index order, the files they came from, and the files not read."""

    chunks: list[Chunk] = field(default_factory=list)
    files: dict[str, dict] = field(default_factory=dict)  # source -> {"sha256", "chunks"}
    skipped: list[dict[str, str]] = field(default_factory=list)


def scan(corpus_dir: Path) -> list[Path]:
    """Files to read, sorted; hidden files and *.toml are skipped silently (the loader flags other types)."""
    found = []
    for path in sorted(p for p in corpus_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(corpus_dir)
        if any(part.startswith(".") for part in rel.parts) or path.suffix.lower() in IGNORED_SUFFIXES:
            continue
        found.append(path)
    return found


def read_corpus(settings, previous, progress) -> CorpusRead:
    """Load and chunk every document; an unreadable one is reported and keeps its previous passages.

    `previous` is the current generation (`ingest.build.Previous`: `.chunks`, `.manifest`).
    """
    from ingest.chunk import chunk_document
    from ingest.load import load_document

    corpus_dir = Path(settings.corpus_dir)
    paths = scan(corpus_dir)
    result = CorpusRead()
    seen: set[str] = set()
    bar = progress_bar(progress, len(paths), "bestanden", "bestand")
    for path in paths:
        source = path.relative_to(corpus_dir).as_posix()
        try:
            chunks = chunk_document(load_document(path, corpus_dir, settings), settings)
            if not chunks:
                raise DocumentError(source, "er staat geen leesbare tekst in")
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except DocumentError as err:
            chunks, reason = None, err.reason
        except Exception as err:  # noqa: BLE001 — one bad file must not stop the others
            chunks, reason = None, f"kon niet gelezen worden ({type(err).__name__}: {err})"
        if chunks is None:
            kept = [c for c in previous.chunks if c.source == source]
            if kept:
                reason += f"; de vorige versie ({len(kept)} passages) blijft in de index"
                chunks, digest = kept, previous.manifest.get("files", {}).get(source, {}).get("sha256")
            result.skipped.append({"path": source, "reason": reason})
        if chunks:
            fresh = [c for c in chunks if c.id not in seen]  # the same passage twice in one place: keep one
            seen.update(c.id for c in fresh)
            result.chunks.extend(fresh)
            result.files[source] = {"sha256": digest, "chunks": len(fresh)}
        bar.update(1)
    bar.close()
    result.skipped.sort(key=lambda s: s["path"])
    return result


def raw_documents(settings) -> list[tuple[str, str]]:
    """(source, text) of every readable document, pages joined and not cleaned: the naive baseline's input."""
    from ingest.load import SUPPORTED_SUFFIXES, load_document

    corpus = Path(settings.corpus_dir)
    paths = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
    out = []
    for path in paths:
        doc = load_document(path, corpus, settings)
        out.append((doc.source, "\n\n".join(t for _page, t in doc.pages)))
    return out
