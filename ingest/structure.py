"""Find a document's own structure: sections with a heading path, built from the clean paragraphs.

Markdown headings ('#', also what the HTML and DOCX loaders emit) give the path when present. Plain text
(the OCR dossier, PDFs) has no markup, so headings are recognised by general layout rules:

- a *title*: a short capitalised paragraph without closing punctuation, followed by body text;
- an *entry*: a "- X" list line without punctuation followed by body text (an organisation, a website);
- a *group*: a paragraph that announces what follows ("... de volgende ketenpartners actief:",
  "Hieronder vind je websites ...") directly followed by titles or entries; it is named from its own words;
- a *lead-in*: "Definitie X ..." or "Short name: Text ..." opening a paragraph names a sub-section.

Titles inside an entry nest under it (Ketenpartners › ESSM › Crisisopvang). Runs of short lines right after
an unpunctuated list item are the rest of that list, not titles; a short line directly under a title or
entry is its subtitle; of two titles in a row only the last is one (the first has no text of its own).
A group whose announcement enumerates its parts ("de landelijke, regionale en lokale aanpak") ends after
those parts; an entry ends where a paragraph names other entries and not its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.text import LIST_ITEM
from ingest.clean import MD_HEADING_RE, clean_text, is_terminal
from ingest.load import Document

_DASH_RE = re.compile(r"^[-–•*▪]\s+")
_CLOSERS = "\"'”’»)]"
_COLON_END_RE = re.compile(r"\s*:\s*\.?$")  # "Korte gratis e-learning:", "Bewustwordingsplatform: ."
_LEAD_IN_RE = re.compile(r"^(?:(Definitie\s+\w+)\b|([A-Z][\w&'-]*(?:\s[\w&'-]+){0,3}):\s+(?=[A-Z‘“\"']))")
_CUE_RE = re.compile(r"\b(hieronder|onderstaande|de volgende)\b", re.IGNORECASE)
_GROUP_PHRASE_RE = re.compile(
    r"\b(?:de volgende|onderstaande|diverse|verschillende|vind je)\s+([^:.,;]+)", re.IGNORECASE
)
# Words that end the noun phrase naming a group ("ketenpartners | actief", "trainingen | beschikbaar").
_PHRASE_STOP = frozenset(
    [
        "actief",
        "beschikbaar",
        "die",
        "dat",
        "welke",
        "zijn",
        "is",
        "worden",
        "wordt",
        "in",
        "op",
        "voor",
        "te",
        "om",
        "binnen",
        "bij",
        "van",
        "aanwezig",
        "opgesteld",
        "kunnen",
        "hier",
    ]
)
_PHRASE_SKIP = frozenset(["wijze", "manier"])
MAX_TITLE_WORDS = 12
MAX_TITLE_CHARS = 100


@dataclass(frozen=True)
class Section:
    """A run of paragraphs under one heading path (outermost first; never empty)."""

    path: tuple[str, ...]
    paragraphs: list[str] = field(default_factory=list)
    page: int | None = None


def document_title(source: str) -> str:
    """The root of every path: the file name without extension, as words."""
    stem = source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    words = re.sub(r"[-_]+", " ", stem).strip() or "Document"
    return words[:1].upper() + words[1:]


def split_sections(doc: Document) -> list[Section]:
    """Clean the document's pages and split them into sections with heading paths."""
    items: list[tuple[int | None, str]] = []
    for page, raw in doc.pages:
        paragraphs = [p for p in clean_text(raw).split("\n\n") if p.strip()]
        if items and paragraphs and _runs_on(items[-1][1], paragraphs[0]):
            # A sentence running over the page break stays one paragraph, on the page where it starts.
            items[-1] = (items[-1][0], f"{items[-1][1]} {paragraphs.pop(0)}")
        items.extend((page, p) for p in paragraphs)
    title = document_title(doc.source)
    if any(MD_HEADING_RE.match(p) for _, p in items):
        labelled = _markdown_paths(items, title)
    else:
        labelled = _layout_paths(items, title)
    return _group(labelled)


def _runs_on(paragraph: str, following: str) -> bool:
    return (
        following[:1].islower()
        and not is_terminal(paragraph)
        and not MD_HEADING_RE.match(paragraph)
        and not (LIST_ITEM.match(paragraph) and _is_title_shape(paragraph))  # "- Fier" above "is ..."
    )


