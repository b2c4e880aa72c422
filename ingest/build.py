"""Write side of the index: read the corpus, reuse what is unchanged, build a new generation, switch.

`ingest_corpus` is the entry point. Vectors of passages whose id (content hash) is
already in the current generation are copied from its collection, so only new text is embedded.
The same steps run against the embedded store (`run_local`: a folder per generation, the CURRENT
file) or a shared Chroma server (`run_server`: a collection per generation, the meta record).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from index import chroma
from index.chunk import Chunk
from index.errors import IndexCorrupt, IndexOutdated, SettingsError
from index.generations import GenerationPointer, collection_name, fsync_dir, generation_dir, generations_dir
from index.lexical import DUTCH_STOPWORDS, STEMMER_ALGORITHM, LexicalIndex
from index.sentences import manifest_entry, sentence_collection_name
from index.store import CHROMA, CHUNKS, COSINE, FORMAT, LEXICAL, MANIFEST, Index, read_chunks, read_manifest
from ingest import sentences as sent
from ingest.corpus import CorpusRead, progress_bar, read_corpus
from ingest.publish import fsync_tree, ingest_lock, new_generation_id, prune, prune_server, server_lock

COPY_BATCH = 1000  # well under chromadb's max batch size (5461 in 1.5)


def batched(items: list, size: int):
    """Consecutive slices of at most `size` items (itertools.batched is Python 3.12+)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class IngestReport:
    """What an ingest did. `files` counts the documents in the new index."""

    files: int
    chunks: int
    embedded: int
    removed: int
    skipped: list[dict[str, str]] = field(default_factory=list)
    sentences: int = 0  # sentences (units) of all passages, each with a vector
    sentences_embedded: int = 0  # distinct sentences embedded by this run (the rest were reused)
    seconds: float = 0.0
    rebuilt_because: str | None = None
    generation: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def ingest_corpus(settings, embedder, *, rebuild: bool = False, progress=None) -> IngestReport:
    """Bring the index in line with the corpus folder: embed only new passages, switch atomically.

    `progress`, when given, is called like `tqdm(total=..., desc=..., unit=...)` and must return an
    object with `update(n)` and `close()`.
    """
    started = time.monotonic()
    corpus_dir = Path(settings.corpus_dir)
    if not corpus_dir.is_dir():
        raise SettingsError(
            f"De map met documenten bestaat niet: {corpus_dir}. Zet DOSSIER_CORPUS_DIR op de juiste map."
        )
    report = run(settings, embedder, rebuild=rebuild, progress=progress)
    report.seconds = round(time.monotonic() - started, 3)
    return report


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
        Index.open_generation(settings, generation).close()  # all parts whole, or the no-op check lies
    except IndexOutdated:
        pass  # an older format: `rebuild_reason` says so
    except IndexCorrupt as err:
        previous.problem = getattr(err, "detail", str(err))
    return previous


def load_previous_server(client, pointer: chroma.ServerPointer, url: str) -> Previous:
    """`load_previous` for a Chroma server: manifest from the meta record, passages from the collection."""
    try:
        manifest = pointer.read_manifest()
    except (ValueError, TypeError) as err:
        return Previous(pointer.read(), problem=f"het manifest is onleesbaar ({type(err).__name__}: {err})")
    if manifest is None:
        return Previous()
    try:
        _collection, chunks = chroma.read_generation(client, manifest, url)
    except IndexCorrupt as err:
        return Previous(manifest["generation"], manifest, problem=getattr(err, "detail", str(err)))
    return Previous(manifest["generation"], manifest, chunks)


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


def _copy_vectors(source, chunks: list[Chunk], position: dict[str, int], target, progress) -> set[str]:
    """Copy the vectors of `chunks` from the `source` collection into `target`; returns the ids copied."""
    copied: set[str] = set()
    bar = progress_bar(progress, len(chunks), "passages overnemen", "passage")
    try:
        for batch in batched(chunks, COPY_BATCH):
            got = source.get(ids=[c.id for c in batch], include=["embeddings"])
            vectors = dict(zip(got["ids"], got["embeddings"], strict=True))
            found = [c for c in batch if c.id in vectors]
            if found:
                target.add(
                    ids=[c.id for c in found],
                    embeddings=[vectors[c.id] for c in found],
                    documents=[c.index_text for c in found],
                    metadatas=[chroma.record_metadata(c, position[c.id]) for c in found],
                )
            copied.update(c.id for c in found)
            bar.update(len(batch))
    except Exception:  # noqa: BLE001 — a damaged previous store only means: embed those passages again
        pass
    finally:
        bar.close()
    return copied


