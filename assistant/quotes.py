"""Which sentences of the retrieved passages answer the question: a learned mix of a few features.

Per candidate sentence (sentence or list item of a retrieved passage, or its section heading):

    cosine     question vs sentence, the same model as retrieval (sentence vectors made once per index)
    cos_gap    how far under the best sentence's cosine it is (the best answer stands out)
    lexical    idf-weighted share of the question's terms in the sentence
    heading    the same share in the passage's section heading
    rank       1 / (1 + rank of its passage)
    type_fit   holds what the question asks for (hoe lang: a duration, hoeveel: a number, also in
               words, wie: a person or an acting organisation, waar: a place or contact, wanneer: a time)
    type_miss  the question asks for a type and the sentence does not hold one
    rhetorical the dossier's own question ("Wat kun je doen?"): asks, does not answer
    fragment   under 3 words (a bare sub-heading)
    defines    opens by defining what a "Wat is X?" question asks about
    is_heading the unit is the section heading

The weights are a conditional logit (which sentence of its question holds the evidence, a softmax over
the question's sentences) with one logistic calibration on top, on sentences labelled by whether they hold
the evidence of a question (the dev, extra, holdout and tuning2–5 sets), learned by
`python -m bench.quotefit` into `quotes.json`; the figures left out per set are in that script's report.
No weight here is set by hand.
"""

from __future__ import annotations

import json
import math
import os
import re
from functools import cache
from pathlib import Path

import numpy as np

from assistant import answer, answertype
from assistant.counting import counted_stems
from assistant.definition import defines, is_definition_question

WEIGHTS = Path(__file__).with_name("quotes.json")
FEATURES = (
    "cosine",
    "cos_gap",
    "lexical",
    "heading",
    "passage",
    "fused",
    "rank",
    "first",
    "type_fit",
    "type_miss",
    "rhetorical",
    "fragment",
    "defines",
    "is_heading",
)


@cache
def load_weights(path: Path = WEIGHTS, part: str = "choice") -> tuple[np.ndarray, float]:
    """(coefficients in FEATURES order, intercept) of the shipped model: `choice` (which sentences are
    quoted) or `confidence` (how likely a sentence is to answer, see `confidence`)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if part == "confidence":
        data = data.get("confidence", data)
    coef = np.array([data["coef"][f] for f in FEATURES], dtype=np.float64)
    mean = np.array([data["mean"][f] for f in FEATURES], dtype=np.float64)
    scale = np.array([data["scale"][f] for f in FEATURES], dtype=np.float64)
    # stored for standardised features; folded here into weights on the raw ones
    return coef / scale, float(data["intercept"] - (coef * mean / scale).sum())


@cache
def selection(path: Path = WEIGHTS) -> dict:
    """How many sentences are quoted: `limit`, and `ratio` of the best one's probability to be quoted."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {"ratio": float(data["ratio"]), "limit": int(data["limit"]), "window": int(data["window"])}


def type_fit(kind: str, text: str, *, lower_words: set[str], query: str, noun_stems: set[str], stem) -> float:
    """1 when `text` holds an entity of `kind`; 0.5 for a number that is not next to the counted noun."""
    if kind == answertype.NUMBER and noun_stems:
        if answertype.has_entity(
            kind, text, lower_words=lower_words, query=query, noun_stems=noun_stems, stem=stem
        ):
            return 1.0
        return (
            0.5
            if answertype.has_entity(
                kind, text, lower_words=lower_words, query=query, noun_stems=set(), stem=stem
            )
            else 0.0
        )
    return float(
        answertype.has_entity(
            kind, text, lower_words=lower_words, query=query, noun_stems=noun_stems, stem=stem
        )
    )


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


# ---------------------------------------------------------------- sentence vectors


def cached_vectors(texts: list[str], embed, path: Path | None) -> np.ndarray:
    """`embed(texts)`, kept in the file `path` (reused while it holds the same texts)."""
    if path is not None and path.exists():
        try:
            with np.load(path, allow_pickle=False) as data:
                if list(data["texts"]) == texts:
                    return data["vectors"]
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache is made again
    matrix = np.asarray(embed(texts), dtype=np.float32)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + f".{os.getpid()}.tmp.npz")
            np.savez(tmp, texts=np.array(texts), vectors=matrix)
            tmp.replace(path)
        except OSError:
            pass  # a read-only data folder: the vectors stay in memory
    return matrix


