"""The situational classifier: training (Newton on toy data), thresholds, the shipped model file."""

import json

import numpy as np
import pytest

from assistant import situation
from assistant.intent import Situational
from assistant.situation import Detector, SituationModel, choose_threshold, fit, related_threshold


def _toy(n=40, seed=0):
    rng = np.random.default_rng(seed)
    x = np.vstack([rng.normal(1.0, 0.5, (n, 3)), rng.normal(-1.0, 0.5, (n, 3))])
    y = np.array([1.0] * n + [0.0] * n)
    return x, y


def test_fit_separates_and_is_deterministic():
    x, y = _toy()
    w, b = fit(x, y)
    pred = 1 / (1 + np.exp(-(x @ w + b))) >= 0.5
    assert (pred == (y > 0)).mean() >= 0.95
    w2, b2 = fit(x, y)
    assert np.array_equal(w, w2) and b == b2


def test_cross_validation_gives_out_of_fold_probabilities():
    x, y = _toy()
    probs = situation.cross_validated(x, y, folds=5)
    assert probs.shape == y.shape and ((probs >= 0.5) == (y > 0)).mean() >= 0.9


def test_threshold_weighs_a_miss_above_a_needless_card():
    probs = np.array([0.95, 0.9, 0.6, 0.25, 0.3, 0.1])
    y = np.array([1, 1, 1, 1, 0, 0])
    assert 0.1 < choose_threshold(probs, y, miss_cost=4) <= 0.25  # one card (1) < one miss (4)
    assert choose_threshold(probs, y, miss_cost=0.5) == 0.6  # cheap misses: the miss is taken
    # a situation a rule takes is not missed, whatever the threshold
    ruled = np.array([False, False, False, True, False, False])
    assert choose_threshold(probs, y, ruled, miss_cost=4) == 0.6


def test_related_threshold_best_accuracy_lowest_on_ties():
    scores = np.array([0.9, 0.8, 0.6, 0.4, 0.2])
    same = np.array([True, True, True, False, False])
    t, acc = related_threshold(scores, same)
    assert acc == 1.0 and 0.4 < t <= 0.6 and t == 0.41


def test_model_round_trips_through_json(tmp_path):
    model = SituationModel(
        np.array([0.5, -1.0]), 0.25, 0.4, domain_weights=np.array([1.0, 0.0]), domain_bias=-1.0, related=0.6
    )
    path = tmp_path / "m.json"
    path.write_text(model.to_json(), encoding="utf-8")
    back = SituationModel.load(path)
    assert np.allclose(back.weights, model.weights) and back.bias == 0.25 and back.threshold == 0.4
    assert back.related == 0.6 and np.allclose(back.domain_weights, model.domain_weights)
    assert back.on_subject([1.0, 0.0]) == pytest.approx(0.5)
    assert back.probability([1.0, 0.0]) == pytest.approx(1 / (1 + np.exp(-0.75)))


def test_the_vote_weighs_the_nearest_examples_and_balances_the_classes():
    labels = np.array([1.0, 0.0, 0.0, 0.0])  # one situation among four examples
    near_situation = np.array([[0.9, 0.5, 0.5, 0.5]])
    assert situation.vote(near_situation, labels, share=0.25, k=4)[0] > 0.99
    # as close to the situation as to one look-up: a situation, a quarter of the examples, weighs three
    even = np.array([[0.7, 0.7, 0.1, 0.1]])
    assert situation.vote(even, labels, share=0.25, k=4)[0] == pytest.approx(0.75, abs=1e-6)
    assert situation.vote(even, labels, share=0.5, k=4)[0] == pytest.approx(0.5, abs=1e-6)
    assert situation.vote(even, labels, share=0.25, k=1)[0] in (0.0, 1.0)  # the nearest alone


def test_a_model_with_examples_averages_regression_and_vote(tmp_path):
    examples = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    model = SituationModel(np.array([0.0, 0.0]), 0.0, 0.5, examples=examples, labels=np.array([1.0, 0.0]))
    assert model.probability([1.0, 0.0]) == pytest.approx((0.5 + 1.0) / 2)  # regression 0.5, vote 1
    model.save(tmp_path / "m.json")
    back = SituationModel.load(tmp_path / "m.json")
    assert np.allclose(back.examples, examples) and list(back.labels) == [1.0, 0.0]
    assert back.probability([0.0, 1.0]) == pytest.approx(0.25)