def _group(labelled: list[tuple[tuple[str, ...], int | None, str]]) -> list[Section]:
    sections: list[Section] = []
    for path, page, paragraph in labelled:
        if sections and sections[-1].path == path and sections[-1].page == page:
            sections[-1].paragraphs.append(paragraph)
        else:
            sections.append(Section(path=path, paragraphs=[paragraph], page=page))
    return sections


def _markdown_paths(items, title):
    stack: list[tuple[int, str]] = []
    out = []
    for page, paragraph in items:
        match = re.match(r"^(#{1,6})\s+(.*)$", paragraph)
        if match:
            level = len(match.group(1))
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, heading_name(match.group(2))))
            continue
        path = tuple(name for _, name in stack) or _fallback(title, page)
        out.append((path, page, paragraph))
    return out


def _fallback(title: str, page: int | None) -> tuple[str, ...]:
    return (title, f"Pagina {page}") if page is not None else (title,)


def heading_name(text: str) -> str:
    """A heading as shown in a path: without list marker, '#', trailing colon or a dangling ' .'."""
    text = _DASH_RE.sub("", text.strip().lstrip("#").strip())
    return _COLON_END_RE.sub("", text).strip() or text


def _is_title_shape(text: str) -> bool:
    core = text.rstrip(_CLOSERS + " ")
    if not core or core[-1] in ".,;!" and not _COLON_END_RE.search(text):
        return False
    if len(text) > MAX_TITLE_CHARS or len(text.split()) > MAX_TITLE_WORDS:
        return False
    if re.search(r"[.!?]\s+[A-Z]", core):  # more than one sentence
        return False
    first = next((ch for ch in _DASH_RE.sub("", text) if ch.isalpha()), "")
    return first.isupper()


def _kinds(items: list[str]) -> list[str]:
    """Label each paragraph: 'title', 'entry', 'lead', 'list' or 'body' (see module docstring)."""
    n = len(items)
    shape = [_is_title_shape(p) for p in items]
    is_list = [bool(LIST_ITEM.match(p)) for p in items]
    is_dash = [bool(_DASH_RE.match(p)) for p in items]
    colon = [bool(re.search(r":\s*\.?$", p)) for p in items]

    def body_follows(i: int) -> bool:
        return i + 1 < n and not is_list[i + 1]

    kinds = []
    for i, p in enumerate(items):
        if is_dash[i]:
            entry = shape[i] and not colon[i] and not p.rstrip(_CLOSERS).endswith("?") and body_follows(i)
            kinds.append("entry" if entry else "list")
        elif is_list[i]:
            kinds.append("list")
        elif shape[i] and body_follows(i) and not _inline_colon(p):
            kinds.append("title")
        elif _LEAD_IN_RE.match(p) and p.rstrip(_CLOSERS + " ")[-1:] in ".!?:":
            kinds.append("lead")  # "Name: Value" without a sentence after it is a label, not a sub-section
        else:
            kinds.append("body")

    # Short lines continuing a list whose numbering the OCR lost ("1. Verbeteren ...", "Bevorderen ...").
    for i in range(1, n):
        if kinds[i] == "title" and _open_list_item(items, kinds, i - 1):
            kinds[i] = "list"
    for i in range(n):
        if kinds[i] != "title":
            continue
        prev = kinds[i - 1] if i else ""
        if i + 1 < n and kinds[i + 1] in ("title", "entry"):
            kinds[i] = "body"  # a title with nothing under it is a loose line ("Via")
        elif prev in ("title", "entry") and not colon[i]:
            kinds[i] = "body"  # subtitle of the heading above ("Politie eenheid Rotterdam")
    return kinds


def _open_list_item(items, kinds, j) -> bool:
    return kinds[j] == "list" and items[j].rstrip(_CLOSERS + " ")[-1:] not in ".!?;:,"


def _inline_colon(text: str) -> bool:
    """'Name: Value' on one short line is a labelled fact, not a title ('Training: ‘...’' is one)."""
    if _COLON_END_RE.search(text):
        return False
    match = re.search(r":\s+(\S)", text)
    return bool(match) and match.group(1) not in "‘“\"'"