def fill_collection(
    settings, embedder, client, generation: str, chunks: list[Chunk], source, reuse: list[Chunk], progress
) -> tuple[int, int | None]:
    """Create the generation's collection in `client` and give it every passage; returns (embedded, dim).

    The vectors of `reuse` are copied from `source` (the previous generation's collection) where found
    there; every other passage is embedded.
    """
    from langchain_chroma import Chroma

    from index.lc import LangChainEmbedder

    name = collection_name(generation)
    collection = client.create_collection(
        name, configuration=COSINE, metadata={"generation": generation}, embedding_function=None
    )
    position = {c.id: i for i, c in enumerate(chunks)}
    copied = set()
    if source is not None and reuse:
        copied = _copy_vectors(source, reuse, position, collection, progress)
    to_embed = [c for c in chunks if c.id not in copied]
    bar = progress_bar(progress, len(to_embed), "embedden", "passage")
    adapter = LangChainEmbedder(embedder, bar.update)
    store = Chroma(client=client, collection_name=name, embedding_function=adapter)
    try:
        for batch in batched(to_embed, settings.embed_batch_size):
            texts = [c.index_text for c in batch]
            metas = [chroma.record_metadata(c, position[c.id]) for c in batch]
            store.add_texts(texts, metadatas=metas, ids=[c.id for c in batch])
    finally:
        bar.close()
    if collection.count() != len(chunks):
        got = collection.count()
        raise IndexCorrupt(f"Chroma bevat {got} passages na het schrijven, verwacht {len(chunks)}.")
    return len(to_embed), adapter.dim


def write_generation(
    settings, embedder, gen_dir: Path, p: Plan, previous: Previous | None, progress
) -> tuple[int, int | None]:
    """Fill a new generation folder (vectors, lexical index, passages, sentences); returns (embedded, dim).

    `previous` is the generation to copy vectors from, or None to embed everything.
    """
    chunks = p.corpus.chunks
    reuse = [c for c in chunks if previous is not None and c.id in previous.ids]
    old_client = source = None
    if reuse:
        old_client = chroma.client(
            settings, generation_dir(Path(settings.data_dir), previous.generation) / CHROMA
        )
        try:
            source = old_client.get_collection(previous.manifest["collection"])
        except Exception:  # noqa: BLE001 — a damaged previous store only means: embed those passages again
            source = None
    client = chroma.client(settings, gen_dir / CHROMA)
    try:
        embedded, dim = fill_collection(
            settings, embedder, client, gen_dir.name, chunks, source, reuse, progress
        )
    finally:
        client.close()
        if old_client is not None:
            old_client.close()
    LexicalIndex.from_texts(c.index_text for c in chunks).save(gen_dir / LEXICAL)
    with open(gen_dir / CHUNKS, "w", encoding="utf-8") as fh:
        for c in chunks:
            fh.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
    known = {}
    if previous is not None and previous.generation is not None:
        known = sent.known_local(generation_dir(Path(settings.data_dir), previous.generation))
    matrix, p.report.sentences_embedded = sent.embed_table(
        embedder, p.table, known, settings.embed_batch_size, progress
    )
    sent.write_local(gen_dir, p.table, matrix)
    return embedded, dim


@dataclass
class Plan:
    """What an ingest found: the report so far, the passages, and whether anything must be written."""

    report: IngestReport
    corpus: CorpusRead
    sig: dict
    reason: str | None
    unchanged: bool
    table: list[tuple[str, list[str]]]  # (chunk id, its sentences), in index order


def plan(settings, embedder, previous: Previous, rebuild: bool, progress) -> Plan:
    """Read the corpus and compare it with the previous generation (the same for both homes)."""
    sig = signature(embedder, settings)
    reason = rebuild_reason(previous, sig, rebuild)
    corpus = read_corpus(settings, previous, progress)
    table = sent.table_of(corpus.chunks)
    sentences = manifest_entry(table)
    report = IngestReport(
        files=len(corpus.files),
        chunks=len(corpus.chunks),
        embedded=0,
        removed=len(previous.ids - {c.id for c in corpus.chunks}),
        skipped=corpus.skipped,
        rebuilt_because=reason,
        generation=previous.generation,
        sentences=sentences["count"],
    )
    unchanged = (
        previous.generation is not None
        and reason is None
        and previous.manifest.get("lexical") == sig["lexical"]
        and previous.manifest.get("files") == corpus.files
        and previous.manifest.get("sentences") == sentences  # the same split (a code change re-splits)
        and [c.to_dict() for c in previous.chunks] == [c.to_dict() for c in corpus.chunks]
    )
    return Plan(report, corpus, sig, reason, unchanged, table)


