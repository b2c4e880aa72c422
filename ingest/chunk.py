"""Cut a document into passages along its own structure: load → clean → structure → chunk.

A chunk holds whole paragraphs (list items are paragraphs) of one section, up to `chunk_max_chars`;
a longer paragraph is split between sentences, and a single sentence longer than the maximum stays whole
(up to RUN_ON_FACTOR times the maximum: a longer run-on without punctuation is cut between words).
A chunk never spans two sections and never cuts a sentence. Chunks shorter than `chunk_min_chars` are
joined to a neighbour in the same section when that stays within the maximum.

Own code rather than LangChain's RecursiveCharacterTextSplitter: that splitter cuts on character counts
with separators, so it can split inside "o.a." or after "8:30" and has no notion of a list intro that
must stay with its first item; here the unit is the paragraph and the sentence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from index.chunk import Chunk
from index.text import is_list_item, split_sentences
from ingest.load import Document
from ingest.structure import Section, split_sections

PARAGRAPH_SEP = "\n\n"


@dataclass
class _Unit:
    text: str
    intro: bool  # ends with ':' and introduces what follows

    def __len__(self) -> int:
        return len(self.text)


def _size(units: list[_Unit]) -> int:
    return sum(len(u) for u in units) + len(PARAGRAPH_SEP) * max(0, len(units) - 1)


# A "sentence" this much longer than a passage is no sentence but a table dump, an OCR run without
# punctuation or a hostile file: it is cut between words, so that no passage, and no answer quoting
# it, grows to hundreds of kilobytes. (The dossier's longest sentence is 367 characters.)
RUN_ON_FACTOR = 4


def _bounded(sentences: list[str], max_chars: int) -> list[str]:
    """The sentences, with any longer than RUN_ON_FACTOR * max_chars cut into max_chars pieces."""
    out = []
    for sentence in sentences:
        run_on = len(sentence) > RUN_ON_FACTOR * max_chars
        while run_on and len(sentence) > max_chars:
            cut = sentence.rfind(" ", 0, max_chars + 1)
            cut = cut if cut > 0 else max_chars
            out.append(sentence[:cut].rstrip())
            sentence = sentence[cut:].lstrip()
        if sentence:
            out.append(sentence)
    return out


def _units(section: Section, max_chars: int) -> list[_Unit]:
    units: list[_Unit] = []
    for paragraph in section.paragraphs:
        if len(paragraph) <= max_chars:
            units.append(_Unit(paragraph, paragraph.rstrip().endswith(":")))
            continue
        # Aim for equal pieces, so a long paragraph does not leave a stub of one short sentence.
        target = len(paragraph) / math.ceil(len(paragraph) / max_chars)
        piece = ""
        for sentence in _bounded(split_sentences(paragraph), max_chars):
            grown = len(piece) + 1 + len(sentence)
            if piece and (grown > max_chars or abs(grown - target) > abs(len(piece) - target)):
                units.append(_Unit(piece, False))
                piece = sentence
            else:
                piece = f"{piece} {sentence}" if piece else sentence
        if piece:
            units.append(_Unit(piece, piece.rstrip().endswith(":")))
    return _bind_lists(units, max_chars)


def _bind_lists(units: list[_Unit], max_chars: int) -> list[_Unit]:
    """An intro with all its list items becomes one unit when it fits: a list is answered whole."""
    out: list[_Unit] = []
    i = 0
    while i < len(units):
        j = i + 1
        if units[i].intro:
            while j < len(units) and is_list_item(units[j].text):
                j += 1
        block = units[i:j]
        if j - i > 1 and _size(block) <= max_chars:
            out.append(_Unit(PARAGRAPH_SEP.join(u.text for u in block), False))
            i = j
        else:
            out.append(units[i])
            i += 1
    return out


def pack_section(section: Section, max_chars: int, min_chars: int) -> list[str]:
    """The passages of one section: whole paragraphs (or sentence runs) packed up to max_chars."""
    min_chars = min(min_chars, max_chars // 2)
    groups: list[list[_Unit]] = []
    current: list[_Unit] = []
    for unit in _units(section, max_chars):
        if current and _size(current + [unit]) > max_chars:
            intro = current[-1]
            if len(current) > 1 and intro.intro and _size([intro, unit]) <= max_chars:
                groups.append(current[:-1])  # keep "... de volgende taken:" with its first item
                current = [intro, unit]
            else:
                groups.append(current)
                current = [unit]
        else:
            current.append(unit)
    if current:
        groups.append(current)
    groups = _merge_short(groups, max_chars, min_chars)
    return [PARAGRAPH_SEP.join(u.text for u in g) for g in groups]


def _merge_short(groups: list[list[_Unit]], max_chars: int, min_chars: int) -> list[list[_Unit]]:
    changed = True
    while changed and len(groups) > 1:
        changed = False
        for i, group in enumerate(groups):
            if _size(group) >= min_chars:
                continue
            if i > 0 and _size(groups[i - 1] + group) <= max_chars:
                groups[i - 1] = groups[i - 1] + group
            elif i + 1 < len(groups) and _size(group + groups[i + 1]) <= max_chars:
                groups[i + 1] = group + groups[i + 1]
            elif i > 0 and len(groups[i - 1]) > 1 and _size(groups[i - 1][-1:] + group) <= max_chars:
                # Neither neighbour has room: take the previous passage's last paragraph instead.
                if _size(groups[i - 1][:-1]) >= min_chars:
                    groups[i] = groups[i - 1][-1:] + group
                    groups[i - 1] = groups[i - 1][:-1]
                    changed = True
                continue
            else:
                continue
            del groups[i]
            changed = True
            break
    return groups


def chunk_document(doc: Document, settings) -> list[Chunk]:
    """Clean, structure and cut one loaded document into chunks with stable content ids."""
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for section in split_sections(doc):
        for text in pack_section(section, settings.chunk_max_chars, settings.chunk_min_chars):
            chunk = Chunk(
                source=doc.source, section=section.path, text=text, ordinal=len(chunks), page=section.page
            )
            if chunk.id in seen:  # the same passage twice in one section adds nothing and would clash
                continue
            seen.add(chunk.id)
            chunks.append(chunk)
    return chunks
