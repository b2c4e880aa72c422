"""Turning answers into safe page text: escaped markdown for the chat, HTML for the meldpunt header.

Pure functions, no Gradio. Every piece of document or question text passes through `escape_text`
(HTML-escaped, markdown links/images/emphasis neutralised) before it reaches the page, so a passage or
question containing `<script>` or `![x](http://…)` shows as text and never loads or runs anything.
Also here: redaction of phone numbers, e-mail addresses and BSN-like numbers for stored feedback.
"""

from __future__ import annotations

import html
import re
import string
import unicodedata

from assistant.types import Answer, Citation, Meldpunt

# Markdown punctuation that can start a link, image, emphasis, code span, strike-through or table cell.
# Kept to the few that matter, so a copied answer stays readable: "(ESSM)" needs no escaping, since no
# link or image can form once "[" is escaped. `<`, `>` and `&` become entities, so no raw HTML. Bare URLs
# may still show as links (the browser only follows them on a click; nothing is loaded).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]~|])")
# Block markers at the start of a line (headings, list items, numbered lists, setext underlines).
_LINE_START = re.compile(r"^(\s*)(#|-|\+|=|\d+(?=\.))", re.MULTILINE)
_MARKER = re.compile(r"\[(\d{1,3})\]")


def escape_text(text: str) -> str:
    """Text from a document or a user as inert markdown: shows literally, renders no HTML, link or image."""
    text = html.escape(text or "", quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(_escape_line_start, text)


def _escape_line_start(m: re.Match) -> str:
    # A backslash only escapes punctuation: "2024." becomes "2024\." (not "\2024.").
    marker = m.group(2)
    return m.group(1) + (marker + "\\" if marker[0].isdigit() else "\\" + marker)


def escape_html(text: str) -> str:
    """Text for an HTML attribute or element (the header, the Dossier tab)."""
    return html.escape(text or "", quote=True)


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


# ---------------------------------------------------------------- answers


def format_question(question: str) -> str:
    """The officer's question as shown in the chat (escaped, line breaks kept)."""
    return escape_text(question.strip())


def format_answer_text(answer_md: str, link=None) -> str:
    """The answer text with its [n] markers kept (or made links by `link(n)`); everything else inert.

    The answer is built from document sentences, so it is escaped like them; only the assistant's
    own markup that is safe is given back: list bullets, bold (**…**) and the [n] markers.
    """
    out = []
    for line in (answer_md or "").splitlines():
        bullet = re.match(r"^(\s*)([-*•])\s+", line)
        body = line[bullet.end() :] if bullet else line
        parts = re.split(r"(\*\*[^*\n]+\*\*)", body)
        rendered = []
        for part in parts:
            if part.startswith("**") and part.endswith("**") and len(part) > 4:
                rendered.append("**" + _with_markers(part[2:-2], link) + "**")
            else:
                rendered.append(_with_markers(part, link))
        text = "".join(rendered)
        out.append(f"{bullet.group(1)}- {text}" if bullet else text)
    return "\n".join(out)


def _with_markers(text: str, link=None) -> str:
    pieces = _MARKER.split(text)
    # split gives [text, n, text, n, ...]: odd positions are marker numbers.
    return "".join(
        escape_text(p) if i % 2 == 0 else ((link and link(int(p))) or f"[{int(p)}]")
        for i, p in enumerate(pieces)
    )


def highlight_passage(text: str, highlight: str) -> str:
    """The passage, escaped, with the supporting sentence wrapped in <mark> (found ignoring whitespace)."""
    return _highlight(text, highlight, escape_text)


def highlight_passage_html(text: str, highlight: str) -> str:
    """As `highlight_passage`, escaped for HTML instead of markdown."""
    return _highlight(text, highlight, escape_html)


def _highlight(text: str, highlight: str, escape) -> str:
    start, end = find_loose(text, highlight)
    if start < 0:
        return escape(text)
    before, hit, after = text[:start], text[start:end], text[end:]
    return f"{escape(before)}<mark>{escape(hit)}</mark>{escape(after)}"


def find_loose(text: str, needle: str) -> tuple[int, int]:
    """Position of `needle` in `text` where any run of whitespace matches any other; (-1, -1) if absent."""
    words = (needle or "").split()
    if not words:
        return -1, -1
    pattern = r"\s+".join(re.escape(w) for w in words)
    m = re.search(pattern, text or "")
    if not m:
        m = re.search(pattern, text or "", re.IGNORECASE)
    return (m.start(), m.end()) if m else (-1, -1)


def format_source(c: Citation) -> str:
    """One source: marker, section path and file, the highlighted sentence, the whole passage folded."""
    head = f"**[{c.n}] {escape_text(c.section)}** · {escape_text(c.source)}"
    passage = _quote_block(highlight_passage(c.text, c.highlight))
    if not (c.highlight and find_loose(c.text, c.highlight)[0] >= 0):
        # Not quoted in the answer: listed because it was found relevant, folded to keep the answer short.
        return f"{head}\n\n{_folded(f'Passage [{c.n}] tonen', passage)}"
    quote = "> <mark>" + escape_text(_plain(c.highlight)) + "</mark>"
    return f"{head}\n\n{quote}\n\n{_folded(f'Hele passage [{c.n}]', passage)}"


def _folded(summary: str, body: str) -> str:
    return f"<details><summary>{summary}</summary>\n\n{body}\n\n</details>"


def _quote_block(md: str) -> str:
    return "\n".join("> " + line if line.strip() else ">" for line in md.splitlines())


def meldpunt_markdown(m: Meldpunt, markers: str = "") -> str:
    """The meldpunt card inside an answer: name, clickable number, hours, open or closed now."""
    anon = " · anoniem melden kan" if m.anonymous else ""
    status = m.status or ("nu bereikbaar" if m.open_now else "nu gesloten")
    refs = f" {markers}" if markers else ""
    return (
        f"> **Bel het {escape_text(m.name)}: [{escape_text(m.phone)}]({tel_href(m.phone)})**{refs}  \n"
        f"> {escape_text(m.hours)}{anon}  \n"
        f"> **{escape_text(status)}**"
    )


OUT_OF_SCOPE_TEXT = "Dat staat niet in het dossier."


def format_answer(answer: Answer) -> str:
    """The whole assistant message: meldpunt card first when situational, answer, then the sources."""
    blocks: list[str] = []
    text, card_markers = strip_card_lines(answer)
    if answer.situational and answer.meldpunt is not None:
        blocks.append(meldpunt_markdown(answer.meldpunt, card_markers))
    if answer.out_of_scope:
        # Said plainly, in the same words every time; no passages, so nothing looks like an answer.
        blocks.append(f"**{OUT_OF_SCOPE_TEXT}**")
        text = text.replace(OUT_OF_SCOPE_TEXT, "").strip()
    if text:
        blocks.append(format_answer_text(text))
    if answer.citations and not answer.out_of_scope:
        blocks.append("**Bronnen**")
        blocks.extend(format_source(c) for c in answer.citations)
    return "\n\n".join(blocks)


def strip_card_lines(answer: Answer) -> tuple[str, str]:
    """The answer without the card's own lines (the card is shown above it), and the card's [n] markers.

    Both come from the Answer's data (`body`, `card_marker`), never from matching the card's words."""
    if not (answer.situational and answer.meldpunt):
        return answer.answer, ""
    text = answer.answer if answer.body is None else answer.body
    markers = [
        f"[{n}]" for n in _MARKER.findall(answer.card_marker)
    ]  # only well-formed markers reach the page
    return text.strip(), " ".join(dict.fromkeys(markers))


def plain_answer(answer: Answer) -> str:
    """The answer as plain text for the clipboard (an e-mail, a report): no markup, sources named."""
    parts: list[str] = []
    text, card_markers = strip_card_lines(answer)
    m = answer.meldpunt
    if answer.situational and m is not None:
        refs = f" {card_markers}" if card_markers else ""
        parts.append(f"Bel het {m.name}: {m.phone}{refs} ({m.hours}; {m.status or 'zie openingstijden'}).")
    if answer.out_of_scope:
        text = OUT_OF_SCOPE_TEXT + " " + text.replace(OUT_OF_SCOPE_TEXT, "").strip()
    parts.append(text.strip())
    if answer.citations and not answer.out_of_scope:
        lines = ["Bronnen:"]
        for c in answer.citations:
            quote = _plain(c.highlight) if c.highlight else _plain(c.text)
            lines.append(f"[{c.n}] {c.section} ({c.source}): “{quote}”")
        parts.append("\n".join(lines))
    return "\n\n".join(p for p in parts if p)


def cited_sections(answer: Answer) -> list[str]:
    """The distinct section paths of an answer's citations, in citation order."""
    seen: dict[str, None] = {}
    for c in answer.citations:
        seen.setdefault(c.section, None)
    return list(seen)


# ---------------------------------------------------------------- header and dossier tab

# Colours of the header card, checked for WCAG AA contrast (4.5:1) in the tests.
COLORS = {
    "text": "#1f2937",
    "muted": "#374151",
    "background": "#ffffff",
    "card": "#eff6ff",
    "card_border": "#1d4ed8",
    "link": "#1d4ed8",
    "open_text": "#14532d",
    "open_background": "#dcfce7",
    "closed_text": "#7f1d1d",
    "closed_background": "#fee2e2",
    "mark": "#fde68a",
}
# (foreground, background) pairs that carry text; each must reach 4.5:1.
TEXT_PAIRS = [
    ("text", "background"),
    ("muted", "background"),
    ("text", "card"),
    ("link", "card"),
    ("open_text", "open_background"),
    ("closed_text", "closed_background"),
    ("text", "mark"),
]

PAGE_CSS = string.Template("""
.dossier-header { display: flex; flex-wrap: wrap; gap: 10px 24px; align-items: center;
  justify-content: space-between; padding: 4px 2px 6px; }
.dossier-header h1 { font-size: 1.55rem; line-height: 1.2; margin: 0; color: $text; }
.dark .dossier-header h1 { color: #f3f4f6; }
.dh-title p { margin: 4px 0 0; color: $muted; }
.dark .dh-title p { color: #d1d5db; }
.meldpunt { border: 2px solid $card_border; border-radius: 12px; padding: 10px 16px; background: $card;
  color: $text; flex: 0 1 440px; min-width: 270px; }
.mp-name { font-weight: 600; }
.mp-phone { display: inline-block; font-size: 1.6rem; font-weight: 700; color: $link;
  text-decoration: underline; text-underline-offset: 3px; margin: 2px 0; }
.mp-phone:focus-visible { outline: 3px solid $card_border; outline-offset: 2px; }
.mp-hours { color: $text; }
.mp-status { display: inline-flex; align-items: center; gap: 6px; margin-top: 6px; padding: 2px 10px;
  border-radius: 999px; font-weight: 600; }
.mp-open .mp-status { background: $open_background; color: $open_text; }
.mp-closed .mp-status { background: $closed_background; color: $closed_text; }
.mp-dot { width: 10px; height: 10px; border-radius: 50%; background: currentColor; display: inline-block;
  flex-shrink: 0; }
#gesprek mark { background: $mark; color: $text; padding: 0 2px; border-radius: 2px; }
#gesprek .message, #gesprek .message-content, #gesprek .md { overflow-wrap: anywhere; }
#gesprek .prose.chatbot.md { opacity: 1; }  /* Gradio dims chat text to 0.8: too little contrast */
#gesprek blockquote { border-left: 4px solid $card_border; margin: 6px 0; padding: 2px 10px; }
#gesprek details > summary { cursor: pointer; color: $link; }
.dark #gesprek details > summary { color: #93c5fd; }
#voorbeelden button { flex: 0 1 auto; min-width: 0; white-space: normal; }
.dossier-section h2 { font-size: 1.2rem; margin: 0 0 8px; }
.dossier-section p { margin: 0 0 10px; line-height: 1.55; }
#inhoud .wrap { flex-direction: column; align-items: stretch; flex-wrap: nowrap; max-height: 70vh;
  overflow-y: auto; }
#inhoud .wrap { gap: 4px; }
#inhoud label { white-space: pre-wrap; padding: 5px 10px; }
@media (max-width: 640px) {
  .dossier-header h1 { font-size: 1.25rem; }
  .meldpunt { width: 100%; min-width: 0; }
  .mp-phone { font-size: 1.4rem; }
  #inhoud .wrap { max-height: 40vh; }
  #invoer { flex-direction: column; }
  #invoer > * { width: 100%; min-width: 0 !important; }
  #gesprek .message-row.bubble { margin: 10px 4px 6px; max-width: 100%; }
}
""").substitute(COLORS)


def tel_href(phone: str) -> str:
    """tel: link in international form: '010 - 236 52 56' -> 'tel:+31102365256'."""
    digits = re.sub(r"[^\d+]", "", phone)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+31" + digits[1:]
    return "tel:" + digits


def meldpunt_header_html(m: Meldpunt) -> str:
    """The page header: title and the meldpunt at a glance (number as tel: link, hours, open/closed now)."""
    state = "open" if m.open_now else "closed"
    status = m.status or ("nu bereikbaar" if m.open_now else "nu gesloten")
    anon = " · anoniem melden kan" if m.anonymous else ""
    return (
        '<div class="dossier-header">'
        '<div class="dh-title"><h1>Vraagbaak mensenhandel</h1>'
        "<p>Antwoorden uit het introductiedossier mensenhandel regio Rotterdam, altijd met bron.</p></div>"
        f'<section class="meldpunt mp-{state}" aria-label="{escape_html(m.name)}">'
        f'<div class="mp-name">{escape_html(m.name)}</div>'
        f'<a class="mp-phone" href="{escape_html(tel_href(m.phone))}" '
        f'aria-label="Bel {escape_html(m.name)}: {escape_html(m.phone)}">{escape_html(m.phone)}</a>'
        f'<div class="mp-hours">{escape_html(m.hours)}{anon}</div>'
        f'<div class="mp-status" role="status" aria-live="polite">'
        f'<span class="mp-dot" aria-hidden="true"></span>{escape_html(status)}</div>'
        "</section></div>"
    )


def toc_label(path: str) -> str:
    """A section's entry in the table of contents: its own title, indented by its depth."""
    parts = path.split(" › ")
    # Em spaces survive HTML whitespace collapsing, so the nesting shows without markup.
    return "\u2003\u2003" * (len(parts) - 1) + parts[-1]


def fallback_header_html() -> str:
    """The header when the meldpunt facts cannot be read: title only, never an empty page."""
    return (
        '<div class="dossier-header"><div class="dh-title"><h1>Vraagbaak mensenhandel</h1>'
        "<p>De gegevens van het meldpunt zijn nu niet te lezen; zie het dossier.</p></div></div>"
    )


def section_html(path: str, text: str) -> str:
    """One section of the dossier for the Dossier tab: its path as heading, paragraphs escaped."""
    paras = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    body = (
        "".join(f"<p>{escape_html(p)}</p>" for p in paras) or "<p><em>Deze sectie heeft geen tekst.</em></p>"
    )
    title = escape_html(path)
    return f'<article class="dossier-section" aria-label="{title}"><h2>{title}</h2>{body}</article>'


# ---------------------------------------------------------------- redaction

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}\s?[A-Z]{4}(?:\s?\d){10}\b", re.IGNORECASE)
# 9 to 14 digits, optionally grouped by spaces, dots, dashes, slashes or brackets: BSN (9 digits,
# "123.456.789") and phone numbers ("06-12345678", "+31 6 1234 5678", "010 - 236 52 56").
_NUMBER = re.compile(r"(?<![\w+])(?:\+|00)?\d(?:[ \t.\-/()]{0,3}\d){8,13}(?![\d])")


def redact(text: str) -> str:
    """Replace e-mail addresses, IBANs, phone numbers and BSN-like numbers by a placeholder."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _EMAIL.sub("[e-mailadres]", text)
    text = _IBAN.sub("[rekeningnummer]", text)

    def number(m: re.Match) -> str:
        raw = m.group(0)
        digits = re.sub(r"\D", "", raw)
        if len(digits) == 9 and not raw.startswith(("+", "00")):
            return "[BSN]"
        return "[telefoonnummer]"

    return _NUMBER.sub(number, text)