def test_detector_combines_rules_and_classifier_with_a_fake_embedding():
    # dimension 0 = "situation-ness" of the fake embedding, dimension 1 = on the dossier's subject
    model = SituationModel(np.array([4.0, 0.0]), -2.0, 0.5, domain_weights=np.array([0.0, 4.0]), related=0.9)
    fake = {"Een man slaapt in de loods.": [1.0, 0.0], "Welke taken heeft de AVIM?": [0.0, 1.0]}
    det = Detector(model, embed_query=lambda t: np.array(fake.get(t, [0.0, 1.0])))
    # (a turn is "related" to the previous one while it stays on the dossier's subject)
    assert det.classify("Een man slaapt in de loods.").situational
    assert not det.classify("Welke taken heeft de AVIM?").situational
    assert det.classify("Ik twijfel over de AVIM.").rule == "doubt"  # the rule, whatever the model says
    assert det.related("Welke taken heeft de AVIM?", "Een man slaapt in de loods.")
    assert not det.related("Een man slaapt in de loods.", "Welke taken heeft de AVIM?")


def test_an_unsure_situational_call_after_a_look_up_is_judged_with_it():
    model = SituationModel(np.array([4.0, 0.0]), -2.0, 0.5, domain_weights=np.array([0.0, 4.0]), related=0.9)
    lookup, turn = "Wat doet de inspectie?", "Heeft die ook mensen in het netwerk?"
    case = "Een man slaapt in de loods."
    fake = {
        lookup: [0.0, 1.0],
        turn: [0.7, 1.0],  # p = 0.69: situational, not sure
        f"{lookup} {turn}": [0.2, 1.0],  # with the look-up before it: p = 0.23
        case: [1.0, 0.0],  # p = 0.88: sure
        f"{case} {turn}": [0.9, 0.0],
        f"{lookup} {case}": [0.8, 0.0],
    }
    det = Detector(model, embed_query=lambda t: np.array(fake[t]))
    alone = det.classify(turn)
    assert alone.situational and not alone.rule
    assert not det.in_context(turn, lookup, alone).situational
    assert det.in_context(turn, None, alone) == alone  # no conversation before it
    assert det.in_context(turn, case, alone) == alone  # after a situation
    sure = det.classify(case)
    assert det.in_context(case, lookup, sure).situational  # a clear situation keeps the card
    # a follow-up read with the look-up before it: situational only if the turn alone is too
    quiet = det.classify(lookup)
    assert not det.in_context(lookup, lookup, quiet, reading=sure).situational
    assert det.in_context(turn, case, alone, reading=sure).situational  # after a situation: inherited


def test_a_question_of_its_own_right_after_a_situation_is_a_look_up_unless_surely_a_situation():
    after = Detector.after_situation
    assert not after(Situational(True, 0.65)).situational  # unsure: a look-up
    assert after(Situational(True, 0.95)).situational  # a new situation, for sure
    assert after(Situational(True, 0.3, "doubt")).situational  # a doubt of its own
    assert not after(Situational(True, 0.9, "referral")).situational  # whom to call: the card was just given
    assert not after(Situational(False, 0.1)).situational


def test_examples_are_labelled_and_both_languages():
    rows = situation.load_examples()
    labels = {r["label"] for r in rows}
    assert labels == {"situation", "lookup", "out_of_scope"}
    assert len(rows) >= 400
    assert {r["lang"] for r in rows if r["label"] == "situation"} == {"nl", "en"}
    assert len({r["text"] for r in rows}) == len(rows)


def test_shipped_model_names_its_examples():
    model = SituationModel.load()
    assert model.examples_sha256 == situation.examples_digest()
    assert model.weights.shape == (384,) and 0.05 <= model.threshold <= 0.9


@pytest.mark.integration
def test_shipped_model_follows_from_the_shipped_examples():
    # Re-embedding all 1,300 examples takes half a minute of the suite. The shipped vectors are checked
    # against fresh embeddings of a sample of their texts; training then reads the shipped vectors (stored
    # as float16, hence the looser tolerance on the weights) and must give the shipped model.
    shipped = SituationModel.load()
    rows = situation.load_examples() + situation.set_examples()
    assert len(rows) == len(shipped.examples)
    e5 = situation.e5_model()
    sample = np.random.default_rng(7).choice(len(rows), 60, replace=False)
    fresh = e5.embed_queries([rows[i]["text"] for i in sample])
    # The C engine's arithmetic differs a little per CPU (its SIMD path): up to 2.3e-3 seen on one machine.
    assert np.allclose(fresh, shipped.examples[sample], atol=5e-3)
    table = {r["text"]: v for r, v in zip(rows, shipped.examples, strict=True)}

    def embed(texts):
        new = [t for t in texts if t not in table]
        table.update(zip(new, e5.embed_queries(new) if new else [], strict=True))
        return np.array([table[t] for t in texts])

    result = situation.train(embed)
    assert result.model.threshold == shipped.threshold
    assert result.model.related == shipped.related
    assert np.allclose(result.model.weights, shipped.weights, atol=2e-2)
    assert np.allclose(result.model.examples, shipped.examples, atol=1e-3)
    assert np.array_equal(result.model.labels, shipped.labels)
    assert abs(result.model.bias - shipped.bias) < 1e-2
    assert result.recall >= 0.97 and result.false_positive <= 0.12
    assert json.loads(shipped.to_json())["model"] == "multilingual-e5-small"
