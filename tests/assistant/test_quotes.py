"""The quote model (assistant/quotes.py), the choice of sentences, and the off-topic examples."""

import json

import numpy as np
import pytest

from assistant import answertype, quotes
from assistant.answer import Sentence
from assistant.quotes import choose
from index.lexical import tokenize


def _s(text, hit=0, position=0, **kw):
    return Sentence(text, hit, position, set(tokenize(text)), **kw)


def test_the_most_likely_sentence_is_quoted_with_the_window_after_it():
    first = _s("De opvang biedt een bed en begeleiding.", position=0)
    second = _s("Zij blijven er hooguit zes weken.", position=1)
    other = _s("Elders wordt ook gesport.", hit=1, position=0)
    chosen = choose([first, second, other], [2.0, -3.0, -4.0], ratio=0.9, limit=3, window=1)
    assert chosen == [first, second]
    assert choose([first, second, other], [2.0, -3.0, -4.0], ratio=0.9, limit=3, window=0) == [first]


def test_the_window_goes_on_in_the_passage_that_continues_the_last_sentence():
    lead = _s("Het programma is een afspraak tussen gemeenten.", hit=0, position=0)
    listed = _s("Afgesproken is dat elke gemeente: - een plan heeft;", hit=2, position=0)
    other = _s("Elders wordt ook gesport.", hit=1, position=0)
    sentences, logits = [lead, other, listed], [2.0, -4.0, -5.0]
    assert choose(sentences, logits, {0: 2}, ratio=0.9, limit=3, window=1) == [lead, listed]
    assert choose(sentences, logits, {}, ratio=0.9, limit=3, window=1) == [lead]  # no passage continues it
    after = _s("Het loopt tot 2026.", hit=0, position=1)  # not its passage's last sentence: no jump
    assert choose(
        [lead, after, other, listed], [2.0, -3.0, -4.0, -5.0], {0: 2}, ratio=0.9, limit=3, window=1
    ) == [
        lead,
        after,
    ]


def test_nearly_as_likely_sentences_from_other_passages_are_added_up_to_the_limit():
    a, b, c = _s("Zin een over de tafel.", 0), _s("Zin twee over het netwerk.", 1), _s("Zin drie.", 2)
    assert choose([a, b, c], [1.0, 0.9, 0.8], ratio=0.5, limit=2, window=0) == [a, b]
    assert choose([a, b, c], [3.0, -3.0, -3.0], ratio=0.5, limit=3, window=0) == [a]


def test_a_list_lead_in_brings_its_items():
    lead = _s("De coördinator heeft drie taken:", position=0, opens_list=True)
    items = [_s(t, position=i, item=True) for i, t in enumerate(["plannen;", "bellen;", "verslag maken."], 1)]
    chosen = choose([lead, *items], [2.0, -5.0, -5.0, -5.0], ratio=0.9, limit=4, window=0)
    assert chosen == [lead, *items]


def test_the_items_of_a_quoted_list_do_not_count_against_the_limit():
    lead = _s("Het plan kent de volgende doelen.", position=0, opens_list=True)
    items = [_s(t, position=i, item=True) for i, t in enumerate(["Zicht op omvang", "Samenwerking"], 1)]
    other = _s("Elders staat nog iets anders.", hit=1, position=0)
    sentences, logits = [lead, *items, other], [2.0, -5.0, -5.0, 1.9]
    assert choose(sentences, logits, ratio=0.5, limit=2, window=0) == [lead, *items, other]
    assert choose(sentences, logits, ratio=0.5, limit=1, window=0) == [lead, items[0]]  # up to `limit` items


def test_a_sentence_whose_end_was_lost_is_not_quoted_while_another_can_be():
    lost = _s("De doelen zijn uitgewerkt in een .", position=0)
    whole = _s("Het plan is in 2023 opgesteld.", position=1)
    assert choose([lost, whole], [3.0, 1.0], ratio=0.1, limit=2, window=0) == [whole]
    assert choose([lost], [3.0], ratio=0.1, limit=2, window=0) == [lost]  # nothing else: better than none
    assert quotes.best([lost, whole], [3.0, 1.0])[0] is whole


