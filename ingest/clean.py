"""Repair OCR text: general pattern rules, de-hyphenation and rejoining wrapped lines into paragraphs.

The output has one paragraph per line, paragraphs separated by a blank line; list items ("- ", "1. ")
and markdown headings ("# ") are paragraphs of their own. Every repair is a pattern rule (no edits of
single sentences), and no rule invents a word: a vanished link text stays vanished.
"""

from __future__ import annotations

import re
import unicodedata

from index.text import LIST_ITEM

# Sentence-initial 'l' + these (minus the i) is an OCR misreading of a capital I: "ledere" -> "Iedere".
# Only words whose l-form is not Dutch are listed ("leder" is leather, but not at the start of a sentence).
I_WORDS = frozenset(
    [
        "ieder",
        "iedere",
        "iedereen",
        "ieders",
        "iemand",
        "iemands",
        "iets",
        "in",
        "ik",
        "is",
        "indien",
        "immers",
        "inmiddels",
        "inzake",
    ]
)

MD_HEADING_RE = re.compile(r"^#{1,6}\s+\S")
_CLOSERS = "\"'”’»)]"
_TERMINAL = ".!?"
_SOFT_PUNCT = ".!?;,:"

_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)

# 'ö' read as 'd', 'dé', 'é' or 'ô' between "co" and "rdin": zorgcodrdinator, codérdinatie.
_COORDIN_RE = re.compile(r"([cC]o)(?:d[éèe]?|[éèô])(rdin)")
# 'ë' read as 'é' after a vowel inside a word (cliént, financiéle, creéren, strategieén); word-final é
# (accent of emphasis, "dié") and "één" (é after é) are left alone.
_TREMA_RE = re.compile(r"(?<=[aeio])é(?=[a-z])")
# French loans end in "-ière(s)" (barrières, carrière); the OCR turns that grave accent into 'é' too.
_FRENCH_IERE_RE = re.compile(r"(?<=\w)iére(?=s?\b)")
# A stray digit inside a dotted abbreviation: "o0.a." -> "o.a.".
_ABBR_DIGIT_RE = re.compile(r"\b([a-z])\d+(?=\.[a-z]\.)")
# A word after a sentence start (paragraph start, ". ", opening quote/bracket, list marker).
_SENTENCE_START_L_RE = re.compile(r"(^|[.!?:]\s+|[(“‘\"']|^[-–•*]\s+)l([a-zà-ÿ]*)\b", re.MULTILINE)


def clean_text(text: str) -> str:
    """Repair OCR damage and rejoin wrapped lines; paragraphs come out separated by blank lines."""
    lines = _normalise(text).split("\n")
    vocabulary = {w.lower() for w in _WORD_RE.findall(text)}
    paragraphs = _rejoin(lines, vocabulary)
    return "\n\n".join(repair_words(p) for p in paragraphs if p)


def repair_words(paragraph: str) -> str:
    """Apply the word-level OCR rules to one paragraph."""
    paragraph = _COORDIN_RE.sub(r"\1ö\2", paragraph)
    paragraph = _FRENCH_IERE_RE.sub("ière", paragraph)
    paragraph = _TREMA_RE.sub("ë", paragraph)
    paragraph = _ABBR_DIGIT_RE.sub(r"\1", paragraph)
    return _SENTENCE_START_L_RE.sub(_capital_i, paragraph)


