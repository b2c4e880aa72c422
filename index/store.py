"""The index: open the current generation for reading, and `ingest_corpus` to build a new one.

Two homes, one interface: by default the embedded store under data_dir (ingest/generations.py); with
DOSSIER_CHROMA_URL a shared Chroma server that several page processes, on several hosts, read
(ingest/server.py).

Read path (`Index.open`) imports chromadb and numpy only: no torch, sentence-transformers or
LangChain, so a cold `dossier ask` stays fast. langchain_chroma costs ~0.8 s of import on top of
chromadb's ~0.7 s (measured with `python -X importtime` on the target machine) and adds nothing to a
nearest-neighbour query, so reading talks to chromadb directly; the write side (ingest/build.py) uses
`langchain_chroma.Chroma` to embed and add passages.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from index import chroma as server
from index.chunk import Chunk
from index.errors import IndexCorrupt, IndexMissing, IndexUnavailable, SettingsError
from index.generations import GenerationPointer, generation_dir
from index.lexical import LexicalIndex

FORMAT = 2  # bump when the layout of a generation changes; an ingest then rebuilds
MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"
LEXICAL = "lexical"
CHROMA = "chroma"
COSINE = {"hnsw": {"space": "cosine"}}

REBUILD_HINT = "Bouw de index opnieuw met: dossier ingest --rebuild"


def _chroma_client(settings, gen_dir: Path | None = None):
    """The one place a Chroma client is made: the server of DOSSIER_CHROMA_URL, else the store in gen_dir."""
    # chromadb reads this when its telemetry module loads; Settings below covers the client itself.
    os.environ["ANONYMIZED_TELEMETRY"] = "False"
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        args = server.client_args(settings.chroma_url)
        try:
            return chromadb.HttpClient(**args, settings=chroma_settings)
        except ValueError as err:  # chromadb's "Could not connect to a Chroma server"
            raise server.unavailable(settings.chroma_url, err) from err
    return chromadb.PersistentClient(path=str(gen_dir / CHROMA), settings=chroma_settings)


def read_manifest(gen_dir: Path) -> dict:
    """The manifest of a finished generation; OSError/ValueError when absent or damaged."""
    manifest = json.loads((gen_dir / MANIFEST).read_text(encoding="utf-8"))
    if not isinstance(manifest, dict) or "generation" not in manifest:
        raise ValueError(f"{MANIFEST} heeft niet de verwachte inhoud")
    return manifest


def read_chunks(gen_dir: Path) -> list[Chunk]:
    """The passages of a generation, in index order; OSError/ValueError/KeyError when damaged."""
    with open(gen_dir / CHUNKS, encoding="utf-8") as fh:
        return [Chunk.from_dict(json.loads(line)) for line in fh if line.strip()]


class Index:
    """One finished generation, opened for reading: passages, dense and BM25 search."""

    def __init__(
        self,
        settings,
        generation: str,
        manifest: dict,
        chunks: list[Chunk],
        lexical,
        client,
        collection,
        pointer=None,
    ):
        self.settings = settings
        self.generation = generation
        self.manifest = manifest
        self.chunks = chunks
        self.by_id: dict[str, Chunk] = {c.id: c for c in chunks}
        self._lexical: LexicalIndex = lexical
        self._client = client
        self._collection = collection
        # What `is_current` asks: the CURRENT file in data_dir, or the meta record on the Chroma server.
        self._pointer = pointer or GenerationPointer(Path(settings.data_dir))
        self._url: str | None = settings.chroma_url or None

    @classmethod
    def open(cls, settings) -> Index:
        """Open the current generation; IndexMissing when none was built, IndexCorrupt when it is damaged.

        With DOSSIER_CHROMA_URL: from the Chroma server (IndexUnavailable when it does not answer).
        """
        if settings.chroma_url:
            return cls._open_server(settings)
        pointer = GenerationPointer(Path(settings.data_dir))
        for _attempt in range(3):
            generation = pointer.read()
            if generation is None:
                raise IndexMissing("Er is nog geen index. Bouw die met: dossier ingest")
            try:
                return cls._open_generation(settings, generation)
            except IndexCorrupt:
                # An ingest may have switched and pruned between reading the pointer and opening.
                if pointer.read() == generation:
                    raise
        raise IndexCorrupt(
            f"De index veranderde steeds tijdens het openen; probeer het opnieuw. {REBUILD_HINT}"
        )

    @classmethod
    def _open_generation(cls, settings, generation: str) -> Index:
        gen_dir = generation_dir(Path(settings.data_dir), generation)

        def corrupt(what: str, err: BaseException | None = None) -> IndexCorrupt:
            what += f" ({type(err).__name__}: {err})" if err else ""
            error = IndexCorrupt(f"De index in {gen_dir} is beschadigd: {what}. {REBUILD_HINT}")
            error.detail = what  # for an ingest's `rebuilt_because`
            return error

        try:
            found = gen_dir.is_dir()
        except OSError:  # a damaged pointer can name a path the system refuses (name too long)
            found = False
        if not found:
            raise corrupt("de map van de huidige generatie ontbreekt")
        try:
            manifest = read_manifest(gen_dir)
            chunks = read_chunks(gen_dir)
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise corrupt("manifest of passages onleesbaar", err) from err
        if manifest.get("format") != FORMAT:
            raise corrupt(f"indexformaat {manifest.get('format')}, verwacht {FORMAT}")
        if manifest.get("chunks") != len(chunks):
            raise corrupt(f"{len(chunks)} passages, het manifest noemt er {manifest.get('chunks')}")
        try:
            lexical = LexicalIndex.load(gen_dir / LEXICAL)
        except (OSError, ValueError, KeyError, EOFError) as err:  # numpy: EOFError for an emptied file
            raise corrupt("lexicale index onleesbaar", err) from err
        if lexical.size != len(chunks):
            raise corrupt(f"lexicale index heeft {lexical.size} passages, verwacht {len(chunks)}")
        try:
            client = _chroma_client(settings, gen_dir)
            collection = client.get_collection(manifest["collection"])
            count = collection.count()
        except Exception as err:  # noqa: BLE001 — chromadb raises many types for a damaged store
            raise corrupt("vectoropslag (Chroma) onleesbaar", err) from err
        if count != len(chunks):
            raise corrupt(f"vectoropslag heeft {count} passages, verwacht {len(chunks)}")
        return cls(settings, generation, manifest, chunks, lexical, client, collection)

    @classmethod
    def _open_server(cls, settings) -> Index:
        url = settings.chroma_url
        client = _chroma_client(settings)
        try:
            pointer = server.ServerPointer(client, url)
            for _attempt in range(3):
                try:
                    manifest = pointer.read_manifest()
                except (ValueError, TypeError) as err:
                    raise server.corrupt(url, "het manifest is onleesbaar", err) from err
                if manifest is None:
                    raise IndexMissing(
                        f"Er is nog geen index op de Chroma-server {server.display_url(url)}. Bouw die met: "
                        f"DOSSIER_CHROMA_URL={server.display_url(url)} dossier ingest"
                    )
                generation = manifest["generation"]
                if manifest.get("format") != FORMAT:
                    raise server.corrupt(url, f"indexformaat {manifest.get('format')}, verwacht {FORMAT}")
                try:
                    collection, chunks = server.read_generation(client, manifest, url)
                except IndexCorrupt:
                    # An ingest may have switched and pruned between reading the pointer and reading.
                    if pointer.read() == generation:
                        raise
                    continue
                lexical = LexicalIndex.from_texts(c.index_text for c in chunks)
                return cls(settings, generation, manifest, chunks, lexical, client, collection, pointer)
            raise IndexCorrupt(
                "De index op de Chroma-server veranderde steeds tijdens het openen; probeer het opnieuw."
            )
        except BaseException:
            client.close()
            raise

    @property
    def vocabulary(self) -> dict[str, int]:
        """Stemmed term -> number of passages that contain it."""
        return self._lexical.vocabulary

    def dense_search(self, vec: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The `k` passages nearest to a query vector: (chunk id, cosine similarity), best first."""
        k = min(int(k), len(self.chunks))
        if k <= 0:
            return []
        query = np.asarray(vec, dtype=np.float32).reshape(1, -1)
        if self._url:
            result = self._query_server(query, k)
        else:
            result = self._collection.query(query_embeddings=query, n_results=k, include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(result["ids"][0], result["distances"][0], strict=True)]

    def _query_server(self, query: np.ndarray, k: int) -> dict:
        from chromadb.errors import NotFoundError

        try:
            with server.reaching(self._url):
                return self._collection.query(query_embeddings=query, n_results=k, include=["distances"])
        except NotFoundError as err:
            # Pruned by an ingest two generations on; `is_current` is False by now, the caller reopens.
            raise IndexUnavailable(
                "De index op de Chroma-server is net vervangen door een nieuwere. Stel de vraag opnieuw."
            ) from err

    def lexical_search(self, tokens: list[str], k: int) -> list[tuple[str, float]]:
        """BM25 over the stemmed terms (from `index.lexical.tokenize`): (chunk id, score), best first."""
        return [(self.chunks[i].id, score) for i, score in self._lexical.search(tokens, k)]

    def is_current(self) -> bool:
        """False once a newer ingest has finished: a long-running process should reopen.

        One small read (a file, or one record on the Chroma server); callers rate-limit it. When the
        server does not answer, True: keep serving the passages in memory, `dense_search` says why.
        """
        try:
            return self._pointer.read() == self.generation
        except IndexUnavailable:
            return True

    @cached_property
    def sections(self) -> list[str]:
        """Section paths that hold passages, in document order."""
        return list(dict.fromkeys(c.section_path for c in self.chunks))

    def close(self) -> None:
        """Release the Chroma client (files stay); call it before reopening once `is_current()` is False."""
        self._client.close()


@dataclass
class IngestReport:
    """What an ingest did. `files` counts the documents in the new index."""

    files: int
    chunks: int
    embedded: int
    removed: int
    skipped: list[dict[str, str]] = field(default_factory=list)
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
    # The write side (document readers, LangChain) is imported here: readers of the index never need it.
    from ingest import build

    started = time.monotonic()
    corpus_dir = Path(settings.corpus_dir)
    if not corpus_dir.is_dir():
        raise SettingsError(
            f"De map met documenten bestaat niet: {corpus_dir}. Zet DOSSIER_CORPUS_DIR op de juiste map."
        )
    report = build.run(settings, embedder, rebuild=rebuild, progress=progress)
    report.seconds = round(time.monotonic() - started, 3)
    return report
