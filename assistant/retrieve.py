"""Hybrid retrieval: dense (query embedding) and lexical (BM25 over Dutch stems), fused, de-duplicated.

Fusion is a weighted sum of scores normalised per list (BM25 / the list's best, cosine min-max over
the list). Measured against reciprocal rank fusion on dev + our own questions (96, `fusion_study` in
assistant/eval.py), recall@5 / answer_hit:

    score fusion  dense 0.6, lexical 1, expansions 0.35   0.990 / 0.990   (default)
    RRF k=10, same weights                                0.990 / 0.979
    RRF k=60, same weights                                0.958 / 0.948
    lexical only                                          0.969 / 0.958
    dense only                                            0.865 / 0.865

Why: the model is English-trained, so on this Dutch dossier BM25 carries most of the signal; with
RRF (k=60) a passage first in BM25 but absent from the dense list loses to passages that are
mediocre in both. Score fusion keeps how far ahead the best lexical match is.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.query import Query
from index.chunk import Chunk
from index.text import is_list_item


@dataclass
class Hit:
    """A retrieved passage with its fused score and the raw scores behind it."""

    chunk: Chunk
    score: float  # fused score, scaled so that the best possible passage scores 1.0
    dense: float = 0.0  # cosine similarity (0 when not in the dense list)
    lexical: float = 0.0  # BM25 (0 when not in the lexical list)
    dense_rank: int | None = None
    lexical_rank: int | None = None


@dataclass(frozen=True)
class Fusion:
    """How the ranked lists are combined.

    method "rrf": sum of weight / (rrf_k + rank); "score": sum of weight * score normalised per list
    (BM25 divided by the list's best, cosine min-max scaled over the list). `pool` = candidates per list.
    """

    method: str = "score"
    rrf_k: int = 60
    dense: float = 0.6
    lexical: float = 1.0
    expansion: float = 0.35
    pool: int = 30


DEFAULT_FUSION = Fusion()


@dataclass
class Retrieval:
    """The hits, and the best raw scores of each list (signals for the out-of-scope decision)."""

    hits: list[Hit]
    top_dense: float
    top_lexical: float
    vector: object = None  # the question's embedding (answering scores sentences with it too)


def _norm_text(text: str) -> str:
    return " ".join(text.lower().split())


def retrieve(
    index, embedder, query: Query, k: int, fusion: Fusion = DEFAULT_FUSION, next_chunk: dict | None = None
) -> Retrieval:
    """The `k` best passages for `query`, best first, de-duplicated by text.

    A list cut in two by chunking ("Afgesproken is dat iedere gemeente: - ...;" | "- ...;") is read
    whole: when one of the first passages ends inside a list, the passage that continues it (`next_chunk`)
    follows it.
    """
    pool = max(fusion.pool, k)
    lists: list[tuple[float, list[tuple[str, float]], str]] = []
    vec = embedder.embed_query(query.search_text)
    dense = index.dense_search(vec, pool)
    lists.append((fusion.dense, dense, "dense"))
    terms = query.lexical_terms()
    lexical = index.lexical_search(terms, pool) if terms else []
    lists.append((fusion.lexical, lexical, "lexical"))
    expansion = query.expansion_terms()
    if expansion:
        lists.append((fusion.expansion, index.lexical_search(expansion, pool), "expansion"))

    scores = _fuse(lists, fusion)
    dense_score = dict(dense)
    lexical_score = dict(lexical)
    dense_rank = {cid: r for r, (cid, _) in enumerate(dense)}
    lexical_rank = {cid: r for r, (cid, _) in enumerate(lexical)}

    hits: list[Hit] = []
    seen: set[str] = set()
    for cid, s in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])):
        chunk = index.by_id.get(cid)
        if chunk is None:
            continue
        key = _norm_text(chunk.text)
        if key in seen:
            continue
        seen.add(key)
        hits.append(
            Hit(
                chunk=chunk,
                score=s,
                dense=dense_score.get(cid, 0.0),
                lexical=lexical_score.get(cid, 0.0),
                dense_rank=dense_rank.get(cid),
                lexical_rank=lexical_rank.get(cid),
            )
        )
        if len(hits) >= k:
            break
    if next_chunk:
        hits = _with_continuations(hits, next_chunk, k)
    return Retrieval(hits, dense[0][1] if dense else 0.0, lexical[0][1] if lexical else 0.0, vec)


def _fuse(lists: list[tuple[float, list[tuple[str, float]], str]], fusion: Fusion) -> dict[str, float]:
    """Fused score per chunk id, scaled so that a passage first in every list scores 1.0."""
    scores: dict[str, float] = {}
    total = sum(w for w, ranked, _ in lists if ranked) or 1.0
    for weight, ranked, name in lists:
        if not ranked:
            continue
        if fusion.method == "rrf":
            for rank, (cid, _s) in enumerate(ranked):
                part = (fusion.rrf_k + 1) / (fusion.rrf_k + rank + 1)
                scores[cid] = scores.get(cid, 0.0) + weight * part / total
        else:
            values = [v for _, v in ranked]
            hi = max(values)
            lo = min(values) if name == "dense" else 0.0
            span = (hi - lo) or 1.0
            for cid, v in ranked:
                scores[cid] = scores.get(cid, 0.0) + weight * max(0.0, v - lo) / span / total
    return scores


def _with_continuations(hits: list[Hit], next_chunk: dict, k: int, depth: int = 3) -> list[Hit]:
    out = list(hits)
    for hit in hits[:depth]:
        nxt = next_chunk.get(hit.chunk.id)
        if nxt is None or not hit.chunk.text.rstrip().endswith((":", ";")) or not is_list_item(nxt.text):
            continue
        present = next((h for h in out if h.chunk.id == nxt.id), None)
        if present is not None:
            out.remove(present)
        cont = present or Hit(chunk=nxt, score=hit.score * 0.95)
        out.insert(out.index(hit) + 1, cont)
    return out[:k]
