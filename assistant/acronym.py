"""What an abbreviation stands for: "Waar staat RIEC voor?", "What does AVIM stand for?".

The dossier writes an organisation's full name once with its abbreviation in brackets, mostly in the
section heading ("Afdeling Vreemdelingenpolitie, Identificatie en Mensenhandel (AVIM)"), sometimes in a
sentence ("... het Interbestuurlijk Programma (IBP) Mensenhandel ..."). Retrieval finds the passages
about the organisation, whose sentences describe what it does; the quote model then picks one of those,
and the one line that answers the question (the full name) is not quoted. When a question asks for an
abbreviation's meaning, that line is quoted first: the heading that defines it, else a sentence of the
retrieved passages, else the first passage of the dossier that defines it (which then joins the hits).
"""

from __future__ import annotations

import re

from assistant import answer as ans
from assistant.retrieve import Hit
from index.text import fold

_ABBR = r"(?P<{}>[a-z][a-z&-]{{1,6}})(?:['’]s)?"
_ASKS = re.compile(
    "|".join(
        [
            r"\bwaar sta(?:at|an) (?:de |het )?" + _ABBR.format("a") + r" (?:\w+ ){0,2}voor\b",
            r"\bwhat (?:does|do) (?:the )?" + _ABBR.format("b") + r" (?:\w+ )?stand for\b",
            r"\bwat betekent (?:de afkorting )?" + _ABBR.format("d") + r"\b",
            r"\b(?:volledige|full) (?:naam|name) (?:van|of) (?:de |het |the )?" + _ABBR.format("e") + r"\b",
            r"\b" + _ABBR.format("f") + r" (?:is |betekent )?voluit\b",
        ]
    )
)


def asked(question: str) -> str:
    """The abbreviation whose meaning the question asks for (folded), or ''."""
    m = _ASKS.search(fold(question))
    return next((v for v in m.groupdict().values() if v), "") if m else ""


def defines(text: str, abbreviation: str) -> bool:
    """Does `text` write a full name with `abbreviation` in brackets after it?"""
    pattern = rf"\w[^()]*\(\s*{re.escape(abbreviation)}(?:['’]s)?\s*\)"
    return bool(re.search(pattern, fold(text)))


def _defining(sentences, abbreviation: str):
    """The first of `sentences` that defines the abbreviation, headings first (a heading names the
    organisation itself), or None."""
    headings_first = sorted(sentences, key=lambda s: not s.heading)
    return next((s for s in headings_first if defines(s.text, abbreviation)), None)


def find(question: str, hits: list[Hit], sentences: list, state):
    """(hits, sentences, the defining sentence) for a question asking what an abbreviation stands for;
    the sentence is None (and hits and sentences as they were) when the question asks no such thing or
    the dossier defines the abbreviation nowhere. `state`: the index state (its passages in the dossier's
    order, and their sentences)."""
    chunks, cache = state.index.chunks, state.sentences
    abbreviation = asked(question)
    if not abbreviation or not hits:
        return hits, sentences, None
    here = _defining(sentences, abbreviation)
    if here is not None:
        return hits, sentences, here
    holder = next((c for c in chunks if c.section and defines(c.section[-1], abbreviation)), None)
    holder = holder or next((c for c in chunks if defines(c.text, abbreviation)), None)
    if holder is None:
        return hits, sentences, None
    hits = [*hits[: max(len(hits) - 1, 1)], Hit(chunk=holder, score=0.0)]
    sentences = ans.candidates(hits, cache)
    return hits, sentences, _defining([s for s in sentences if s.hit == len(hits) - 1], abbreviation)
