"""Definition questions and the sentences that define their term."""

import pytest

from assistant.definition import defines, is_definition_question


@pytest.mark.parametrize(
    "question",
    [
        "Wat is een sleutelfiguur?",
        "wat houdt de meldplicht in",
        "Wat wordt verstaan onder uitbuiting?",
        "What is a shelter?",
        "Wat is het verschil tussen een opvang en een huis?",
    ],
)
def test_definition_questions(question):
    assert is_definition_question(question)


@pytest.mark.parametrize("question", ["Wie zit het overleg voor?", "Hoe lang duurt de cursus?"])
def test_other_questions(question):
    assert not is_definition_question(question)


def test_a_sentence_that_opens_by_defining_the_term():
    stems = lambda w: [w.lower()]  # noqa: E731 — the stemmer is the caller's
    assert defines("Uitbuiting is het misbruiken van iemand.", stems, {"uitbuiting"})
    assert defines("Uitbuiting: het misbruiken van iemand.", stems, {"uitbuiting"})
    assert not defines("Zij onderzoeken uitbuiting in de regio.", stems, {"uitbuiting"})
    assert not defines("Uitbuiting zijn vele vormen.", stems, {"uitbuiting"})  # plural: describes