def test_a_heading_is_never_the_quote_unless_only_it_holds_the_fact():
    heading = _s("Gratis cursus", position=-1, heading=True)
    text = _s("De cursus duurt een ochtend.", position=0)
    assert choose([heading, text], [3.0, 1.0], ratio=0.9, limit=2, window=0) == [text]
    heading.entity = True
    assert heading in choose([heading, text], [3.0, 1.0], ratio=0.5, limit=2, window=0)


def test_the_fact_the_best_passage_holds_comes_before_another_passages():
    text = _s("De cursus duurt een ochtend.", hit=0, position=0)
    heading = _s("Gratis cursus", hit=0, position=-1, heading=True, entity=True)
    # one of the dossier's own questions: never quoted for itself, but it holds the fact too
    elsewhere = _s("Wil je een andere training kosteloos volgen?", hit=1, position=0, entity=True)
    chosen = choose([text, heading, elsewhere], [3.0, 2.0, 2.5], ratio=0.5, limit=2, window=0)
    assert chosen == [text, heading]


def test_type_fit_reads_numbers_written_as_words_and_durations():
    def fit(kind, text, noun=""):
        return quotes.type_fit(
            kind, text, lower_words=set(), query="", noun_stems=set(tokenize(noun)), stem=tokenize
        )

    assert (
        fit(answertype.NUMBER, "Er zijn Twaalf Regionale Steunpunten (RSP's) in het land.", "steunpunten")
        == 1.0
    )
    assert fit(answertype.NUMBER, "Het team telt 4 mensen.", "steunpunten") == 0.5  # a number, not of them
    assert fit(answertype.NUMBER, "Het team is klein.", "steunpunten") == 0.0
    assert fit(answertype.DURATION, "Bewoners blijven maximaal zes weken.") == 1.0
    assert fit(answertype.WHERE, "Je kunt terecht bij het Steunpunt Zuid.") == 1.0


def test_where_questions_want_a_place_or_contact():
    assert answertype.WHERE in answertype.answer_types("Waar kan ik terecht met een vraag?")
    assert answertype.WHERE not in answertype.answer_types("Waarom is dat zo?")


def test_features_mark_the_dossiers_own_questions_and_fragments(tiny_index):
    from assistant.answer import candidates
    from assistant.core import Assistant
    from assistant.query import prepare
    from assistant.retrieve import Hit
    from tests.fakes import HashEmbedder

    assistant = Assistant(index=tiny_index, embedder=HashEmbedder())
    state = assistant._current()
    chunk = tiny_index.chunks[0]
    hits = [Hit(chunk=chunk, score=1.0, dense=0.5)]
    sentences = candidates(hits, state.sentences)
    sentences.append(_s("Wat doe je dan?", position=0))
    sentences.append(_s("Zie ook", position=1))
    query = prepare("Wat is mensenhandel?", state.vocab)
    X = quotes.features(query, hits, sentences, None, state.vectors, state.idf, state.lower_words)
    col = {f: i for i, f in enumerate(quotes.FEATURES)}
    assert X.shape == (len(sentences), len(quotes.FEATURES))
    assert X[-2, col["rhetorical"]] == 1.0 and X[0, col["rhetorical"]] == 0.0
    assert X[-1, col["fragment"]] == 1.0


def test_shipped_weights_are_on_standardised_features(tmp_path):
    model = {
        "coef": {f: 0.0 for f in quotes.FEATURES} | {"cosine": 2.0},
        "intercept": -1.0,
        "mean": {f: 0.0 for f in quotes.FEATURES} | {"cosine": 0.8},
        "scale": {f: 1.0 for f in quotes.FEATURES} | {"cosine": 0.05},
        "ratio": 0.5,
        "limit": 3,
        "window": 1,
    }
    path = tmp_path / "quotes.json"
    path.write_text(json.dumps(model))
    X = np.zeros((2, len(quotes.FEATURES)))
    X[:, 0] = [0.8, 0.85]
    z = quotes.score(X, quotes.load_weights(path))
    assert z == pytest.approx([-1.0, -1.0 + 2.0 * 0.05 / 0.05])
    assert quotes.selection(path) == {"ratio": 0.5, "limit": 3, "window": 1}


