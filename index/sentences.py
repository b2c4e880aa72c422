"""Sentence vectors: every unit (`index.text.split_units`) of every passage, embedded once at ingest.

Answering scores a passage's sentences against the question with the same model as retrieval; the
vectors are made by the ingest (passage side of the embedder), so a question costs one embedding.

    local store (a generation folder)
      sentences.jsonl   one line per passage, in index order: {"id": chunk id, "sentences": [...]}
      sentences.npy     float32 (number of sentences, dim), the rows in that same order
    Chroma server
      dossier-<generation>-sentences   one record per sentence: id "<chunk id>:<n>", the sentence as
                                       document, {"chunk", "n"} as metadata; read per passage when
                                       first asked for and kept (a page process needs no local files)

The manifest's "sentences" entry says how many there are and which split made them (`fingerprint`):
an ingest after a change of the splitter re-splits, and embeds only sentences it has not seen.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from index.chunk import Chunk
from index.generations import collection_name
from index.text import split_units

SENTENCES = "sentences.jsonl"
SENTENCE_VECTORS = "sentences.npy"
SENTENCES_FORMAT = 1
COLLECTION_SUFFIX = "-sentences"
CACHE_PASSAGES = 4096  # server mode: passages whose sentence vectors a page process keeps


def sentence_collection_name(generation: str) -> str:
    return collection_name(generation) + COLLECTION_SUFFIX


def sentences_of(chunk: Chunk) -> list[str]:
    """The units of a passage as answering quotes them: what gets a vector."""
    return [u.text for u in split_units(chunk.text)]


def fingerprint(table: Iterable[tuple[str, list[str]]]) -> str:
    """Which sentences of which passages: equal fingerprints, equal tables."""
    h = hashlib.sha256()
    for chunk_id, sentences in table:
        h.update(json.dumps([chunk_id, sentences], ensure_ascii=False).encode())
    return h.hexdigest()[:32]


def manifest_entry(table: list[tuple[str, list[str]]]) -> dict:
    return {
        "format": SENTENCES_FORMAT,
        "count": sum(len(s) for _, s in table),
        "fingerprint": fingerprint(table),
    }


class LocalSentences:
    """The sentence table of a generation folder; the matrix is memory-mapped (read-only)."""

    def __init__(self, rows: dict[str, tuple[list[str], int]], matrix: np.ndarray):
        self._rows = rows  # chunk id -> (sentences, first row)
        self._matrix = matrix

    @classmethod
    def load(cls, gen_dir: Path, chunks: list[Chunk], manifest: dict) -> LocalSentences:
        """ValueError (or OSError/KeyError/EOFError) when the files do not match the passages."""
        entry = manifest.get("sentences") or {}
        if entry.get("format") != SENTENCES_FORMAT:
            raise ValueError(f"zinnen in formaat {entry.get('format')}, verwacht {SENTENCES_FORMAT}")
        rows: dict[str, tuple[list[str], int]] = {}
        start = 0
        with open(gen_dir / SENTENCES, encoding="utf-8") as fh:
            lines = [json.loads(line) for line in fh if line.strip()]
        if [line["id"] for line in lines] != [c.id for c in chunks]:
            raise ValueError(f"{SENTENCES} hoort niet bij de passages")
        for line in lines:
            sentences = [str(s) for s in line["sentences"]]
            rows[line["id"]] = (sentences, start)
            start += len(sentences)
        matrix = np.load(gen_dir / SENTENCE_VECTORS, mmap_mode="r", allow_pickle=False)
        dim = manifest.get("dim")
        if matrix.ndim != 2 or matrix.shape[0] != start or start != entry.get("count"):
            raise ValueError(f"{SENTENCE_VECTORS} heeft {matrix.shape[0]} rijen, verwacht {start}")
        if dim and start and matrix.shape[1] != dim:
            raise ValueError(f"{SENTENCE_VECTORS} heeft {matrix.shape[1]} dimensies, verwacht {dim}")
        return cls(rows, matrix)

    def get_many(self, chunk_ids: list[str]) -> dict[str, tuple[list[str], np.ndarray]]:
        out = {}
        for cid in chunk_ids:
            sentences, start = self._rows[cid]
            out[cid] = (sentences, self._matrix[start : start + len(sentences)])
        return out


class ServerSentences:
    """The sentence collection of a generation on a Chroma server, read per passage and cached."""

    def __init__(self, collection, url: str, dim: int | None):
        self._collection = collection
        self._url = url
        self._dim = dim or 0
        self._cache: dict[str, tuple[list[str], np.ndarray]] = {}

    def get_many(self, chunk_ids: list[str]) -> dict[str, tuple[list[str], np.ndarray]]:
        missing = [cid for cid in dict.fromkeys(chunk_ids) if cid not in self._cache]
        if missing:
            self._fetch(missing)
        return {cid: self._cache[cid] for cid in chunk_ids}

    def _fetch(self, chunk_ids: list[str]) -> None:
        from index import chroma

        with chroma.reaching(self._url):
            got = self._collection.get(
                where={"chunk": {"$in": chunk_ids}}, include=["documents", "metadatas", "embeddings"]
            )
        found: dict[str, list[tuple[int, str, np.ndarray]]] = {cid: [] for cid in chunk_ids}
        for doc, meta, vec in zip(got["documents"], got["metadatas"], got["embeddings"], strict=True):
            found[meta["chunk"]].append((int(meta["n"]), doc, np.asarray(vec, dtype=np.float32)))
        if len(self._cache) + len(found) > CACHE_PASSAGES:
            self._cache.clear()  # bounded; refilled from the server as questions come
        for cid, items in found.items():
            items.sort(key=lambda item: item[0])
            vectors = np.stack([v for _, _, v in items]) if items else np.zeros((0, self._dim), np.float32)
            self._cache[cid] = ([d for _, d, _ in items], vectors)
