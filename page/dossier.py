"""The Dossier tab: a section as HTML with a cited passage or search hits marked, and the search itself.

The search runs here, in the page process, over the section texts the index already holds: nothing
leaves the machine. It matches words as written, ignoring case and accents ("crisisopvang" finds
"Crisisopvang"), and reports each section with its number of hits. Plain substring matching on
purpose: an officer searching the dossier wants every place a word occurs, in the dossier's order,
not a ranking.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

MIN_QUERY_CHARS = 2
MAX_QUERY_CHARS = 100


@dataclass(frozen=True)
class Hit:
    """One section with hits for a search: its path and how often the words occur in it."""

    path: str
    count: int


def fold_map(text: str) -> tuple[str, list[int]]:
    """`text` lower-cased without accents, with for each folded character its index in `text`."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for f in unicodedata.normalize("NFKD", ch):
            if unicodedata.combining(f):
                continue
            for g in f.lower():
                out.append(g)
                where.append(i)
    return "".join(out), where


def find_all(text: str, query: str) -> list[tuple[int, int]]:
    """(start, end) in `text` of every occurrence of `query` (case and accents ignored, spaces loose)."""
    words = fold_map(query)[0].split()
    if not words:
        return []
    folded, where = fold_map(text)
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    return [(where[m.start()], where[m.end() - 1] + 1) for m in pattern.finditer(folded)]


def clean_query(query: str) -> str:
    """The search words as typed, trimmed; empty when too short to search for."""
    query = " ".join((query or "").split())[:MAX_QUERY_CHARS]
    return query if len(query) >= MIN_QUERY_CHARS else ""


def search(sections: dict[str, str], query: str) -> list[Hit]:
    """Sections whose path or text contains `query`, in dossier order, with their number of hits."""
    query = clean_query(query)
    if not query:
        return []
    hits = []
    for path, text in sections.items():
        count = len(find_all(text, query)) + len(find_all(path, query))
        if count:
            hits.append(Hit(path, count))
    return hits


def section_html(path: str, text: str, *, passage: str = "", sentence: str = "", query: str = "") -> str:
    """One section: path as heading, paragraphs escaped; a cited passage or the search hits marked.

    `passage` (the cited passage) gets `class="passage"` on the paragraphs it covers, the first with
    `id="passage"` for the page to scroll to; `sentence` inside it is marked. `query` marks every hit,
    the first with `id="treffer"`.
    """
    paras = _paragraphs(text or "")
    if not paras:
        return _article(path, "<p><em>Deze sectie heeft geen tekst.</em></p>")
    span = _loose_span(text, passage) if passage else None
    marks = _loose_spans(text, sentence) if sentence else []
    if query:
        marks = find_all(text, query)
    body, first_passage, first_mark = [], True, True
    for start, end in paras:
        attrs = ""
        if span and start < span[1] and end > span[0]:
            attrs = ' class="passage"' + (' id="passage" tabindex="-1"' if first_passage else "")
            first_passage = False
        inner, first_mark = _marked(text, start, end, marks, first_mark, "treffer" if query else "zin")
        body.append(f"<p{attrs}>{inner}</p>")
    return _article(path, "".join(body))


def _article(path: str, body: str) -> str:
    title = html.escape(path, quote=True)
    return f'<article class="dossier-section" aria-label="{title}"><h2>{title}</h2>{body}</article>'


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph (blocks between blank lines), whitespace trimmed."""
    spans = []
    for m in re.finditer(r"\S(?:.*?\S)?(?=\s*\n\s*\n|\s*$)", text, re.DOTALL):
        spans.append((m.start(), m.end()))
    return spans


def _loose_spans(text: str, needle: str) -> list[tuple[int, int]]:
    words = needle.split()
    if not words:
        return []
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def _loose_span(text: str, needle: str) -> tuple[int, int] | None:
    spans = _loose_spans(text, needle)
    return spans[0] if spans else None


def _marked(text, start, end, marks, first: bool, mark_id: str) -> tuple[str, bool]:
    """Text[start:end] escaped, with the parts inside `marks` in <mark> (the first one with an id)."""
    out, pos = [], start
    for m_start, m_end in marks:
        a, b = max(m_start, start), min(m_end, end)
        if a >= b:
            continue
        out.append(html.escape(text[pos:a], quote=False))
        ident = f' id="{mark_id}"' if first else ""
        first = False
        out.append(f"<mark{ident}>{html.escape(text[a:b], quote=False)}</mark>")
        pos = b
    out.append(html.escape(text[pos:end], quote=False))
    return "".join(out), first