class SentenceVectors:
    """The vectors of the retrieved passages' sentences (units), never embedded at question time.

    An index stores them at ingest (`index.sentence_vectors_many`); an index without them (the
    in-memory fake of the unit tests) has them embedded here once, when it is opened."""

    def __init__(self, index, embedder, units: dict):
        self._index = index
        self._units = {cid: [u.text for u, _ in pairs] for cid, pairs in units.items()}
        self._own: dict[str, np.ndarray] | None = None
        if not hasattr(index, "sentence_vectors_many"):
            flat = list(dict.fromkeys(t for texts in self._units.values() for t in texts))
            matrix = np.asarray(embedder.embed_documents(flat), dtype=np.float32) if flat else None
            row = {t: i for i, t in enumerate(flat)}
            self._own = {
                cid: matrix[[row[t] for t in texts]] if texts else np.zeros((0, 1), np.float32)
                for cid, texts in self._units.items()
            }

    def of(self, chunk_ids: list[str]) -> dict[str, np.ndarray | None]:
        """chunk id -> its sentence vectors in unit order (None when the stored split differs)."""
        if self._own is not None:
            return {cid: self._own.get(cid) for cid in chunk_ids}
        got = self._index.sentence_vectors_many(list(dict.fromkeys(chunk_ids)))
        out = {}
        for cid in chunk_ids:
            texts, matrix = got.get(cid, ([], None))
            out[cid] = matrix if matrix is not None and list(texts) == self._units.get(cid) else None
        return out


# ---------------------------------------------------------------- features and scores


def question_types(query) -> tuple[str, ...]:
    """The answer types the question (or, for a follow-up, the one before it) asks for."""
    for text in query.type_texts:
        types = answertype.answer_types(text)
        if types:
            return types
    return ()


def features(
    query, hits, sentences, qvec, vectors: SentenceVectors, idf: dict, lower_words: set[str]
) -> np.ndarray:
    """One row of FEATURES per sentence (see the module docstring)."""
    from index.lexical import tokenize

    _match, _matched = answer.match_share, answer.matched_terms

    n = len(sentences)
    X = np.zeros((n, len(FEATURES)), dtype=np.float64)
    if not n:
        return X
    default = max(idf.values(), default=1.0)
    core, alts = query.core, query.terms.alts
    types = question_types(query)
    noun_stems = counted_stems(query.type_text, query.lang, idf)
    definition = is_definition_question(query.text)
    defining = {t for t in core} | {a for t in core for a, w in alts.get(t, {}).items() if w >= 1.0}
    q = np.asarray(qvec, dtype=np.float32) if qvec is not None else None
    cos = np.zeros(n)
    heading_match: dict[int, float] = {}
    passage_stems: dict[int, set[str]] = {}
    stored = vectors.of([h.chunk.id for h in hits])
    for i, s in enumerate(sentences):
        rows = stored.get(hits[s.hit].chunk.id)
        if s.heading or rows is None or q is None or not 0 <= s.position < len(rows):
            cos[i] = hits[s.hit].dense  # a heading is scored by its passage
        else:
            cos[i] = float(rows[s.position] @ q)
        if s.hit not in heading_match:
            head = set(tokenize(" ".join(hits[s.hit].chunk.section[1:]) or hits[s.hit].chunk.section_path))
            heading_match[s.hit] = _match(head, core, alts, idf, default)
            passage_stems[s.hit] = set(head)
        passage_stems[s.hit] |= s.stems
    passage = {h: _match(st, core, alts, idf, default) for h, st in passage_stems.items()}
    best = cos.max()
    for i, s in enumerate(sentences):
        s.matched = _matched(s.stems, core, alts, idf, default)
        fit = 0.0
        if types:
            fit = max(
                type_fit(
                    t, s.text, lower_words=lower_words, query=query.text, noun_stems=noun_stems, stem=tokenize
                )
                for t in types
            )
        s.entity = fit >= 1.0
        s.defining = bool(definition and defines(s.text, tokenize, defining))
        X[i] = (
            cos[i],
            best - cos[i],
            sum(s.matched.values()),
            heading_match[s.hit],
            passage[s.hit],
            hits[s.hit].score,
            1.0 / (1.0 + s.hit),
            float(s.position == 0),
            fit,
            float(bool(types) and fit == 0.0),
            float(asks(s.text)),
            float(len(s.stems) < 3),
            float(s.defining),
            float(s.heading),
        )
    return X


def score(X: np.ndarray, weights: tuple[np.ndarray, float] | None = None) -> np.ndarray:
    """The choice model's log-odds that each sentence answers the question: which of them are quoted."""
    coef, intercept = weights or load_weights()
    return X @ coef + intercept


def confidence(X: np.ndarray) -> np.ndarray:
    """The log-odds that each sentence answers, in absolute terms: a pointwise model that also weighs how
    close the question's passages are as a whole. The choice model is fitted per question (only the
    differences between one question's sentences move it), so its probabilities say little across
    questions; this one feeds the out-of-scope model (`top_quote`) and `ANSWERS_TOO`."""
    return score(X, load_weights(part="confidence"))


