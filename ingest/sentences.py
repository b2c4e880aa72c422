"""Write side of the sentence vectors (layout: index/sentences.py): split, reuse, embed, store.

A sentence's vector depends on its text and the model only, so vectors are reused by text from the
previous generation (same model: a model change rebuilds everything) and every distinct new sentence
is embedded once, in batches, with the passage side of the embedder.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from index.chunk import Chunk
from index.errors import IndexCorrupt
from index.sentences import (
    SENTENCE_VECTORS,
    SENTENCES,
    sentence_collection_name,
    sentences_of,
)
from ingest.corpus import progress_bar

COPY_BATCH = 1000  # records per request, well under chromadb's max batch size (5461 in 1.5)


def table_of(chunks: list[Chunk]) -> list[tuple[str, list[str]]]:
    """(chunk id, its sentences) for every passage, in index order."""
    return [(c.id, sentences_of(c)) for c in chunks]


def known_local(gen_dir: Path | None) -> dict[str, np.ndarray]:
    """Sentence text -> vector of a previous generation folder; empty when there is none or it is damaged."""
    if gen_dir is None:
        return {}
    try:
        with open(gen_dir / SENTENCES, encoding="utf-8") as fh:
            texts = [s for line in fh if line.strip() for s in json.loads(line)["sentences"]]
        matrix = np.load(gen_dir / SENTENCE_VECTORS, allow_pickle=False)
        if matrix.ndim != 2 or len(matrix) != len(texts):
            return {}
        return dict(zip(texts, matrix.astype(np.float32), strict=True))
    except (OSError, ValueError, KeyError, TypeError, EOFError):
        return {}  # a damaged previous table only means: embed those sentences again


def known_server(client, generation: str | None) -> dict[str, np.ndarray]:
    """`known_local` for the sentence collection of a generation on a Chroma server."""
    if generation is None:
        return {}
    known: dict[str, np.ndarray] = {}
    try:
        collection = client.get_collection(sentence_collection_name(generation), embedding_function=None)
        for offset in range(0, collection.count(), COPY_BATCH):
            got = collection.get(include=["documents", "embeddings"], limit=COPY_BATCH, offset=offset)
            for doc, vec in zip(got["documents"], got["embeddings"], strict=True):
                known[doc] = np.asarray(vec, dtype=np.float32)
    except Exception:  # noqa: BLE001 — a damaged previous collection only means: embed again
        return {}
    return known


def embed_table(
    embedder, table: list[tuple[str, list[str]]], known: dict[str, np.ndarray], batch_size: int, progress
) -> tuple[np.ndarray, int]:
    """The matrix of the table (rows in table order) and how many distinct sentences were embedded."""
    texts = [s for _, sentences in table for s in sentences]
    if not texts:
        return np.zeros((0, 0), np.float32), 0
    vectors = dict(known)
    new = [t for t in dict.fromkeys(texts) if t not in vectors]
    bar = progress_bar(progress, len(new), "zinnen embedden", "zin")
    try:
        for start in range(0, len(new), batch_size):
            batch = new[start : start + batch_size]
            vectors.update(zip(batch, embedder.embed_documents(batch), strict=True))
            bar.update(len(batch))
    finally:
        bar.close()
    return np.stack([vectors[t] for t in texts]).astype(np.float32), len(new)


def write_local(gen_dir: Path, table: list[tuple[str, list[str]]], matrix: np.ndarray) -> None:
    """The two files of a generation folder (see the module docstring)."""
    with open(gen_dir / SENTENCES, "w", encoding="utf-8") as fh:
        for chunk_id, sentences in table:
            fh.write(json.dumps({"id": chunk_id, "sentences": sentences}, ensure_ascii=False) + "\n")
    with open(gen_dir / SENTENCE_VECTORS, "wb") as fh:
        np.save(fh, np.ascontiguousarray(matrix, dtype=np.float32), allow_pickle=False)


def server_records(table: list[tuple[str, list[str]]]) -> tuple[list[str], list[str], list[dict]]:
    """(ids, documents, metadatas) of the sentence records, in table order."""
    ids, docs, metas = [], [], []
    for chunk_id, sentences in table:
        for n, sentence in enumerate(sentences):
            ids.append(f"{chunk_id}:{n}")
            docs.append(sentence)
            metas.append({"chunk": chunk_id, "n": n})
    return ids, docs, metas


def write_server(client, generation: str, table: list[tuple[str, list[str]]], matrix: np.ndarray) -> None:
    """The generation's sentence collection on the server (cosine, like the passages)."""
    from index.store import COSINE

    collection = client.create_collection(
        sentence_collection_name(generation),
        configuration=COSINE,
        metadata={"generation": generation},
        embedding_function=None,
    )
    ids, docs, metas = server_records(table)
    for start in range(0, len(ids), COPY_BATCH):
        end = start + COPY_BATCH
        collection.add(ids=ids[start:end], embeddings=matrix[start:end], documents=docs[start:end],
                       metadatas=metas[start:end])  # fmt: skip
    if collection.count() != len(ids):
        got = collection.count()
        raise IndexCorrupt(f"Chroma bevat {got} zinnen na het schrijven, verwacht {len(ids)}.")
