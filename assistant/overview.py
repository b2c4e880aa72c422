"""Overview answers: "Welke trainingen zijn er?" lists the dossier's own sections of that kind.

A question that asks which things of a kind there are ("welke trainingen", "which websites") is
answered by no single sentence: the dossier answers it with its structure, a section ("Opleidingen en
trainingen") whose subsections are the things. Sentence quotes pick one or two of them, or the
introduction that mentions the kind in passing. When
  - the question asks "which" of a plural noun and no particular kind of fact (a number, a name, ...),
  - that noun names a section of the dossier with two or more subsections, and
  - retrieval agrees: at least half of the first passages lie in that section,
the answer lists the subsection headings, each cited with the first passage of its subsection, in the
dossier's order. The headings are quoted as written; nothing is added but the lead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer import Sentence
from assistant.counting import word_stems
from assistant.query import Query
from assistant.retrieve import Hit
from index.chunk import Chunk
from index.lexical import tokenize
from index.text import fold, normalise

MAX_ITEMS = 10  # a section with more subsections is no overview to read on a phone
_WHICH = re.compile(r"^(?:en\s+)?(?:welke|wat voor|which|what)\s+(\w+)(?:\s+(\w+))?", re.IGNORECASE)
LEADS = {
    "nl": "Het dossier beschrijft onder ‘{title}’:",
    "en": "The dossier describes under ‘{title}’ (quoted in Dutch):",
}


@dataclass(frozen=True)
class Overview:
    title: str  # the section whose subsections are listed
    hits: list[Hit]  # the first passage of each subsection, in the dossier's order
    headings: list[Sentence]  # one heading per hit


def asked_nouns(question: str, lang: str) -> list[set[str]]:
    """Stems of the plural noun(s) right after the question word ("welke (gratis) trainingen")."""
    m = _WHICH.match(normalise(question))
    if not m:
        return []
    out = []
    for word in (w for w in m.groups() if w):
        if len(word) < 5 or not word.endswith(("en", "s")):
            continue  # singular: "welke afdeling" asks for one
        stems = word_stems(word, lang)
        if stems:
            out.append(stems)
    return out


def _names(noun: set[str], title: str) -> bool:
    """The noun is a word of the title, or ends one of its compounds ("partners" in "Ketenpartners")."""
    title_stems = set(tokenize(title))
    return bool(noun & title_stems) or any(len(n) >= 5 and t.endswith(n) for n in noun for t in title_stems)


def children(chunks: list[Chunk], parent: tuple[str, ...]) -> list[Chunk]:
    """The first passage of each direct subsection of `parent`, in the dossier's order."""
    seen, out = set(), []
    for c in sorted(chunks, key=lambda c: (c.source, c.ordinal)):
        if len(c.section) == len(parent) + 1 and c.section[: len(parent)] == parent and c.section not in seen:
            seen.add(c.section)
            out.append(c)
    return out


def find(query: Query, types: tuple, hits: list[Hit], chunks: list[Chunk], depth: int = 5) -> Overview | None:
    """The overview the question asks for, or None (see the module docstring)."""
    if types or not hits:
        return None
    nouns = asked_nouns(query.text, query.lang)
    if not nouns:
        return None
    sections = {c.section[:n] for c in chunks for n in range(1, len(c.section))}
    top = hits[:depth]
    best = None
    for parent in sorted(sections, key=len):
        if not any(_names(noun, parent[-1]) for noun in nouns):
            continue
        inside = sum(1 for h in top if h.chunk.section[: len(parent)] == parent)
        if 2 * inside < len(top):
            continue
        subs = children(chunks, parent)
        if 2 <= len(subs) <= MAX_ITEMS and (best is None or inside > best[0]):
            best = (inside, parent, subs)
    if best is None:
        return None
    _, parent, subs = best
    score = {h.chunk.id: h.score for h in hits}
    out_hits = [Hit(chunk=c, score=score.get(c.id, 0.0)) for c in subs]
    headings = [
        Sentence(c.section[-1], i, -1, set(tokenize(c.section[-1])), heading=True) for i, c in enumerate(subs)
    ]
    return Overview(parent[-1], out_hits, headings)


# "is er een training voor ...?", "is there a course for ...?": asks whether a thing exists, answered by
# its name, which the dossier gives as the heading of the section that describes it.
_EXISTS = re.compile(
    r"(?:^|[,.;:]\s*)(?:en\s+|and\s+)?(?:is|zijn|bestaat|bestaan)\s+er\s+(?:ook\s+|nog\s+|al\s+)?(?:een|a|an)\s+(\w+)|"
    r"(?:^|[,.;:]\s*)(?:and\s+)?is\s+there\s+(?:also\s+)?(?:a|an|any)\s+(\w+)"
)


def named_heading(query: Query, chosen: list[Sentence], sentences: list[Sentence]) -> list[Sentence]:
    """For a question whether a thing exists, the heading of a quoted passage's section first when it
    names that thing ("Training: ‘Hoe vul je jouw rol in …’"), with that passage's quote after it (one
    short line more); else `chosen`."""
    m = _EXISTS.search(fold(query.text))
    if not m or not chosen or any(s.heading for s in chosen):
        return chosen
    noun = word_stems(m.group(1) or m.group(2), query.lang)
    headings = {s.hit: s for s in sentences if s.heading}
    for quoted in chosen:
        heading = headings.get(quoted.hit)
        if heading is not None and _names(noun, heading.text):
            rest = [c for c in chosen if c is not quoted]
            return [heading, quoted, *rest]
    return chosen
