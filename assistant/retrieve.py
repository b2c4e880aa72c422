"""Hybrid retrieval: dense (query embedding) and lexical (BM25 over Dutch stems), fused, de-duplicated.

Fusion is a weighted sum of scores normalised per list (BM25 / the list's best, cosine min-max over
the list). Re-measured for the multilingual model (`python -m bench.fusion`) on dev + extra + holdout
(115 in-scope questions with evidence; never the officer_* sets; at commit 0ba70b3, before the
model-based situation detector): retrieval recall@5 (r@5) per set,
recall@1/@3 and MRR on all three, and `dossier eval`'s recall@5 of the answers (ans):

                            all-MiniLM-L6-v2 (before)           multilingual-e5-small (now)
                           r@5  r@1   r@3   mrr   ans           r@5  r@1   r@3   mrr   ans
    lexical only          .983 .783  .965  .875  .983          .983 .783  .965  .875  .983
    dense only            .852 .513  .748  .650  .870          .904 .696  .852  .786  .974
    score, dense 0.4      1.00 .826  1.00  .909  1.00          1.00 .826  1.00  .904  1.00
    score, dense 0.6      1.00 .809  1.00  .897  1.00          1.00 .826  1.00  .904  .991   (default)
    score, dense 1.0      1.00 .800  .957  .883  .991          .991 .791  .965  .876  .991
    score, dense 1.5      .965 .774  .913  .856  .974          .965 .791  .913  .866  .991
    score, dense 2.0      .922 .678  .913  .800  .957          .957 .809  .922  .869  .991
    rrf k=60, dense 1     .939 .687  .887  .791  .974          .948 .783  .930  .855  1.00

(dense-only r@5 per set, MiniLM / e5: dev .805 / .927, extra .909 / .945, holdout .789 / .737.)

The multilingual model is much better alone, but fused it does not want more weight: at 0.4 and 0.6
retrieval is identical (r@1 .826, MRR .904), from 0.8 on recall drops. Cosines of e5 lie close together
(0.75-0.9), and min-max scaling spreads them over the whole range, so dense 0.6 already moves the
ranking as much as BM25's clear leads allow. The weight stays 0.6 (0.4 differs by one answer of 115,
within noise). With RRF (k=60) a passage first in BM25 but absent from the dense list loses to passages
that are mediocre in both; score fusion keeps how far ahead the best lexical match is.
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
    dense: float = 0.6  # measured for MiniLM and again for e5: see the module docstring
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


SHORT_LEAD = 400  # characters: a passage of one short paragraph


def _ends_in_list(text: str, following: str) -> bool:
    return text.rstrip().endswith((":", ";")) and is_list_item(following)


def _lead_to_list(text: str, following: str) -> bool:
    """A short passage followed by one that opens a list ("Het IBP is een afspraak ..." | "Afgesproken is dat
    iedere gemeente:\n- ..."): the list spells out what it says."""
    return len(text) <= SHORT_LEAD and following.split("\n", 1)[0].rstrip().endswith(":")


def _with_continuations(hits: list[Hit], next_chunk: dict, k: int, depth: int = 3) -> list[Hit]:
    out = list(hits)
    for hit in hits[:depth]:
        nxt = next_chunk.get(hit.chunk.id)
        if nxt is None:
            continue
        if not (_ends_in_list(hit.chunk.text, nxt.text) or _lead_to_list(hit.chunk.text, nxt.text)):
            continue
        present = next((h for h in out if h.chunk.id == nxt.id), None)
        if present is not None:
            out.remove(present)
        cont = present or Hit(chunk=nxt, score=hit.score * 0.95)
        out.insert(out.index(hit) + 1, cont)
    return out[:k]
