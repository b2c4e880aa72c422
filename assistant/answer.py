"""Extractive answers: pick the 1–4 sentences of the retrieved passages that best answer the question.

Every quoted sentence stands verbatim in a cited passage and carries its marker [n] (n = position in
the citation list); the only other words are fixed phrasing ("Volgens het dossier:"). Sentences are
scored by the idf-weighted share of the question's stems they contain, the rank of their passage,
a match of the section heading, and (when the question asks for a number, a name, ...) whether they
hold such an entity. The passage with the best sentence becomes citation 1.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, field

from assistant.definition import defines, is_definition_question
from assistant.query import Query
from assistant.retrieve import Hit
from assistant.types import Citation
from index.lexical import tokenize
from index.text import Unit, split_units, words

MAX_SENTENCES = 4
_GAIN_FLOOR = 0.5  # a sentence scoring under half the best is never quoted...
_MIN_GAIN = 0.15  # ...and one under `ratio` of it only when it covers this much of the question anew

# Stems of words that say what kind of answer is wanted, not what it is about.
TYPE_WORDS = {
    t
    for w in words(
        "naam heet telefoonnummer nummer mail mailadres e-mailadres adres website url link jaar "
        "wanneer hoeveel aantal vaak lang duurt kost kosten definitie betekenis"
    )
    for t in tokenize(w)
}


@dataclass
class Sentence:
    """One candidate sentence of a retrieved passage."""

    text: str
    hit: int  # index into the hits
    position: int  # index within its passage
    stems: set[str]
    score: float = 0.0
    entity: bool = False
    item: bool = False  # a list item
    opens_list: bool = False  # ends with ':' or ';': more items follow
    matched: dict = field(default_factory=dict)  # question term -> its share of the question, found here
    defining: bool = False  # opens by defining what a "Wat is X?" question asks about
    heading: bool = False  # the section heading of the passage, not a sentence of its text


def idf_table(vocabulary: dict[str, int], n_docs: int) -> dict[str, float]:
    return {t: math.log(1.0 + n_docs / df) for t, df in vocabulary.items() if df > 0}


def units_with_stems(text: str) -> list[tuple[Unit, frozenset[str]]]:
    """Units of a passage with their stems (what the per-index cache holds)."""
    return [(u, frozenset(tokenize(u.text))) for u in split_units(text)]


def candidates(hits: list[Hit], cache: dict | None = None) -> list[Sentence]:
    """The sentences of the hits; `cache` maps chunk id -> `units_with_stems` (computed once per index)."""
    out = []
    for h, hit in enumerate(hits):
        pairs = (cache or {}).get(hit.chunk.id)
        if pairs is None:
            pairs = units_with_stems(hit.chunk.text)
        for p, (u, stems) in enumerate(pairs):
            out.append(Sentence(u.text, h, p, set(stems), item=u.item, opens_list=u.opens_list))
        if len(hit.chunk.section) > 1:
            # The heading can hold the fact ("Korte gratis e-learning"); it is only quoted for that fact.
            head = hit.chunk.section[-1]
            out.append(Sentence(head, h, -1, set(tokenize(head)), heading=True))
    return out


def matched_terms(
    stems: set[str], core: list[str], alts: dict, idf: dict[str, float], default: float
) -> dict:
    """Core term -> its idf-weighted share of the question, for the core terms found in `stems`."""
    denom = sum(idf.get(t, default) for t in core) or 1.0
    out = {}
    for t in core:
        if t in stems:
            weight = 1.0
        else:
            weight = max((aw for a, aw in alts.get(t, {}).items() if a in stems), default=0.0)
        if weight:
            out[t] = weight * idf.get(t, default) / denom
    return out


def match_share(stems: set[str], core: list[str], alts: dict, idf: dict[str, float], default: float) -> float:
    """idf-weighted share of the core terms found in `stems` (a synonym counts by its weight)."""
    return sum(matched_terms(stems, core, alts, idf, default).values())


def score_sentences(
    query: Query,
    hits: list[Hit],
    sentences: list[Sentence],
    idf: dict[str, float],
    entities: Collection[int] = (),
) -> None:
    """Set `score` (higher = answers the question better) and `entity` on each sentence.

    `entities`: positions of the sentences that hold the entity the question asks for
    (`scope.check_types(...).holders`).

    sentence match + 0.35 passage match (the passage as a whole, with its heading) + 0.15 heading match
    + 0.2 retrieval score + 0.5 when it holds the entity the question asks for + 0.35 when it defines
    the term a definition question asks about.
    """
    default = max(idf.values(), default=1.0)
    core, alts = query.core, query.terms.alts
    ctx_core = query.context_core
    ctx_alts = query.context.alts if query.context else {}
    extra = [t for t in query.extra if t not in core]
    headings = [set(tokenize(" ".join(h.chunk.section[1:]) or h.chunk.section_path)) for h in hits]
    passage_stems: dict[int, set[str]] = {}
    for s in sentences:
        passage_stems.setdefault(s.hit, set(headings[s.hit])).update(s.stems)
    passage = {h: match_share(st, core, alts, idf, default) for h, st in passage_stems.items()}
    # "Wat is X?": the sentence that opens by defining X answers it, not any sentence that names X.
    defining = {t for t in core if t not in TYPE_WORDS}
    defining |= {a for t in defining for a, w in alts.get(t, {}).items() if w >= 1.0}
    definition = is_definition_question(query.text) and bool(defining)
    heading = {h: match_share(headings[h], core, alts, idf, default) for h in passage_stems}
    for i, s in enumerate(sentences):
        s.entity = i in entities
        s.matched = matched_terms(s.stems, core, alts, idf, default)
        score = sum(s.matched.values())
        if ctx_core:
            score += 0.4 * match_share(s.stems, ctx_core, ctx_alts, idf, default)
        if extra:
            score += 0.5 * match_share(s.stems, extra, {}, idf, default)
        score += 0.35 * passage[s.hit] + 0.15 * heading[s.hit] + 0.2 * hits[s.hit].score
        score += 0.5 if s.entity else 0.0
        if definition and defines(s.text, tokenize, defining):
            score += 0.35
            s.defining = True
        n = len(s.stems)
        if n < 3 or (n < 6 and not s.text.rstrip().endswith((".", "!", "?", ";", ":"))):
            score *= 0.5  # fragments ("Via", a bare sub-heading) say little on their own
        elif n > 70:
            score *= 0.85
        s.score = score


def select(
    sentences: list[Sentence],
    limit: int = MAX_SENTENCES,
    ratio: float = 0.7,
    continues: dict[int, int] | None = None,
    contrast: bool = False,
) -> list[Sentence]:
    """The best sentence, and up to `limit`-1 more that score close to it and add something new.

    A chosen sentence that opens a list ("heeft de volgende taken:") is followed by the list's next
    items, also from the passage that continues it (`continues`: hit -> hit that goes on after it).
    """
    ranked = sorted(sentences, key=lambda s: (-s.score, s.hit, s.position))
    holders = [s for s in ranked if s.entity and not s.heading] + [
        s for s in ranked if s.entity and s.heading
    ]
    ranked = [s for s in ranked if not s.heading]
    if not ranked:
        return holders[:1]
    best = ranked[0]
    chosen: list[Sentence] = [best]
    covered = set(best.matched)
    for s in ranked[1:]:
        if len(chosen) >= limit or s.score < min(ratio, _GAIN_FLOOR) * best.score:
            break
        if best.defining and s.hit != best.hit and not (contrast and s.defining):
            continue  # a definition is answered by its own passage, not by sentences that name the term
        # A sentence that answers another part of the question may score lower than one that repeats it.
        gain = sum(w for t, w in s.matched.items() if t not in covered)
        if s.score < ratio * best.score and gain < _MIN_GAIN:
            continue
        if any(overlap(s, c) > 0.8 for c in chosen):
            continue
        if sum(c.hit == s.hit for c in chosen) >= 3:
            continue
        chosen.append(s)
        covered |= set(s.matched)
    # A question that asks for a number, a name, a duration... gets the sentence that holds one
    # (the best sentence of the text that does, else the heading that does).
    if holders and not any(c.entity for c in chosen):
        chosen = chosen[: limit - 1] + [holders[0]]
    out: list[Sentence] = []
    for s in chosen:
        if len(out) >= limit:
            break
        if s in out:
            continue
        out.append(s)
        if s.opens_list:
            out += [i for i in list_after(s, sentences, continues or {}, limit - len(out)) if i not in out]
    return out


def list_after(
    lead: Sentence, sentences: list[Sentence], continues: dict[int, int], n: int
) -> list[Sentence]:
    """Up to `n` list items after `lead`: the rest of its passage, then the passage that continues it."""
    by_hit: dict[int, list[Sentence]] = {}
    for s in sentences:
        by_hit.setdefault(s.hit, []).append(s)
    out: list[Sentence] = []
    hit, start = lead.hit, lead.position + 1
    while hit is not None and len(out) < n:
        for s in sorted((s for s in by_hit.get(hit, []) if not s.heading), key=lambda s: s.position)[start:]:
            if not s.item or len(out) >= n:
                return out
            out.append(s)
        hit, start = continues.get(hit), 0
    return out


def overlap(a: Sentence, b: Sentence) -> float:
    if not a.stems or not b.stems:
        return 1.0 if a.text == b.text else 0.0
    return len(a.stems & b.stems) / min(len(a.stems), len(b.stems))


PHRASES = {
    "nl": {"lead": "Volgens het dossier:", "none": "Dat staat niet in het dossier.", "heading": "Kopje"},
    "en": {
        "lead": "According to the dossier (quoted in Dutch):",
        "none": "That is not in the dossier.",
        "heading": "Heading",
    },
}


def compose(
    hits: list[Hit],
    chosen: list[Sentence],
    *,
    lang: str,
    k: int,
    pinned: Hit | None = None,
    pinned_highlight: str = "",
    lead: str | None = None,
) -> tuple[list[Citation], str]:
    """Citations (pinned passage first, then the passages of the chosen sentences, then the rest) and the
    quoted body with markers. A `lead` of its own introduces a list of headings (overview.py): they are
    then quoted without the heading label."""
    order: list[int] = []
    for s in chosen:
        if s.hit not in order:
            order.append(s.hit)
    order += [h for h in range(len(hits)) if h not in order]
    cited: list[Hit] = ([pinned] if pinned else []) + [
        hits[h] for h in order if not (pinned and hits[h].chunk.id == pinned.chunk.id)
    ]
    cited = cited[:k]
    number = {hit.chunk.id: n for n, hit in enumerate(cited, start=1)}
    highlight: dict[str, str] = {}
    if pinned:
        highlight[pinned.chunk.id] = pinned_highlight
    lines = []
    # Quote in citation order, and within a passage in reading order.
    for s in sorted(chosen, key=lambda s: (number.get(hits[s.hit].chunk.id, 99), s.position)):
        n = number.get(hits[s.hit].chunk.id)
        if n is None:
            continue
        label = f"{PHRASES[lang]['heading']}: " if s.heading and lead is None else ""
        lines.append(f"- {label}{s.text} [{n}]")
        if not s.heading:
            highlight.setdefault(hits[s.hit].chunk.id, s.text)
    citations = [
        Citation(
            n=n,
            chunk_id=hit.chunk.id,
            source=hit.chunk.source,
            section=hit.chunk.section_path,
            text=hit.chunk.text,
            score=round(float(hit.score), 4),
            highlight=highlight.get(hit.chunk.id, ""),
        )
        for n, hit in enumerate(cited, start=1)
    ]
    body = ""
    if lines:
        body = (lead or PHRASES[lang]["lead"]) + "\n" + "\n".join(lines)
    return citations, body
