"""The page's example questions show the product at its best: each is asked on the real index and its
answer holds what the dossier says about it (evidence labelled here, from the dossier's own text)."""

import pytest

from assistant import eval as ev

pytestmark = pytest.mark.integration

PHONE = "010 - 236 52 56"
# example -> (evidence every string of which the answer text must hold, situational: the meldpunt card)
EXPECTED = {
    "Waar meld ik arbeidsuitbuiting?": ([PHONE], None),
    "Wat doet een aandachtsfunctionaris mensenhandel?": (
        ["aanspreekpunt voor collega’s die"],
        False,
    ),
    "Hoe verschilt mensenhandel van mensensmokkel?": (
        ["illegaal helpen en vervoeren van mensen over landsgrenzen", "draait om dwang en uitbuiting"],
        False,
    ),
    "Ik vermoed uitbuiting bij een inwoner, wat moet ik doen?": ([PHONE], True),
}


@pytest.fixture(scope="module")
def real_assistant(dossier_index):
    from assistant.core import Assistant

    return Assistant(dossier_index)


def test_every_example_has_labelled_evidence():
    import ui

    assert list(EXPECTED) == list(ui.EXAMPLES)


@pytest.mark.parametrize("question", list(EXPECTED))
def test_example_is_answered_with_its_evidence(real_assistant, question):
    evidence, situational = EXPECTED[question]
    answer = real_assistant.ask(question, [])
    assert not answer.out_of_scope, answer.answer
    for needle in evidence:
        assert ev.evidence_in([needle], answer.answer), f"{needle!r} ontbreekt in:\n{answer.answer}"
    if situational is not None:
        assert answer.situational is situational and (answer.meldpunt is not None) is situational
    assert ev.markers_valid(answer.answer, len(answer.citations))
    assert len(answer.answer) < 1200, answer.answer  # short enough to read on a phone
