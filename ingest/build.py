"""Write side of the index: read the corpus, reuse what is unchanged, build a new generation, switch.

Only `ingest_corpus` (ingest/store.py) calls this. Vectors of passages whose id (content hash) is
already in the current generation are copied from its collection, so only new text is embedded.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path

from langchain_core.embeddings import Embeddings

from ingest.errors import DocumentError, IndexCorrupt
from ingest.generations import (
    GenerationPointer,
    fsync_dir,
    fsync_tree,
    generation_dir,
    generations_dir,
    ingest_lock,
    new_generation_id,
    prune,
)
from ingest.lexical import DUTCH_STOPWORDS, STEMMER_ALGORITHM, LexicalIndex, tokenize
from ingest.model import Chunk
from ingest.store import (
    CHUNKS,
    COSINE,
    FORMAT,
    LEXICAL,
    MANIFEST,
    Index,
    IngestReport,
    _chroma_client,
    collection_name,
    read_chunks,
    read_manifest,
)

# Files that live in the corpus folder but are not documents: the meldpunt card (contacts.toml) is data.
IGNORED_SUFFIXES = {".toml"}
COPY_BATCH = 1000  # well under chromadb's max batch size (5461 in 1.5)


def batched(items: list, size: int):
    """Consecutive slices of at most `size` items (itertools.batched is Python 3.12+)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _bar(progress, total: int, desc: str, unit: str):
    return progress(total=total, desc=desc, unit=unit) if progress else _NoBar()


class LangChainEmbeddings(Embeddings):
    """Our `Embedder` as a LangChain `Embeddings`, so `langchain_chroma.Chroma` can embed on add."""

    def __init__(self, embedder, bar):
        self._embedder = embedder
        self._bar = bar
        self.dim: int | None = None

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = self._embedder.embed_documents(list(texts))
        self.dim = int(vectors.shape[1]) if len(vectors) else self.dim
        self._bar.update(len(texts))
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._embedder.embed_query(text).tolist()


@dataclass
class Previous:
    """The current generation as the ingest found it (empty when there is none or it is unreadable)."""

    generation: str | None = None
    manifest: dict = field(default_factory=dict)
    chunks: list[Chunk] = field(default_factory=list)
    problem: str | None = None

    @cached_property
    def ids(self) -> set[str]:
        return {c.id for c in self.chunks}


def load_previous(settings, pointer: GenerationPointer) -> Previous:
    """The current generation; with `problem` set when any part of it cannot be read (then: rebuild)."""
    generation = pointer.read()
    if generation is None:
        return Previous()
    gen_dir = generation_dir(Path(settings.data_dir), generation)
    try:
        previous = Previous(generation, read_manifest(gen_dir), read_chunks(gen_dir))
    except (OSError, ValueError, KeyError, TypeError) as err:
        return Previous(generation, problem=f"{type(err).__name__}: {err}")
    try:
        Index._open_generation(settings, generation).close()  # all parts whole, or the no-op check lies
    except IndexCorrupt as err:
        previous.problem = getattr(err, "detail", str(err))
    return previous


def signature(embedder, settings) -> dict:
    """What the vectors and the lexical index depend on; a change in the first two rebuilds everything."""
    lexical = " ".join([STEMMER_ALGORITHM, *sorted(DUTCH_STOPWORDS)])
    return {
        "model": embedder.name,
        "model_sha256": getattr(embedder, "weights_sha256", None),
        "chunking": {"max_chars": settings.chunk_max_chars, "min_chars": settings.chunk_min_chars},
        "lexical": hashlib.sha256(lexical.encode()).hexdigest()[:16],
    }


def rebuild_reason(previous: Previous, sig: dict, rebuild: bool) -> str | None:
    """Why every passage must be embedded again, in Dutch; None when the previous vectors can be reused."""
    if rebuild:
        return "opnieuw opbouwen gevraagd (--rebuild)"
    if previous.problem:
        return f"de vorige index was onleesbaar: {previous.problem}"
    if previous.generation is None:
        return None
    old = previous.manifest
    if old.get("format") != FORMAT:
        return f"het indexformaat is veranderd ({old.get('format')} → {FORMAT})"
    if (old.get("model"), old.get("model_sha256")) != (sig["model"], sig["model_sha256"]):
        was = _model_label(old.get("model"), old.get("model_sha256"))
        now = _model_label(sig["model"], sig["model_sha256"])
        return f"ander embeddingmodel ({was} → {now})"
    if old.get("chunking") != sig["chunking"]:
        return f"andere instellingen voor het knippen in passages ({old.get('chunking')} → {sig['chunking']})"
    return None


def _model_label(name, sha) -> str:
    return f"{name} sha256 {sha[:12]}" if sha else str(name)


@dataclass
class CorpusRead:
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


def read_corpus(settings, previous: Previous, progress) -> CorpusRead:
    """Load and chunk every document; an unreadable one is reported and keeps its previous passages."""
    from ingest.chunk import chunk_document
    from ingest.load import load_document

    corpus_dir = Path(settings.corpus_dir)
    paths = scan(corpus_dir)
    result = CorpusRead()
    seen: set[str] = set()
    bar = _bar(progress, len(paths), "bestanden", "bestand")
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


def _metadata(chunk: Chunk) -> dict:
    meta = {"source": chunk.source, "section": chunk.section_path, "ordinal": chunk.ordinal}
    if chunk.page is not None:
        meta["page"] = chunk.page  # Chroma rejects None values
    return meta