# ---------------------------------------------------------------- the quote


# A situational answer quotes the most likely answer to the question as asked too from this probability.
# A look-up the classifier sends to the card ("kan een 16-jarige in die opvang?") should still find its
# answer under the card; at even odds (0.5) it often did not. 0.5 -> 0.3 measured on the tuning sets: one
# more answer in the quotes (tuning8), no set worse; the lower bound keeps a described situation's
# quotes on what to do.
ANSWERS_TOO = 0.3


def asks(text: str) -> bool:
    """One of the dossier's own questions ("Twijfel je over een signaal?"): the sentence ends in a question
    mark before any list it opens. A sentence that opens a list of questions ("... komt het volgende aan
    bod: - Wat is mensenhandel? - Waar kan ik melden?") says something itself."""
    own = re.split(r":\s+[-•]\s", text, maxsplit=1)[0]
    return own.rstrip().endswith("?")


def truncated(text: str) -> bool:
    """The sentence lost its end with a link's text ("De doelstellingen zijn uitgewerkt in een ."): a space
    before the final period, where the PDF's extraction dropped the words. It says nothing by itself."""
    return text.endswith(" .")


def quotable(s) -> bool:
    """A sentence that can be quoted for itself: not a heading, not one of the dossier's own questions, not
    one whose end was lost."""
    return not s.heading and not asks(s.text) and not truncated(s.text)


def best(sentences: list, logits) -> tuple[object, float] | None:
    """The quotable sentence most likely to answer and the model's probability for it; None when there is
    none."""
    pairs = [(s, z) for s, z in zip(sentences, logits, strict=True) if quotable(s)]
    if not pairs:
        return None
    s, z = max(pairs, key=lambda pair: float(pair[1]))
    return s, logistic(float(z))


def choose(
    sentences: list,
    logits,
    continues: dict[int, int] | None = None,
    *,
    ratio: float | None = None,
    limit: int | None = None,
    window: int | None = None,
) -> list:
    """The quote: the sentence most likely to answer, the list it opens, and up to `limit`-1 more that
    are nearly as likely (`ratio` of its probability) and say something else.

    Probabilities come from the learned model (assistant/quotes.py); `ratio` and `limit` were chosen
    with it on the labelled sets (quotes.json). Sentences of one passage are quoted in reading order,
    so neighbours form one contiguous window."""
    params = selection()
    ratio = params["ratio"] if ratio is None else ratio
    limit = params["limit"] if limit is None else limit
    window = params["window"] if window is None else window
    for s, z in zip(sentences, logits, strict=True):
        s.score = logistic(float(z))
    ranked = sorted(sentences, key=lambda s: (-s.score, s.hit, s.position))
    # A heading is quoted only for a fact it holds that no quoted sentence holds ("Korte gratis e-learning").
    holders = [s for s in ranked if s.entity]
    ranked = [s for s in ranked if not s.heading]
    # The dossier's own questions ("Twijfel je over een signaal?") ask; they never answer, nor does a
    # sentence whose end was lost.
    ranked = [s for s in ranked if quotable(s)] or ranked
    if not ranked:
        return holders[:1]
    best = ranked[0]
    # The answer often goes on in the next sentence ("Het ESSM biedt ... Zij zijn er voor ..."): quote a
    # window of `window` sentences after the best one in its passage.
    chosen = [best] + [
        s for s in ranked if s.hit == best.hit and best.position < s.position <= best.position + window
    ]
    if len(chosen) == 1 and window and (following := (continues or {}).get(best.hit)) is not None:
        # the best sentence ends its passage: the window goes on in the passage that continues it
        last = max(s.position for s in sentences if s.hit == best.hit and not s.heading)
        if best.position == last:
            chosen += [s for s in ranked if s.hit == following and 0 <= s.position < window]
    for s in ranked[1:]:
        if s in chosen:
            continue
        if len(chosen) >= limit or s.score < ratio * best.score:
            break
        if any(answer.overlap(s, c) > 0.8 for c in chosen):
            continue
        chosen.append(s)
    # a fact the best passage holds (its heading: "Korte gratis e-learning") before another passage's
    holders.sort(key=lambda s: s.hit != best.hit)
    if holders and not any(c.entity for c in chosen) and holders[0].score >= ratio * best.score:
        chosen = [best, holders[0], *chosen[1:]][:limit]  # what the question asks for, right after the best
    out: list = []
    listed = 0  # the items of a quoted list do not count against the limit (up to `limit` of them)
    for s in chosen:
        if len(out) - listed >= limit or s in out:
            continue
        out.append(s)
        if s.opens_list and not s.heading:
            items = [i for i in answer.list_after(s, sentences, continues or {}, limit) if i not in out]
            out += items
            listed += len(items)
    return out
