"""The index: open the current generation for reading (`ingest.build.ingest_corpus` writes a new one).

Two homes, one interface: by default the embedded store under data_dir (index/generations.py); with
DOSSIER_CHROMA_URL a shared Chroma server that several page processes, on several hosts, read
(index/chroma.py).

Read path (`Index.open`) imports chromadb and numpy only: no torch, sentence-transformers or
LangChain, so a cold `dossier ask` stays fast. langchain_chroma costs ~0.8 s of import on top of
chromadb's ~0.7 s (measured with `python -X importtime` on the target machine) and adds nothing to a
nearest-neighbour query, so reading talks to chromadb directly; the write side (ingest/build.py) uses
`langchain_chroma.Chroma` to embed and add passages. Each passage's sentences have vectors too
(index/sentences.py), for answering to score them: `Index.sentence_vectors`.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

import numpy as np

from index import chroma
from index.chunk import Chunk
from index.errors import IndexCorrupt, IndexMissing, IndexOutdated, IndexUnavailable
from index.generations import GenerationPointer, generation_dir
from index.lexical import LexicalIndex
from index.sentences import LocalSentences, ServerSentences, sentence_collection_name

FORMAT = 3  # bump when the layout of a generation changes; an ingest then rebuilds (3: sentence vectors)
MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"
LEXICAL = "lexical"
CHROMA = "chroma"
COSINE = {"hnsw": {"space": "cosine"}}

REBUILD_HINT = "Bouw de index opnieuw met: dossier ingest --rebuild"


def read_manifest(gen_dir: Path) -> dict:
    """The manifest of a finished generation; OSError/ValueError when absent or damaged."""
    manifest = json.loads((gen_dir / MANIFEST).read_text(encoding="utf-8"))
    if not isinstance(manifest, dict) or "generation" not in manifest:
        raise ValueError(f"{MANIFEST} heeft niet de verwachte inhoud")
    return manifest


def check_model(manifest: dict, embedder) -> None:
    """IndexOutdated when the index was built with another model than `embedder`: a question embedded
    with one model against passages of another finds nothing sensible (both may well have 384 dims)."""
    built = (manifest.get("model"), manifest.get("model_sha256"))
    now = (getattr(embedder, "name", None), getattr(embedder, "weights_sha256", None))
    if built[0] is None:
        return  # an index without a recorded model (a test's in-memory one)
    if built[0] != now[0] or (built[1] and now[1] and built[1] != now[1]):
        raise IndexOutdated(
            f"De index is gebouwd met het embeddingmodel {built[0]}, maar ingesteld is {now[0]}. "
            "Bouw de index opnieuw met: dossier ingest (of zet DOSSIER_EMBEDDING_MODEL terug)."
        )


def check_format(manifest: dict, where: str) -> None:
    """IndexOutdated for an index of an older version of this program (the page rebuilds it)."""
    found = manifest.get("format")
    if isinstance(found, int) and found < FORMAT:
        raise IndexOutdated(
            f"De index {where} heeft indexformaat {found} van een eerdere versie; deze versie leest formaat "
            f"{FORMAT}. Bouw de index opnieuw met: dossier ingest"
        )


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
        sentences=None,
    ):
        self.settings = settings
        self.generation = generation
        self.manifest = manifest
        self.chunks = chunks
        self.by_id: dict[str, Chunk] = {c.id: c for c in chunks}
        self._lexical: LexicalIndex = lexical
        self._client = client
        self._collection = collection
        self._sentences = sentences
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
                return cls.open_generation(settings, generation)
            except IndexCorrupt:
                # An ingest may have switched and pruned between reading the pointer and opening.
                if pointer.read() == generation:
                    raise
        raise IndexCorrupt(
            f"De index veranderde steeds tijdens het openen; probeer het opnieuw. {REBUILD_HINT}"
        )

    @classmethod
    def open_generation(cls, settings, generation: str) -> Index:
        """Open one generation of the local store, every part checked; else IndexCorrupt with `.detail`."""
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
        check_format(manifest, f"in {gen_dir}")
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
            sentences = LocalSentences.load(gen_dir, chunks, manifest)
        except (OSError, ValueError, KeyError, TypeError, EOFError) as err:
            raise corrupt("zinnen of hun vectoren onleesbaar", err) from err
        try:
            client = chroma.client(settings, gen_dir / CHROMA)
            collection = client.get_collection(manifest["collection"])
            count = collection.count()
        except Exception as err:  # noqa: BLE001 — chromadb raises many types for a damaged store
            raise corrupt("vectoropslag (Chroma) onleesbaar", err) from err
        if count != len(chunks):
            raise corrupt(f"vectoropslag heeft {count} passages, verwacht {len(chunks)}")
        return cls(settings, generation, manifest, chunks, lexical, client, collection, sentences=sentences)

    @classmethod
    def _open_server(cls, settings) -> Index:
        url = settings.chroma_url
        client = chroma.client(settings)
        try:
            pointer = chroma.ServerPointer(client, url)
            for _attempt in range(3):
                try:
                    manifest = pointer.read_manifest()
                except (ValueError, TypeError) as err:
                    raise chroma.corrupt(url, "het manifest is onleesbaar", err) from err
                if manifest is None:
                    raise IndexMissing(
                        f"Er is nog geen index op de Chroma-server {chroma.display_url(url)}. Bouw die met: "
                        f"DOSSIER_CHROMA_URL={chroma.display_url(url)} dossier ingest"
                    )
                generation = manifest["generation"]
                check_format(manifest, f"op de Chroma-server {chroma.display_url(url)}")
                if manifest.get("format") != FORMAT:
                    raise chroma.corrupt(url, f"indexformaat {manifest.get('format')}, verwacht {FORMAT}")
                try:
                    collection, chunks = chroma.read_generation(client, manifest, url)
                    sentences = cls._server_sentences(client, manifest, url)
                except IndexCorrupt:
                    # An ingest may have switched and pruned between reading the pointer and reading.
                    if pointer.read() == generation:
                        raise
                    continue
                lexical = LexicalIndex.from_texts(c.index_text for c in chunks)
                return cls(
                    settings, generation, manifest, chunks, lexical, client, collection, pointer, sentences
                )
            raise IndexCorrupt(
                "De index op de Chroma-server veranderde steeds tijdens het openen; probeer het opnieuw."
            )
        except BaseException:
            client.close()
            raise

    @staticmethod
    def _server_sentences(client, manifest: dict, url: str) -> ServerSentences:
        from chromadb.errors import ChromaError

        name = sentence_collection_name(manifest["generation"])
        expected = (manifest.get("sentences") or {}).get("count")
        try:
            with chroma.reaching(url):
                collection = client.get_collection(name, embedding_function=None)
                count = collection.count()
        except ChromaError as err:
            raise chroma.corrupt(url, "de zinnen van deze generatie ontbreken", err) from err
        if count != expected:
            raise chroma.corrupt(url, f"de zinnencollectie heeft {count} zinnen, het manifest {expected}")
        return ServerSentences(collection, url, manifest.get("dim"))

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
            with chroma.reaching(self._url):
                return self._collection.query(query_embeddings=query, n_results=k, include=["distances"])
        except NotFoundError as err:
            # Pruned by an ingest two generations on; `is_current` is False by now, the caller reopens.
            raise IndexUnavailable(
                "De index op de Chroma-server is net vervangen door een nieuwere. Stel de vraag opnieuw."
            ) from err

    def lexical_search(self, tokens: list[str], k: int) -> list[tuple[str, float]]:
        """BM25 over the stemmed terms (from `index.lexical.tokenize`): (chunk id, score), best first."""
        return [(self.chunks[i].id, score) for i, score in self._lexical.search(tokens, k)]

    def sentence_vectors(self, chunk_id: str) -> tuple[list[str], np.ndarray]:
        """The sentences of a passage (`index.text.split_units`, as split at ingest) and their vectors:
        float32, L2-normalised, one row per sentence, passage side of the model. KeyError: no such passage."""
        return self.sentence_vectors_many([chunk_id])[chunk_id]

    def sentence_vectors_many(self, chunk_ids: list[str]) -> dict[str, tuple[list[str], np.ndarray]]:
        """`sentence_vectors` of several passages at once (on a Chroma server: one request)."""
        unknown = [cid for cid in chunk_ids if cid not in self.by_id]
        if unknown:
            raise KeyError(unknown[0])
        if not self._url:
            return self._sentences.get_many(list(chunk_ids))
        from chromadb.errors import NotFoundError

        try:
            return self._sentences.get_many(list(chunk_ids))
        except NotFoundError as err:
            raise IndexUnavailable(
                "De index op de Chroma-server is net vervangen door een nieuwere. Stel de vraag opnieuw."
            ) from err

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