def test_the_shipped_model_prefers_a_close_sentence_that_holds_the_type():
    coef, _ = quotes.load_weights()
    col = {f: i for i, f in enumerate(quotes.FEATURES)}
    assert coef[col["cosine"]] > 0 and coef[col["cos_gap"]] < 0 and coef[col["lexical"]] > 0
    # Of two sentences of a question that asks for a type, the one holding it scores higher. (The weights
    # are fitted per question, so only this difference means something, not the sign of type_miss.)
    assert coef[col["type_fit"]] > coef[col["type_miss"]]
    sure, _ = quotes.load_weights(part="confidence")
    assert sure[col["cosine"]] > 0 and sure[col["type_fit"]] > 0 > sure[col["type_miss"]]
    assert not np.allclose(sure, coef)  # a model of its own, not the choice model again


def test_logistic_regression_learns_a_separable_signal():
    from bench.quotefit import fit

    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = (X[:, 1] + 0.1 * rng.normal(size=400) > 0.5).astype(float)
    coef, _ = fit(X, y)
    assert coef[1] > 3 * max(abs(coef[0]), abs(coef[2]))


def test_listwise_fit_learns_which_sentence_of_a_question_answers():
    """Every question has one sentence that answers (its feature 1 is the highest); feature 0 tells the
    questions apart but not their sentences. The fit finds feature 1, and its probabilities are calibrated:
    the answering sentences get far more of it than the others."""
    from bench.quotefit import fit_listwise

    rng = np.random.default_rng(1)
    groups = []
    for _ in range(60):
        X = rng.normal(size=(8, 2))
        X[:, 0] = rng.normal()  # the same for every sentence of the question
        y = np.zeros(8)
        y[int(np.argmax(X[:, 1]))] = 1.0
        groups.append({"X": X, "y": y})
    coef, intercept = fit_listwise(groups)
    assert coef[1] > 3 * abs(coef[0])
    X = np.vstack([g["X"] for g in groups])
    y = np.concatenate([g["y"] for g in groups])
    p = 1 / (1 + np.exp(-(X @ coef + intercept)))
    assert p[y == 1].mean() > 3 * p[y == 0].mean()
    assert abs(p.sum() - y.sum()) < 0.2 * y.sum()  # calibrated: as many expected as there are


def test_off_topic_examples_are_close_to_themselves_and_not_to_the_dossier():
    from assistant.offtopic import OffTopic, examples
    from tests.fakes import HashEmbedder

    emb = HashEmbedder()
    off = OffTopic(emb)
    assert off.closeness(emb.embed_query(examples()[0])) == pytest.approx(1.0, abs=1e-5)
    assert off.closeness(emb.embed_query("seksuele uitbuiting arbeidsuitbuiting")) < 0.9
    assert off.closeness(None) == 0.0


def test_off_topic_vectors_are_cached_and_reused(tmp_path):
    from assistant.offtopic import OffTopic

    calls = []

    class Counting:
        name = "tel"

        def embed_query(self, text):
            calls.append(text)
            v = np.ones(4, np.float32)
            return v / np.linalg.norm(v)

    OffTopic(Counting(), tmp_path)
    n = len(calls)
    OffTopic(Counting(), tmp_path)
    assert n > 0 and len(calls) == n


def test_the_dossiers_own_questions_are_not_quoted_as_answers():
    asks = _s("Twijfel je over wat je zag?", position=0)
    answers = _s("Dan kun je het steunpunt bellen.", position=1)
    assert choose([asks, answers], [2.0, 0.0], ratio=0.9, limit=1, window=0) == [answers]


def test_a_sentence_opening_a_list_of_questions_is_not_a_question_itself():
    assert quotes.asks("Twijfel je over een signaal?")
    assert quotes.asks("Wil je meedoen met een groep van minstens tien mensen?")
    opener = "Op deze gratis middag komen aan bod: - Hoe herken ik signalen?"
    assert not quotes.asks(opener)
    s = [_s(opener), _s("Meer staat op de website.", hit=1)]
    assert choose(s, [2.0, 0.0], ratio=0.9, limit=2, window=0) == [s[0]]