def _layout_paths(items, title):
    paragraphs = [p for _, p in items]
    kinds = _kinds(paragraphs)
    group: str | None = None
    entry: str | None = None
    heading: str | None = None  # a title: top level, or nested under the open entry
    lead: str | None = None
    announced = False
    parts_left: set[str] = set()  # parts the group's announcement names and that have no title yet
    entry_keys = {_entry_keys(p) for p, k in zip(paragraphs, kinds, strict=True) if k == "entry"}
    entry_body = 0  # body paragraphs of the open entry so far
    out = []
    for i, (page, paragraph) in enumerate(items):
        kind = kinds[i]
        if (
            kind == "body"
            and entry
            and heading is None
            and entry_body
            and _about_others(paragraph, entry, entry_keys)
        ):
            # "Regionaal is er een [kaart] opgesteld door het ESSM, RIEC ..." under NLA names other
            # entries of the group and not its own: the entry has ended, the text is about the group.
            entry = None
        entry_body = entry_body + 1 if kind in ("body", "lead") else 0
        if kind == "body" and _is_cue(paragraphs, kinds, i):
            group, entry, heading, lead = group_name(paragraph), None, None, None
            parts_left = announced_parts(paragraph)
            announced = bool(parts_left)
        elif kind == "entry":
            entry, heading, lead = heading_name(paragraph), None, None
            continue
        elif kind == "title":
            heading, lead = heading_name(paragraph), None
            if group and announced:
                if _adjective_root(heading) in parts_left:
                    parts_left.discard(_adjective_root(heading))
                elif not parts_left:
                    # "... de landelijke, regionale en lokale aanpak" had three parts; a fourth title
                    # after them is no longer part of that group.
                    group, entry, announced = None, None, False
            continue
        elif kind == "lead":
            lead = lead_in_name(paragraph)
        parts = [x for x in (group, entry, heading) if x]
        path = tuple(parts) if parts else _fallback(title, page)
        if lead:
            path = path + (lead,)
        out.append((path, page, paragraph))
    return out


def _entry_keys(paragraph: str) -> frozenset[str]:
    """How an entry is named in running text: its abbreviation "(NLA)", or its name if one word."""
    name = heading_name(paragraph)
    keys = set(re.findall(r"\(([A-Z][A-Za-z]{1,9})\)", name))
    if not keys and " " not in name:
        keys.add(name)
    return frozenset(keys)


def _about_others(paragraph: str, entry: str, entry_keys: set[frozenset[str]]) -> bool:
    own = _entry_keys(entry)
    words = set(re.findall(r"\w+", paragraph))
    own_words = own | {w for w in re.findall(r"\w+", entry) if len(w) >= 6 and w[0].isupper()}
    others = set().union(*(keys for keys in entry_keys if keys != own)) if entry_keys else set()
    return bool(words & others) and not words & own_words


def announced_parts(paragraph: str) -> set[str]:
    """The parts an announcement enumerates ("de landelijke, regionale en lokale aanpak"), as roots."""
    match = re.search(r"\b(\w+(?:,\s*\w+)+\s+(?:en|of)\s+\w+)\b", paragraph)
    if not match:
        return set()
    return {_adjective_root(w) for w in re.split(r",\s*|\s+(?:en|of)\s+", match.group(1)) if w}


def _adjective_root(word: str) -> str:
    # lokale/Lokaal, regionale/Regionaal, landelijke/Landelijk share this root; several words never match.
    word = word.lower()
    if " " in word:
        return ""
    word = word[:-1] if word.endswith("e") else word
    return re.sub(r"([aeou])\1", r"\1", word)


def _is_cue(paragraphs, kinds, i) -> bool:
    """A paragraph announcing the titles or entries that follow it."""
    if i + 1 >= len(kinds) or kinds[i + 1] not in ("title", "entry", "lead"):
        return False
    text = paragraphs[i]
    return text.rstrip().endswith(":") or bool(_CUE_RE.search(text))


def lead_in_name(paragraph: str) -> str:
    match = _LEAD_IN_RE.match(paragraph)
    if not match:
        return ""
    return (match.group(1) or match.group(2)).strip()


def group_name(paragraph: str) -> str:
    """Name a group after the noun phrase its announcing paragraph uses ("de volgende ketenpartners")."""
    for match in _GROUP_PHRASE_RE.finditer(paragraph):
        words = match.group(1).split()
        while words and words[0].lower() in _PHRASE_SKIP:
            words = words[1:]
        phrase = []
        for word in words:
            if word.lower() in _PHRASE_STOP:
                break
            phrase.append(word)
        if phrase:
            return _capitalise(" ".join(phrase[:5]))
    # Otherwise the last word of the announcing sentence: "... ingezoomd op de lokale aanpak."
    sentence = next((s for s in re.split(r"(?<=[.:])\s+", paragraph) if _CUE_RE.search(s)), paragraph)
    words = re.findall(r"[^\W\d_][\w-]*", sentence)
    if words and len(words[-1]) > 3 and words[-1].lower() not in _PHRASE_STOP:
        return _capitalise(words[-1])
    return _capitalise(" ".join(words[:6]))


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
