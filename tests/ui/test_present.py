"""Formatting for the page: markers, sources, the meldpunt card, escaping of hostile text."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from assistant.types import Answer, Citation, Meldpunt
from page import present
from tests.wcag import contrast_ratio

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "![x](http://evil.test/x.png)",
    "[klik](javascript:alert(1))",
    "<a href='http://evil.test'>x</a>",
    "<iframe src=//evil.test></iframe>",
]

MELDPUNT_OPEN = Meldpunt(
    name="Meld- en adviespunt mensenhandel (ESSM)",
    phone="010 - 236 52 56",
    hours="dagelijks 8:30–22:00",
    open_now=True,
    status="nu bereikbaar (tot 22:00 uur)",
)


def cite(
    n, text="Arbeidsuitbuiting meld je bij het meldpunt. Daarna volgt advies.", highlight="", section="A › B"
):
    return Citation(
        n=n,
        chunk_id=f"c{n}",
        source="dossier.txt",
        section=section,
        text=text,
        score=0.5,
        highlight=highlight,
    )


def live_html(markdown: str) -> list[str]:
    """Raw HTML tags a markdown renderer would pass through: '<' followed by a letter or '/'."""
    return re.findall(r"<(/?[a-zA-Z][^>]*)>", markdown)


@pytest.mark.parametrize("text", HOSTILE)
def test_escape_text_leaves_no_tag_link_or_image(text):
    out = present.escape_text(text)
    assert live_html(out) == []
    assert "](" not in out.replace("\\](", "")  # every "]" before "(" is escaped: no link, no image
    assert "![" not in out


def test_escaped_text_keeps_its_words():
    out = present.escape_text("Mensenhandel (art. 273f Sr) & uitbuiting: 50% *niet* gemeld")
    assert "(art. 273f Sr)" in out
    assert "&amp;" in out
    assert r"\*niet\*" in out


def test_line_start_markers_are_escaped_as_punctuation():
    out = present.escape_text("2024. een jaar\n# geen kop\n- geen lijst")
    assert out.splitlines() == ["2024\\. een jaar", "\\# geen kop", "\\- geen lijst"]


def test_answer_markers_stay_plain_and_text_is_escaped():
    out = present.format_answer_text("Bel het meldpunt [1]. <b>Let op</b> [2]\n- **signaal** [3]")
    assert "[1]" in out and "[2]" in out and "[3]" in out
    assert "\\[1\\]" not in out
    assert "&lt;b&gt;Let op&lt;/b&gt;" in out
    assert "- **signaal** [3]" in out


def test_highlight_is_marked_and_found_across_line_breaks():
    text = "Eerste zin. Arbeidsuitbuiting meld je\nbij het meldpunt. Laatste zin."
    out = present.highlight_passage(text, "Arbeidsuitbuiting meld je bij het meldpunt.")
    assert out.count("<mark>") == 1
    assert re.search(r"<mark>Arbeidsuitbuiting meld je\nbij het meldpunt\.</mark>", out)
    assert out.startswith("Eerste zin.")


def test_hostile_passage_and_highlight_stay_text():
    text = "Voor. <script>alert(1)</script> Na."
    out = present.highlight_passage(text, "<script>alert(1)</script>")
    assert "<mark>&lt;script&gt;alert(1)&lt;/script&gt;</mark>" in out
    assert [t for t in live_html(out) if t not in ("mark", "/mark")] == []


def test_missing_highlight_shows_the_passage_unmarked():
    out = present.highlight_passage("Een passage.", "Een zin die er niet staat.")
    assert "<mark>" not in out and "Een passage." in out


def test_source_names_section_and_file_and_marks_the_sentence():
    c = cite(2, highlight="Arbeidsuitbuiting meld je bij het meldpunt.", section="Melden › Route")
    out = present.format_source(c)
    assert out.startswith("**[2] Melden › Route** · dossier.txt")
    assert "<mark>Arbeidsuitbuiting meld je bij het meldpunt.</mark>" in out
    assert "Daarna volgt advies." in out  # the whole passage is there (folded)


def test_source_without_highlight_is_folded():
    out = present.format_source(cite(3))
    assert out.startswith("**[3] A › B** · dossier.txt")
    assert "<details><summary>Passage [3] tonen</summary>" in out and "<mark>" not in out


def test_situational_answer_puts_the_card_first_and_drops_its_duplicate_lines():
    answer = Answer(
        question="Ik vermoed uitbuiting, wat nu?",
        answer="Bel voor advies of een melding het ESSM: 010 - 236 52 56 (dagelijks) [1].\n"
        "Status: nu bereikbaar.\n\nMeld het bij het meldpunt [2].",
        citations=[cite(1), cite(2)],
        situational=True,
        meldpunt=MELDPUNT_OPEN,
        body="Meld het bij het meldpunt [2].",
        card_marker="[1]",
    )
    out = present.format_answer(answer)
    card, rest = out.split("\n\n", 1)
    assert "010 - 236 52 56" in card and "(tel:+31102365256)" in card
    assert "nu bereikbaar (tot 22:00 uur)" in card
    assert "[1]" in card  # the card keeps the marker of the passage its facts come from
    assert rest.index("Meld het bij het meldpunt [2].") < rest.index("**Bronnen**")
    assert out.count("010 - 236 52 56") == 1  # the card, not the card and its text copy
    assert "Status:" not in out


def test_lookup_answer_has_no_card():
    answer = Answer(
        question="Wat is mensenhandel?", answer="Werven [1].", citations=[cite(1)], meldpunt=MELDPUNT_OPEN
    )
    assert "236 52 56" not in present.format_answer(answer)


def test_card_is_shown_from_data_whatever_the_words_of_its_lines():
    answer = Answer(
        question="A client told me her boss keeps her passport. What should I do?",
        answer="Report or ask advice: ESSM, phone 010 - 236 52 56 [1].\nStatus: open now.\n\nQuote [2].",
        citations=[cite(1), cite(2)],
        situational=True,
        meldpunt=MELDPUNT_OPEN,
        body="Quote [2].",
        card_marker="[1]",
        lang="en",
    )
    out = present.format_answer(answer)
    assert "Report or ask advice" not in out and "Status: open now" not in out
    assert out.count("236 52 56") == 1 and "Quote [2]." in out
    card = out.split("\n\n")[0]
    assert "[1]" in card


def test_out_of_scope_says_so_plainly_without_sources():
    answer = Answer(
        question="Hoe vraag ik een hondenpenning aan?",
        answer="Dat staat niet in het dossier.",
        citations=[cite(1)],
        out_of_scope=True,
    )
    out = present.format_answer(answer)
    assert out == "**Dat staat niet in het dossier.**"


def test_cited_sections_are_distinct_in_order():
    answer = Answer(
        question="q", answer="a", citations=[cite(1, section="X"), cite(2, section="Y"), cite(3, section="X")]
    )
    assert present.cited_sections(answer) == ["X", "Y"]


@pytest.mark.parametrize(
    ("phone", "href"),
    [
        ("010 - 236 52 56", "tel:+31102365256"),
        ("0800-0123", "tel:+318000123"),
        ("+31 6 1234 5678", "tel:+31612345678"),
    ],
)
def test_tel_href(phone, href):
    assert present.tel_href(phone) == href


def test_header_shows_number_as_tel_link_and_escapes_fields():
    m = Meldpunt(
        name="<b>ESSM</b>",
        phone="010 - 236 52 56",
        hours="dagelijks 8:30–22:00",
        open_now=False,
        status="nu gesloten",
    )
    out = present.meldpunt_header_html(m)
    assert 'href="tel:+31102365256"' in out
    assert ">010 - 236 52 56</a>" in out
    assert "&lt;b&gt;ESSM&lt;/b&gt;" in out and "<b>" not in out
    assert "mp-closed" in out


def _card_at(hour: int, minute: int):
    meldpunt = pytest.importorskip("assistant.meldpunt")
    facts = meldpunt.load_facts(meldpunt.BUNDLED_CONTACTS)
    tz = ZoneInfo("Europe/Amsterdam")
    return meldpunt.card(facts, datetime(2025, 1, 15, hour, minute, tzinfo=tz), tz)


@pytest.mark.parametrize(
    ("hour", "minute", "state", "words"),
    [
        (8, 29, "mp-closed", ["nu gesloten", "8:30", "112"]),
        (8, 30, "mp-open", ["nu bereikbaar"]),
        (21, 59, "mp-open", ["nu bereikbaar"]),
        (22, 0, "mp-closed", ["nu gesloten", "8:30", "112"]),
        (3, 0, "mp-closed", ["nu gesloten", "8:30", "112"]),
    ],
)
def test_header_open_or_closed_at_given_times(hour, minute, state, words):
    out = present.meldpunt_header_html(_card_at(hour, minute))
    assert f"meldpunt {state}" in out
    for w in words:
        assert w in out
    assert "010 - 236 52 56" in out


def test_section_html_escapes_and_keeps_paragraphs():
    out = present.section_html("A › <i>B</i>", "Alinea een.\n\n<script>x()</script>")
    assert out.count("<p>") == 2
    assert "&lt;script&gt;" in out and "<script>" not in out and "<i>" not in out


@pytest.mark.parametrize(("fg", "bg"), present.TEXT_PAIRS)
def test_page_colours_reach_wcag_aa(fg, bg):
    assert contrast_ratio(present.COLORS[fg], present.COLORS[bg]) >= 4.5


def test_contrast_ratio_known_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") < 4.5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bel mij op 06-12345678 aub", "Bel mij op [telefoonnummer] aub"),
        ("nummer +31 6 1234 5678.", "nummer [telefoonnummer]."),
        ("meldpunt 010 - 236 52 56", "meldpunt [telefoonnummer]"),
        ("BSN 123456782", "BSN [BSN]"),
        ("BSN 1234.56.782 van hem", "BSN [BSN] van hem"),
        ("BSN 123 456 782", "BSN [BSN]"),
        ("mail jan.jansen@rotterdam.nl of j@x.org", "mail [e-mailadres] of [e-mailadres]"),
        ("rekening NL91 ABNA 0417 1643 00", "rekening [rekeningnummer]"),
    ],
)
def test_redact(text, expected):
    assert present.redact(text) == expected


@pytest.mark.parametrize(
    "text", ["in 2024 en 2025", "artikel 273f Sr", "om 8:30 uur", "12-03-2024", "3 mensen"]
)
def test_redact_leaves_ordinary_numbers(text):
    assert present.redact(text) == text


def test_plain_answer_for_the_clipboard():
    answer = Answer(
        question="q",
        answer="Bel voor advies of een melding het ESSM: 010 - 236 52 56 [1].\nStatus: open.\n\n"
        "Meld het [2].",
        body="Meld het [2].",
        card_marker="[1]",
        citations=[
            cite(1, highlight="Arbeidsuitbuiting meld je bij het meldpunt."),
            cite(2, text="<b>Tekst</b>"),
        ],
        situational=True,
        meldpunt=MELDPUNT_OPEN,
    )
    out = present.plain_answer(answer)
    assert out.splitlines()[0] == (
        "Bel het Meld- en adviespunt mensenhandel (ESSM): 010 - 236 52 56 [1] "
        "(dagelijks 8:30–22:00; nu bereikbaar (tot 22:00 uur))."
    )
    assert "Meld het [2]." in out
    assert "[1] A › B (dossier.txt): “Arbeidsuitbuiting meld je bij het meldpunt.”" in out
    assert "[2] A › B (dossier.txt): “<b>Tekst</b>”" in out  # plain text: nothing escaped, nothing rendered
    assert "**" not in out and "<mark>" not in out and "\\" not in out


def test_plain_answer_out_of_scope():
    answer = Answer(
        question="q",
        answer="Dat staat niet in het dossier. Vraag de VAR.",
        out_of_scope=True,
        citations=[cite(1)],
    )
    assert present.plain_answer(answer) == "Dat staat niet in het dossier. Vraag de VAR."
