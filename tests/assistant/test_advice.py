"""Situational quotes chosen with the model: what to do over what merely shares the situation's words."""

import numpy as np

from assistant.advice import ACTION, AdviceRanker
from assistant.answer import Sentence

# A fake 3-d embedding: dimension 0 = about acting (report, advice), 1 = about sex work, 2 = other.
VECTORS = {
    ACTION: [1.0, 0.0, 0.0],
    "Bel bij twijfel het adviespunt, ook anoniem, voor advies over de vervolgstappen.": [0.9, 0.1, 0.0],
    "Creëer een volledig ingerichte pop-up kamer voor een workshop over sekswerk.": [0.0, 1.0, 0.0],
    "Twijfel je over een signaal en weet je niet wat te doen?": [1.0, 0.0, 0.0],
    "Via": [1.0, 0.0, 0.0],
}


def _unit(v):
    v = np.asarray(v, dtype=np.float32)
    return v / np.linalg.norm(v)


def _ranker(calls):
    def passages(texts):
        calls.extend(texts)
        return np.array([_unit(VECTORS[t]) for t in texts])

    return AdviceRanker(lambda t: _unit(VECTORS[t]), passages)


def _sentence(text, hit=0, position=0):
    return Sentence(text, hit, position, set(text.lower().split()))


def test_what_to_do_comes_first_and_rhetorical_questions_and_fragments_are_not_quoted():
    calls = []
    ranker = _ranker(calls)
    situation = _unit([0.3, 0.7, 0.0])  # a situation in a sex-work setting
    texts = list(VECTORS)[1:]
    ranked = ranker.rank(situation, [_sentence(t, position=i) for i, t in enumerate(texts)])
    assert [s.text for s in ranked] == texts[:2]
    assert ranked[0].text.startswith("Bel bij twijfel")
    # sentence vectors are computed once per sentence, then cached
    ranker.rank(situation, [_sentence(texts[0])])
    assert calls.count(texts[0]) == 1


def test_the_dossiers_answer_to_a_doubt_joins_when_the_situation_is_a_doubt():
    lead = _sentence("Voor een melding kun je het adviespunt bellen, ook anoniem.", 0, 0)
    asked = _sentence("Heb je een vaag gevoel bij een situatie?", 1, 0)
    answer = _sentence("Dan kun je ook daar terecht: 020 555 12 34 (elke dag).", 1, 1)
    other = _sentence("Het adviespunt is bereikbaar via 020 555 12 34.", 2, 0)
    stored = {
        lead.text: _unit([1.0, 0.0, 0.0]),
        asked.text: _unit([0.0, 1.0, 0.0]),
        answer.text: _unit([1, 1, 0]),
    }
    ranker = _ranker([])
    sentences = [lead, asked, answer, other]
    doubting, reporting = _unit([0.3, 1.0, 0.0]), _unit([1.0, 0.3, 0.0])
    assert ranker.answering_doubt(doubting, lead, sentences, stored) is answer
    assert ranker.answering_doubt(reporting, lead, sentences, stored) is None
    assert ranker.answering_doubt(doubting, lead, sentences, {}) is None  # no stored vectors: no choice
