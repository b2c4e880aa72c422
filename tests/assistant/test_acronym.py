"""What an abbreviation stands for: the question, the line that defines it, and where that line is found."""

from types import SimpleNamespace

import pytest

from assistant import acronym
from assistant import answer as ans
from assistant.retrieve import Hit
from index.chunk import Chunk


@pytest.mark.parametrize(
    "question,abbreviation",
    [
        ("Waar staat GGD voor?", "ggd"),
        ("waar staat het uwv eigenlijk voor", "uwv"),
        ("Waar staan de RIEC's voor?", "riec"),
        ("What does the IND stand for?", "ind"),
        ("Wat betekent de afkorting COA?", "coa"),
        ("Wat is de volledige naam van de KMar?", "kmar"),
        ("wat is het cjg voluit", "cjg"),
        # no abbreviation asked
        ("Wat is de GGD?", ""),
        ("Waar kan ik terecht voor advies?", ""),
        ("Wat betekent dwang bij uitbuiting?", "dwang"),  # asked, but no passage will define it
    ],
)
def test_the_question_names_the_abbreviation_it_asks_about(question, abbreviation):
    assert acronym.asked(question) == abbreviation


def test_a_definition_is_a_name_with_the_abbreviation_in_brackets():
    assert acronym.defines("Gemeentelijke Gezondheidsdienst (GGD) Rotterdam", "ggd")
    assert acronym.defines("Tien Regionale Centra (RCC’s) werken samen.", "rcc")
    assert not acronym.defines("De GGD doet onderzoek.", "ggd")
    assert not acronym.defines("Het centrum (zie GGD) werkt samen.", "ggd")
    assert not acronym.defines("Gemeentelijke Gezondheidsdienst (GGD)", "gg")


def _state(chunks):
    return SimpleNamespace(index=SimpleNamespace(chunks=chunks), sentences={})


CHUNKS = [
    Chunk("d.txt", ("Partners", "Centrum Jeugd en Gezin (CJG)"), "Het CJG helpt ouders. Het is gratis.", 0),
    Chunk("d.txt", ("Partners", "Centrum Jeugd en Gezin (CJG)", "Opvoeden"), "Het CJG geeft cursussen.", 1),
    Chunk("d.txt", ("Partners", "Welzijn"), "Het Sociaal Wijkteam (SWT) komt aan huis.", 2),
]


def test_the_defining_heading_is_found_outside_the_hits_and_joins_them_last():
    hits = [Hit(chunk=CHUNKS[1], score=1.0), Hit(chunk=CHUNKS[2], score=0.5)]
    sentences = ans.candidates(hits)
    new_hits, new_sentences, found = acronym.find("Waar staat CJG voor?", hits, sentences, _state(CHUNKS))
    assert [h.chunk for h in new_hits] == [CHUNKS[1], CHUNKS[0]]
    assert found.heading and found.text == "Centrum Jeugd en Gezin (CJG)"
    assert found in new_sentences and new_hits[found.hit].chunk == CHUNKS[0]


def test_a_defining_sentence_among_the_hits_is_taken_as_it_is():
    hits = [Hit(chunk=CHUNKS[2], score=1.0)]
    sentences = ans.candidates(hits)
    new_hits, _, found = acronym.find("What does SWT stand for?", hits, sentences, _state(CHUNKS))
    assert new_hits == hits and found.text == "Het Sociaal Wijkteam (SWT) komt aan huis."


def test_nothing_changes_when_nothing_defines_it_or_nothing_asks():
    hits = [Hit(chunk=CHUNKS[2], score=1.0)]
    sentences = ans.candidates(hits)
    assert acronym.find("Waar staat XQZ voor?", hits, sentences, _state(CHUNKS)) == (hits, sentences, None)
    assert acronym.find("Wat doet het CJG?", hits, sentences, _state(CHUNKS)) == (hits, sentences, None)


@pytest.mark.integration
def test_the_full_name_is_quoted_first_on_the_real_dossier(dossier_index):
    from assistant.core import Assistant

    answer = Assistant(dossier_index).ask("waar staat de NLA eigenlijk voor?")
    assert not answer.out_of_scope
    assert "Nederlandse Arbeidsinspectie (NLA)" in answer.answer.splitlines()[1]
