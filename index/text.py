"""Text helpers shared by every layer: one fold, one normaliser, one sentence splitter, one list-item rule,
and the units (sentences and list items) that answers quote and that ingest embeds one by one.

Ingest (cleaning, chunking, the BM25 index) and answering (cue matching, quoting, measuring) must agree
on these, so each lives here once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# ---------------------------------------------------------------- fold and normalise

_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})


def _drop_marks(run: re.Match) -> str:
    return "".join(ch for ch in run.group() if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """NFKD, accents off, case folded, typographic apostrophes plain: 'Coördinatie' -> 'coordinatie'."""
    decomposed = unicodedata.normalize("NFKD", text)
    # Only non-ASCII runs can hold combining marks; looking at those alone makes tokenizing 20,000
    # passages (a reader of a Chroma server builds BM25 at open) ~4x faster than a per-character loop.
    return _NON_ASCII.sub(_drop_marks, decomposed).casefold().translate(_APOSTROPHES)


def normalise(text: str) -> str:
    """`fold`, then every run of characters other than a-z and 0-9 one space: for finding text in text."""
    return " ".join(_NON_ALNUM.split(fold(text))).strip()


def words(text: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string (keeps word lists compact)."""
    return frozenset(text.split())


# ---------------------------------------------------------------- list items

# A list item starts with a bullet or a number of one or two digits and a '.' or ')', then a space.
LIST_MARKER = r"(?:[-–•*▪·]|\d{1,2}[.)])"
LIST_ITEM = re.compile(rf"^\s*{LIST_MARKER}\s+")


def is_list_item(line: str) -> bool:
    """The line (or paragraph) starts with a list marker: "- ...", "• ...", "1. ...", "2) ..."."""
    return LIST_ITEM.match(line) is not None


# ---------------------------------------------------------------- sentences

# Dutch abbreviations that end in a period without ending the sentence (compared without final dot).
ABBREVIATIONS = frozenset(
    [
        "o.a",
        "bijv",
        "e.d",
        "etc",
        "nr",
        "nrs",
        "m.b.t",
        "i.v.m",
        "d.w.z",
        "t.a.v",
        "resp",
        "ca",
        "incl",
        "excl",
        "enz",
        "jl",
        "mr",
        "dr",
        "drs",
        "ir",
        "ing",
        "prof",
        "st",
        "tel",
        "e.a",
        "vs",
        "z.s.m",
        "m.n",
        "n.a.v",
        "i.p.v",
        "t.z.t",
        "evt",
        "max",
        "min",
        "blz",
        "art",
        "mw",
        "dhr",
        "mevr",
        "ca",
        "dec",
        "jan",
        "feb",
        "mrt",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "okt",
        "nov",
        "vgl",
        "zgn",
        "bv",
        "pag",
        "p",
        "e.v",
        "a.s",
    ]
)
_BOUNDARY_RE = re.compile(r"[.!?…]+[\"'”’)\]]*\s+")


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences; abbreviations, initials, decimals and times do not end one."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY_RE.finditer(text):
        end = match.end()
        if end >= len(text):
            break
        before = text[start : match.start() + 1]
        token = re.search(r"(\S+)$", before)
        word = token.group(1).lstrip("(\"'‘“").rstrip(".").lower() if token else ""
        nxt = text[end]
        if text[match.start()] == "." and (word in ABBREVIATIONS or re.fullmatch(r"[a-z]", word)):
            continue  # "o.a. de VNG", "J. de Vries"
        if not (nxt.isupper() or nxt.isdigit() or nxt in "\"'‘“(-–"):
            continue  # a sentence starts with a capital (or a number, quote, bracket)
        sentences.append(text[start:end].strip())
        start = end
    sentences.append(text[start:].strip())
    return [s for s in sentences if s]


# ---------------------------------------------------------------- units: what an answer quotes

# A unit ends after . ! or ? (and closing quotes), before a capital, digit or opening quote. Units are
# what answering scores and quotes, and what ingest embeds sentence by sentence: both call split_units.
_SENT_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9À-Ý])")
_ITEM_LIMIT = 120  # a line without end punctuation this short after a list item is an item too
_JOIN_LIMIT = 450  # a "...:" lead-in is quoted together with its list when the whole stays this short


@dataclass(frozen=True)
class Unit:
    """A sentence or list item of a passage."""

    text: str
    item: bool = False  # a list item ("- ...", "1. ...")
    introduces: bool = False  # a sentence right before a list ("… de volgende opgaven." then the items)

    @property
    def opens_list(self) -> bool:
        """Ends with ':' or ';', or introduces the items after it: the list goes on after it."""
        return self.introduces or self.text.endswith((":", ";"))


def _bare(text: str) -> bool:
    """A line that reads as a list item's text: short, no sentence end."""
    return len(text) <= _ITEM_LIMIT and not text.endswith((".", "!", "?", ":", ";"))


def split_units(text: str) -> list[Unit]:
    """Sentences and list items of a passage; a short '...:' lead-in stays with the items after it.

    A unit is the passage's own text (whitespace aside), so the page can find and mark it; the list
    marker of a standalone item is left off, inside a joined unit it stays."""
    pieces: list[Unit] = []
    markers: dict[int, str] = {}  # piece index -> its list marker, kept when joined ("taken: - Zet ...")
    for para in re.split(rf"\n\s*\n|\n(?=\s*{LIST_MARKER}\s)", text):
        para = " ".join(para.split())
        if not para:
            continue
        marker = LIST_ITEM.match(para)
        para = LIST_ITEM.sub("", para)
        parts = [p.strip() for p in _SENT_END.split(para) if p.strip()]
        # A short paragraph of one line without end punctuation right after a list item is the next item
        # whose bullet the PDF's extraction lost ("1. Verbeteren zicht …" then "Bevorderen …").
        lost = len(parts) == 1 and _bare(parts[0]) and bool(pieces) and pieces[-1].item
        pieces.extend(Unit(p, (bool(marker) or lost) and n == 0) for n, p in enumerate(parts))
        if marker and parts:
            markers[len(pieces) - len(parts)] = marker.group(0).strip()
    out: list[Unit] = []
    i = 0
    while i < len(pieces):
        s = pieces[i].text
        if s.endswith(":") and i + 1 < len(pieces):
            j, joined = i + 1, s
            while j < len(pieces) and len(joined) + len(pieces[j].text) + 1 <= _JOIN_LIMIT:
                mark = markers.get(j)
                joined = f"{joined} {mark} {pieces[j].text}" if mark else f"{joined} {pieces[j].text}"
                j += 1
                if joined.endswith((".", "!", "?")) and not pieces[j - 1].text.endswith(";"):
                    break
            if j > i + 1:
                out.append(Unit(joined, pieces[i].item))
                i = j
                continue
        leads = not pieces[i].item and i + 1 < len(pieces) and pieces[i + 1].item
        out.append(Unit(s, introduces=True) if leads else pieces[i])
        i += 1
    return out
