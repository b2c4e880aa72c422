"""One answer as a chat message: [n] markers that link to their source, sources the page can point at.

Built from the Answer's data (citations, highlight, meldpunt), never from its wording. Every piece of
text is escaped first (`present.escape_text` for markdown, `present.escape_html` inside the HTML blocks),
so a passage with `<script>` still shows as text. The only markup this module writes itself:

- a marker `[n]` becomes `<a class="bronverwijzing" href="#bron-K-n">`, an in-page link to source n of
  message K (K keeps ids unique over the conversation; it is the message's index in the chat);
- each source is one `<section class="bron" id="bron-K-n">` with its supporting sentence in `<mark>`,
  the whole passage folded, and a button "Open in dossier" (`id="naar-dossier-K-n"`);
- the answer as clean text (`present.plain_answer`) in a hidden block, and a "Kopiëren" button: the
  page's script copies that block, so every copy action gives the same text.

The chat's sanitiser keeps ids, classes and buttons but drops aria-* and data-* attributes: names for
screen readers are visible or visually hidden text (`.sr-only`).
"""

from __future__ import annotations

import re

from assistant.types import Answer, Citation
from page import present

_MARKER = re.compile(r"\[(\d{1,3})\]")


def answer_message(answer: Answer, key: int | str) -> str:
    """The chat message of `answer` shown as message `key`: card, linked text, sources, copy."""
    cited = {c.n for c in answer.citations} if not answer.out_of_scope else set()
    blocks: list[str] = []
    text, card_markers = present.strip_card_lines(answer)
    if answer.situational and answer.meldpunt is not None:
        blocks.append(present.meldpunt_markdown(answer.meldpunt, _link_markers(card_markers, key, cited)))
    if answer.out_of_scope:
        blocks.append(f"**{present.OUT_OF_SCOPE_TEXT}**")
        text = text.replace(present.OUT_OF_SCOPE_TEXT, "").strip()
    if text:
        blocks.append(present.format_answer_text(text, link=lambda n: _marker_link(n, key, cited)))
    if cited:
        blocks.append("**Bronnen**")
        blocks.extend(source_html(c, key) for c in answer.citations)
    if not answer.out_of_scope:  # "Dat staat niet in het dossier." is nothing to copy
        blocks.append(copy_block(present.plain_answer(answer)))
    return "\n\n".join(blocks)


def question_message(question: str) -> str:
    """The officer's question as shown in the chat."""
    return present.format_question(question)


def _marker_link(n: int, key: int | str, cited: set[int]) -> str | None:
    if n not in cited:
        return None
    return f'<a class="bronverwijzing" href="#bron-{key}-{n}"><span class="sr-only">bron </span>[{n}]</a>'


def _link_markers(markers: str, key: int | str, cited: set[int]) -> str:
    return _MARKER.sub(lambda m: _marker_link(int(m.group(1)), key, cited) or m.group(0), markers)


def source_html(c: Citation, key: int | str) -> str:
    """One source as a single HTML block (no blank line inside, so markdown leaves it whole)."""
    found = bool(c.highlight) and present.find_loose(c.text, c.highlight)[0] >= 0
    passage = _html_lines(present.highlight_passage_html(c.text, c.highlight if found else ""))
    head = (
        f'<p class="bron-kop"><strong>[{c.n}] {present.escape_html(c.section)}</strong>'
        f" · {present.escape_html(c.source)}</p>"
    )
    summary = f"Hele passage [{c.n}]" if found else f"Passage [{c.n}] tonen"
    quote = (
        f"<blockquote><mark>{present.escape_html(_plain(c.highlight))}</mark></blockquote>" if found else ""
    )
    button = (
        f'<button type="button" class="naar-dossier" id="naar-dossier-{key}-{c.n}">'
        f'Open in dossier<span class="sr-only"> (bron {c.n})</span></button>'
    )
    return (
        f'<section class="bron" id="bron-{key}-{c.n}" tabindex="-1">{head}{quote}'
        f"<details><summary>{summary}</summary><blockquote>{passage}</blockquote></details>"
        f"{button}</section>"
    )


def copy_block(plain: str) -> str:
    """The clean text the copy actions use (hidden) and the message's own copy button."""
    text = present.escape_html(plain).replace("\n", "&#10;")  # one line: markdown keeps it one block
    return (
        f'<div class="platte-tekst">{text}</div>\n\n'
        '<p class="antwoord-acties"><button type="button" class="kopieer">'
        'Kopiëren<span class="sr-only"> (antwoord met bronnen)</span></button></p>'
    )


def _html_lines(html: str) -> str:
    """Paragraph breaks as <br>: a blank line would end the HTML block in markdown."""
    return re.sub(r"\s*\n\s*\n\s*", "<br><br>", html.strip()).replace("\n", " ")


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()