def _capital_i(match: re.Match) -> str:
    lead, rest = match.group(1), match.group(2)
    if ("i" + rest) in I_WORDS:
        return f"{lead}I{rest}"
    return match.group(0)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    for ligature, letters in _LIGATURES.items():
        text = text.replace(ligature, letters)
    text = text.replace("\u00ad", "").replace("\u200b", "").replace("\ufeff", "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    return text


_PAGE_NUMBER_RE = re.compile(
    r"^(?:pagina|page|blz\.?|p\.)?\s*[-–]?\s*\d{1,3}\s*(?:(?:/|van|of)\s*\d{1,3})?\s*[-–]?$", re.IGNORECASE
)


def _is_junk(line: str) -> bool:
    """OCR debris such as '|\\' or a lone bullet (no letter or digit), or a bare page number."""
    return not any(ch.isalnum() for ch in line) or bool(_PAGE_NUMBER_RE.match(line))


def _strip_closers(line: str) -> str:
    return line.rstrip(_CLOSERS + " ")


def is_terminal(line: str) -> bool:
    """The line ends a sentence (closing quotes and brackets ignored)."""
    return _strip_closers(line).endswith(tuple(_TERMINAL))


def _first_alpha(line: str) -> str:
    body = LIST_ITEM.sub("", line)
    for ch in body:
        if ch.isalpha():
            return ch
    return ""


def looks_like_heading(line: str, width: float = 100.0) -> bool:
    """A short capitalised line without closing punctuation: a title, not a wrapped sentence."""
    core = _strip_closers(line)
    if not core or core.endswith(tuple(_SOFT_PUNCT)):
        return False
    if re.search(r"[.!?]\s+[A-Z]", core):  # two sentences
        return False
    first = _first_alpha(line)
    return bool(first) and first.isupper() and len(line.split()) <= 12 and len(line) <= 0.8 * width


def _width(lines: list[str]) -> float:
    """Typical full-line length of the page (90th percentile), clamped to a sane range."""
    lengths = sorted(len(x) for x in lines if x)
    if not lengths:
        return 100.0
    return float(min(110, max(60, lengths[int(0.9 * (len(lengths) - 1))])))


def _fits(a: str, b: str, width: float) -> bool:
    """Would the first word of b have fitted on line a? Then a was broken on purpose, not wrapped."""
    first = b.split()[0] if b.split() else ""
    return len(a) + 1 + len(first) <= 0.85 * width


def _continues(b: str) -> bool:
    """b starts like the rest of a sentence: lowercase, a digit or closing/mid punctuation."""
    ch = b[:1]
    return bool(ch) and (ch.islower() or ch.isdigit() or ch in "(),;:&—–%")


def _rejoin(raw_lines: list[str], vocabulary: set[str]) -> list[str]:
    entries: list[tuple[str, bool]] = []  # (line, indented); "" marks a blank line
    for raw in raw_lines:
        indented = raw[:1] in (" ", "\t")
        line = _SPACES_RE.sub(" ", raw).strip()
        if line and _is_junk(line):
            continue
        entries.append((line, indented))
    width = _width([line for line, _ in entries])

    paragraphs: list[str] = []
    current = ""
    blank_since = False
    for line, indented in entries:
        if not line:
            blank_since = bool(current)
            continue
        if not current:
            current = line
        elif _join(current, line, indented, blank_since, width):
            current = _glue(current, line, vocabulary)
        else:
            paragraphs.append(current)
            current = line
        blank_since = False
    if current:
        paragraphs.append(current)
    return [p.replace("\x00", "") for p in paragraphs]


def _join(current: str, line: str, indented: bool, after_blank: bool, width: float) -> bool:
    if LIST_ITEM.match(line) or MD_HEADING_RE.match(line) or MD_HEADING_RE.match(current):
        return False
    tail = _physical_tail(current)
    if after_blank:
        # A blank line inside a sentence is a page or column break in the OCR: rejoin only when the
        # sentence visibly runs on (no closing punctuation, next line lowercase) and nothing is a title.
        return bool(
            len(tail) <= 1.3 * width  # a printed line, not an already joined paragraph
            and line[:1].islower()
            and not _strip_closers(tail).endswith(tuple(_SOFT_PUNCT))
            and not looks_like_heading(tail, width)
            and not LIST_ITEM.match(tail)
        )
    ends_hyphen = current.endswith("-") and current[-2:-1].isalnum()
    if ends_hyphen:
        return True
    single = "\x00" not in current
    if (
        single
        and LIST_ITEM.match(current)
        and looks_like_heading(current, width)
        and _fits(current, line, width)
    ):
        return False  # "- Fier" above its description: an entry title, not a wrapped list item
    if _continues(line):
        return True
    if current.endswith(":"):
        return True
    if indented and is_terminal(current):
        return False
    return not _fits(tail, line, width)


def _physical_tail(paragraph: str) -> str:
    """The last printed line of a paragraph being built (lines are marked with \\x00 until the end)."""
    return paragraph.rsplit("\x00", 1)[-1]


def _glue(current: str, line: str, vocabulary: set[str]) -> str:
    match = re.search(r"(\w+)-$", current[-80:])  # the tail only: paragraphs grow long
    if match:
        first = re.match(r"\w+", line)
        if first and line[:1].islower() and (match.group(1) + first.group(0)).lower() in vocabulary:
            return current[:-1] + "\x00" + line  # a word split by the line break: join without hyphen
        return current + "\x00" + line  # a real compound ("psycho-sociale"): keep the hyphen
    return current + " \x00" + line