def manifest_of(generation: str, previous: Previous, p: Plan, dim: int | None) -> dict:
    """The manifest of a new generation: what readers and the next ingest need to know about it."""
    return {
        "format": FORMAT,
        "generation": generation,
        "previous_generation": previous.generation,
        "built_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        **p.sig,
        "dim": dim or previous.manifest.get("dim"),
        "collection": collection_name(generation),
        "chunks": len(p.corpus.chunks),
        "sentences": manifest_entry(p.table),
        "sources": sorted(p.corpus.files),
        "files": p.corpus.files,
    }


def run(settings, embedder, *, rebuild: bool, progress) -> IngestReport:
    """The whole ingest under the lock; see `ingest_corpus`."""
    data_dir = Path(settings.data_dir)
    # The file lock is taken in both homes: it costs nothing and keeps two runs on one machine apart
    # with a lock the kernel releases when its holder dies.
    with ingest_lock(data_dir):
        if settings.chroma_url:
            return run_server(settings, embedder, rebuild=rebuild, progress=progress)
        return run_local(settings, embedder, rebuild=rebuild, progress=progress)


def run_local(settings, embedder, *, rebuild: bool, progress) -> IngestReport:
    """Ingest into the embedded store: a new folder under data_dir/generations, then the CURRENT switch."""
    data_dir = Path(settings.data_dir)
    pointer = GenerationPointer(data_dir)
    pointer.clean()
    previous = load_previous(settings, pointer)
    # Leftovers of a killed or failed run: everything but the current generation and the one before it.
    prune(data_dir, keep={previous.generation, previous.manifest.get("previous_generation")})
    p = plan(settings, embedder, previous, rebuild, progress)
    if p.unchanged:
        return p.report

    generation = new_generation_id()
    gen_dir = generation_dir(data_dir, generation)
    gen_dir.mkdir(parents=True)
    try:
        p.report.embedded, dim = write_generation(
            settings, embedder, gen_dir, p, None if p.reason else previous, progress
        )
        text = json.dumps(manifest_of(generation, previous, p, dim), ensure_ascii=False, indent=1)
        (gen_dir / MANIFEST).write_text(text, encoding="utf-8")
        fsync_tree(gen_dir)
        fsync_dir(generations_dir(data_dir))
    except BaseException:
        shutil.rmtree(gen_dir, ignore_errors=True)
        raise
    pointer.switch(generation)
    prune(data_dir, keep={generation, previous.generation})
    p.report.generation = generation
    return p.report


def run_server(settings, embedder, *, rebuild: bool, progress) -> IngestReport:
    """Ingest into the Chroma server: a new collection, then the one-record switch in the meta collection."""
    url = settings.chroma_url
    client = chroma.client(settings)
    try:
        with server_lock(client, url) as lock, chroma.reaching(url):
            pointer = chroma.ServerPointer(client, url)
            previous = load_previous_server(client, pointer, url)
            prune_server(client, {previous.generation, previous.manifest.get("previous_generation")}, url)
            p = plan(settings, embedder, previous, rebuild, progress)
            if p.unchanged:
                return p.report

            generation = new_generation_id()
            reuse = [] if p.reason else [c for c in p.corpus.chunks if c.id in previous.ids]
            try:
                source = client.get_collection(previous.manifest["collection"]) if reuse else None
            except Exception:  # noqa: BLE001 — a damaged previous collection only means: embed again
                source = None
            try:
                p.report.embedded, dim = fill_collection(
                    settings, embedder, client, generation, p.corpus.chunks, source, reuse, progress
                )
                known = {} if p.reason else sent.known_server(client, previous.generation)
                matrix, p.report.sentences_embedded = sent.embed_table(
                    embedder, p.table, known, settings.embed_batch_size, progress
                )
                sent.write_server(client, generation, p.table, matrix)
                manifest = manifest_of(generation, previous, p, dim)
                lock.check()
            except BaseException:
                for name in (collection_name(generation), sentence_collection_name(generation)):
                    with contextlib.suppress(Exception):
                        client.delete_collection(name)
                raise
            pointer.switch(generation, manifest)
            prune_server(client, {generation, previous.generation}, url)
            p.report.generation = generation
            return p.report
    finally:
        client.close()
