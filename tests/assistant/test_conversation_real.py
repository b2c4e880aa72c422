"""Conversations and situational answers on the real index and model (own sentences, not eval items)."""

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def real_assistant(dossier_index):
    from assistant.core import Assistant

    return Assistant(dossier_index)


def _turns(assistant, questions):
    history, answers = [], []
    for q in questions:
        answer = assistant.ask(q, history)
        answers.append(answer)
        history += [{"role": "user", "content": q}, {"role": "assistant", "content": answer.answer}]
    return answers


def test_a_lookup_and_an_out_of_scope_turn_after_a_situation(real_assistant):
    situation, lookup, oos = _turns(
        real_assistant,
        [
            "Een schoonmaker vertelt dat zijn baas zijn loon inhoudt en hem laat slapen in het magazijn.",
            "Hoeveel VR-brillen kan een gemeente lenen?",
            "Hoe vraag ik een omgevingsvergunning voor een dakkapel aan?",
        ],
    )
    assert situation.situational and situation.meldpunt is not None and not situation.out_of_scope
    assert not lookup.situational and lookup.meldpunt is None and "10 VR-brillen" in lookup.answer
    assert oos.out_of_scope and not oos.situational


def test_followups_that_refer_back_are_read_with_their_subject(real_assistant):
    first, second, third = _turns(
        real_assistant,
        ["Wat is de e-learning BUIT?", "hoe lang duurt die?", "en is hij geaccrediteerd?"],
    )
    assert "maximaal 30 minuten" in second.answer
    assert "niet geaccrediteerd" in third.answer and not third.out_of_scope


def test_an_elliptic_turn_after_a_referral_question_is_a_referral_too(real_assistant):
    _first, second = _turns(real_assistant, ["Where can I report forced labour?", "and sexual exploitation?"])
    assert second.situational and second.meldpunt is not None


def test_a_situational_answer_quotes_what_to_do_not_what_shares_a_word(real_assistant):
    answer = real_assistant.ask("Ik vermoed seksuele uitbuiting bij een bewoonster, hoe handel ik?")
    assert answer.situational and "236 52 56" in answer.answer
    body = answer.answer.lower()
    assert "sekswerkkamer" not in body and "vr-brillen" not in body
    assert any(w in body for w in ("signal", "meld", "advies", "aanspreekpunt", "vervolgstap"))