def _copy_vectors(settings, previous: Previous, chunks: list[Chunk], target, progress) -> set[str]:
    """Copy the vectors of `chunks` from the previous collection into `target`; returns the ids copied."""
    copied: set[str] = set()
    if not chunks:
        return copied
    bar = _bar(progress, len(chunks), "passages overnemen", "passage")
    client = _chroma_client(settings, generation_dir(Path(settings.data_dir), previous.generation))
    try:
        source = client.get_collection(previous.manifest["collection"])
        for batch in batched(chunks, COPY_BATCH):
            got = source.get(ids=[c.id for c in batch], include=["embeddings"])
            vectors = dict(zip(got["ids"], got["embeddings"], strict=True))
            found = [c for c in batch if c.id in vectors]
            if found:
                target.add(
                    ids=[c.id for c in found],
                    embeddings=[vectors[c.id] for c in found],
                    documents=[c.index_text for c in found],
                    metadatas=[_metadata(c) for c in found],
                )
            copied.update(c.id for c in found)
            bar.update(len(batch))
    except Exception:  # noqa: BLE001 — a damaged previous store only means: embed those passages again
        pass
    finally:
        client.close()
        bar.close()
    return copied


def write_generation(
    settings, embedder, gen_dir: Path, chunks: list[Chunk], previous: Previous | None, progress
) -> tuple[int, int | None]:
    """Fill a new generation folder (vectors, lexical index, passages); returns (embedded, dim).

    `previous` is the generation to copy vectors from, or None to embed everything.
    """
    from langchain_chroma import Chroma

    name = collection_name(gen_dir.name)
    client = _chroma_client(settings, gen_dir)
    try:
        collection = client.create_collection(
            name, configuration=COSINE, metadata={"generation": gen_dir.name}, embedding_function=None
        )
        reuse = [c for c in chunks if previous is not None and c.id in previous.ids]
        copied = _copy_vectors(settings, previous, reuse, collection, progress) if reuse else set()
        to_embed = [c for c in chunks if c.id not in copied]
        bar = _bar(progress, len(to_embed), "embedden", "passage")
        adapter = LangChainEmbeddings(embedder, bar)
        store = Chroma(client=client, collection_name=name, embedding_function=adapter)
        try:
            for batch in batched(to_embed, settings.embed_batch_size):
                texts, metas = [c.index_text for c in batch], [_metadata(c) for c in batch]
                store.add_texts(texts, metadatas=metas, ids=[c.id for c in batch])
        finally:
            bar.close()
        if collection.count() != len(chunks):
            got = collection.count()
            raise IndexCorrupt(f"Chroma bevat {got} passages na het schrijven, verwacht {len(chunks)}.")
    finally:
        client.close()
    LexicalIndex.build([tokenize(c.index_text) for c in chunks]).save(gen_dir / LEXICAL)
    with open(gen_dir / CHUNKS, "w", encoding="utf-8") as fh:
        for c in chunks:
            fh.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
    return len(to_embed), adapter.dim


def run(settings, embedder, *, rebuild: bool, progress) -> IngestReport:
    """The whole ingest under the lock; see `ingest.store.ingest_corpus`."""
    data_dir = Path(settings.data_dir)
    with ingest_lock(data_dir):
        pointer = GenerationPointer(data_dir)
        pointer.clean()
        previous = load_previous(settings, pointer)
        # Leftovers of a killed or failed run: everything but the current generation and the one before it.
        prune(data_dir, keep={previous.generation, previous.manifest.get("previous_generation")})
        sig = signature(embedder, settings)
        reason = rebuild_reason(previous, sig, rebuild)
        corpus = read_corpus(settings, previous, progress)
        report = IngestReport(
            files=len(corpus.files),
            chunks=len(corpus.chunks),
            embedded=0,
            removed=len(previous.ids - {c.id for c in corpus.chunks}),
            skipped=corpus.skipped,
            rebuilt_because=reason,
            generation=previous.generation,
        )
        unchanged = (
            previous.generation is not None
            and reason is None
            and previous.manifest.get("lexical") == sig["lexical"]
            and previous.manifest.get("files") == corpus.files
            and [c.to_dict() for c in previous.chunks] == [c.to_dict() for c in corpus.chunks]
        )
        if unchanged:
            return report

        generation = new_generation_id()
        gen_dir = generation_dir(data_dir, generation)
        gen_dir.mkdir(parents=True)
        try:
            report.embedded, dim = write_generation(
                settings, embedder, gen_dir, corpus.chunks, None if reason else previous, progress
            )
            manifest = {
                "format": FORMAT,
                "generation": generation,
                "previous_generation": previous.generation,
                "built_at": datetime.now().astimezone().isoformat(timespec="seconds"),
                **sig,
                "dim": dim or previous.manifest.get("dim"),
                "collection": collection_name(generation),
                "chunks": len(corpus.chunks),
                "sources": sorted(corpus.files),
                "files": corpus.files,
            }
            text = json.dumps(manifest, ensure_ascii=False, indent=1)
            (gen_dir / MANIFEST).write_text(text, encoding="utf-8")
            fsync_tree(gen_dir)
            fsync_dir(generations_dir(data_dir))
        except BaseException:
            shutil.rmtree(gen_dir, ignore_errors=True)
            raise
        pointer.switch(generation)
        prune(data_dir, keep={generation, previous.generation})
        report.generation = generation
        return report
