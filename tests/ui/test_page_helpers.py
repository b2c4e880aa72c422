"""The page's helpers without a browser: answer messages, dossier search, kept conversation, HTML."""

import re
from datetime import datetime

from assistant.types import Answer, Citation, Meldpunt, Referral
from page import dossier, htmlpage, message, stored

HOSTILE = '<img src=x onerror="alert(1)"> <script>alert(2)</script> [klik](javascript:alert(3))'
MELDPUNT = Meldpunt(name="Meldpunt X", phone="010 - 111 22 33", hours="dagelijks 9–17", open_now=True)


def cite(n, text="Eerste zin van de passage. Tweede zin staat hier.", highlight="", section="Deel › Stuk"):
    return Citation(
        n=n, chunk_id=f"c{n}", source="d.txt", section=section, text=text, score=0.5, highlight=highlight
    )


def answer(**kw):
    base = dict(
        question="Wat staat er?",
        answer="Tweede zin staat hier [1]. Meer [2]. Geen bron [7].",
        citations=[cite(1, highlight="Tweede zin staat hier."), cite(2, text=HOSTILE)],
    )
    return Answer(**{**base, **kw})


def test_markers_link_to_their_sources_in_this_message():
    out = message.answer_message(answer(), key=5)
    assert re.findall(r'href="#bron-5-(\d+)"', out) == ["1", "2"]  # [7] cites nothing: stays text
    assert "[7]" in out and 'id="bron-5-1"' in out and 'id="bron-5-2"' in out
    assert 'id="naar-dossier-5-1"' in out and 'id="naar-dossier-5-2"' in out
    assert "<blockquote><mark>Tweede zin staat hier.</mark></blockquote>" in out


def test_source_blocks_have_no_blank_line_so_markdown_keeps_them_whole():
    out = message.answer_message(answer(citations=[cite(1, text="Alinea een.\n\nAlinea twee.")]), key=1)
    block = re.search(r'<section class="bron".*?</section>', out, re.DOTALL).group(0)
    assert "\n\n" not in block and "Alinea een.<br><br>Alinea twee." in block


def test_hostile_passage_stays_text_in_the_message():
    out = message.answer_message(answer(), key=1)
    assert "<img" not in out and "<script" not in out and "javascript:" not in out.replace("(javascript:", "")
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in out
    tags = set(re.findall(r"<([a-z]+)", out))
    assert tags <= {"a", "span", "section", "p", "strong", "blockquote", "mark", "details", "summary", "br",
                    "button", "div"}  # fmt: skip
    hrefs = re.findall(r'href="([^"]*)"', out)
    assert all(h.startswith("#bron-") for h in hrefs), hrefs


def test_copy_block_holds_the_plain_answer_on_one_line():
    out = message.answer_message(answer(situational=True, meldpunt=MELDPUNT), key=3)
    hidden = re.search(r'<div class="platte-tekst">(.*?)</div>', out).group(1)
    assert "\n" not in hidden and "&#10;&#10;Bronnen:&#10;[1] Deel › Stuk (d.txt)" in hidden
    assert 'class="kopieer"' in out


def test_out_of_scope_has_no_sources_and_nothing_to_copy():
    out = message.answer_message(answer(answer="Dat staat niet in het dossier.", out_of_scope=True), key=1)
    assert out == "**Dat staat niet in het dossier.**"


def test_search_ignores_case_and_accents_and_counts_hits():
    sections = {
        "A › Opvang": "De crisisopvang is vol. Crisisopvang bellen.",
        "B": "Cliënt en client.",
        "C": "Niets.",
    }
    assert dossier.search(sections, "crisisopvang") == [dossier.Hit("A › Opvang", 2)]
    assert dossier.search(sections, "CLIENT") == [dossier.Hit("B", 2)]
    assert dossier.search(sections, "opvang") == [dossier.Hit("A › Opvang", 3)]  # the title counts too
    assert dossier.search(sections, "x") == []  # too short to search


def test_find_all_maps_back_to_the_original_text():
    text = "Eén Café, één cafe."
    assert [text[a:b] for a, b in dossier.find_all(text, "cafe")] == ["Café", "cafe"]


def test_section_html_marks_the_passage_and_its_sentence():
    text = "Intro.\n\nDe passage begint. De zin die telt.\n\nSlot."
    out = dossier.section_html(
        "A › B", text, passage="De passage begint. De zin die telt.", sentence="De zin die telt."
    )
    assert (
        '<p class="passage" id="passage" tabindex="-1">De passage begint. '
        '<mark id="zin">De zin die telt.</mark></p>' in out
    )
    assert "<p>Intro.</p>" in out and "<p>Slot.</p>" in out


def test_section_html_marks_search_hits_and_escapes():
    out = dossier.section_html(
        "<b>A</b>", "Crisisopvang <script>x</script> en crisisopvang.", query="crisisopvang"
    )
    assert out.count("<mark") == 2 and '<mark id="treffer">Crisisopvang</mark>' in out
    assert "<script>" not in out and "&lt;b&gt;A&lt;/b&gt;" in out


def test_conversation_round_trips_through_the_browser_storage():
    refused = answer(out_of_scope=True, citations=[], referral=Referral(name="De VAR", text="Vraag de VAR."))
    card = answer(situational=True, meldpunt=MELDPUNT, body="Rest [1].")
    turns = [("Vraag één?", card), ("Twee?", refused)]
    data = stored.to_storage(turns)
    back = stored.from_storage(data)
    assert back == turns
    assert back[0][1].citations[0].highlight == "Tweede zin staat hier."


def test_unreadable_storage_is_an_empty_conversation_not_an_error():
    for junk in (None, "x", [], {"v": 99, "turns": []}, {"v": 1, "turns": "x"}):
        assert stored.from_storage(junk) == []
    good = stored.to_storage([("Q?", answer())])
    good["turns"] += [{"q": "kapot"}, {"q": "ook", "a": {"citations": 5}}, 3]
    assert [q for q, _ in stored.from_storage(good)] == ["Q?"]


def test_transcript_has_questions_answers_and_sources_as_plain_text():
    text = stored.transcript([("Wat staat er?", answer())], when=datetime(2026, 1, 2, 9, 30))
    assert "Opgeslagen op 02-01-2026 09:30" in text
    assert "Vraag 1: Wat staat er?" in text and "Bronnen:\n[1] Deel › Stuk (d.txt)" in text
    assert stored.transcript_name(datetime(2026, 1, 2, 9, 30)) == "vraagbaak-gesprek-2026-01-02-0930.txt"


def test_served_html_becomes_dutch_and_loses_foreign_meta_tags():
    page = (
        '<!doctype html>\n<html\n\tlang="en"\n\tstyle="x">\n<head>\n<meta charset="utf-8" />\n'
        '<meta property="og:title" content="Gradio" />\n<meta\n\t\tproperty="og:image"\n'
        '\t\tcontent="https://example.org/a.jpg"\n\t/>\n<meta name="twitter:card" content="x" />\n'
        '<meta name="viewport" content="width=device-width" />\n</head><body></body></html>'
    )
    out = htmlpage.dutch_html(page)
    assert re.search(r'<html\s+lang="nl"', out)
    assert "<title>Vraagbaak mensenhandel</title>" in out
    assert "og:" not in out and "twitter:" not in out and "https://" not in out
    assert 'name="viewport"' in out
