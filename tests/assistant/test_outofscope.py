"""The learned out-of-scope model: its file, its place in the refusal rule, and the shipped weights."""

import dataclasses

import numpy as np
import pytest

from assistant import outofscope, scope
from assistant.outofscope import OutOfScopeModel


def _signals(**kw):
    base = dict(
        coverage=1.0,
        novelty=0.0,
        codes=[],
        top_coverage=1.0,
        top_lexical=5.0,
        top_dense=0.9,
        top_fused=1.0,
        types=(),
        types_ok=True,
        unknown=[],
        top_sentence=0.9,
        top_quote=0.8,
        off_topic=-0.1,
    )
    return scope.Signals(**{**base, **kw})


def _model(threshold=0.9):
    # leans on the first embedding dimension and on off_topic (the first signal)
    weights = np.zeros(3 + len(outofscope.SIGNALS))
    weights[0], weights[3] = 4.0, 2.0
    return OutOfScopeModel(weights, -2.0, threshold, np.zeros(6), np.ones(6), "abc")


def test_probability_follows_the_embedding_and_the_signals():
    model = _model()
    near = model.probability([0.0, 0.0, 0.0], _signals())
    far = model.probability([1.0, 0.0, 0.0], _signals(off_topic=0.5))
    assert 0.0 < near < 0.5 < far < 1.0


def test_model_round_trips_through_json():
    model = _model(0.93)
    again = OutOfScopeModel.from_json(model.to_json())
    assert again.threshold == 0.93 and again.data_sha256 == "abc"
    v, s = [0.3, -0.1, 0.2], _signals(top_quote=0.1)
    assert again.probability(v, s) == pytest.approx(model.probability(v, s), abs=1e-6)


def test_refusal_rule_uses_the_models_probability_at_its_threshold():
    t = scope.Thresholds(
        min_lexical=0.0, min_dense=0.0, min_sentence=0.0, max_off_topic=1.0, max_off_scope=0.9
    )
    assert not scope.refuse(_signals(off_scope=0.89), t)
    assert scope.refuse(_signals(off_scope=0.9), t)
    never = dataclasses.replace(t, max_off_scope=2.0)
    assert not scope.refuse(_signals(off_scope=1.0), never)


def test_shipped_model_names_the_data_it_learned_from():
    from bench import oosfit

    model = outofscope.shipped()
    assert model is not None
    assert model.data_sha256 == oosfit.data_digest()
    assert model.weights.shape == (384 + len(outofscope.SIGNALS),)
    assert 0.5 <= model.threshold < 1.0
    assert scope.learned_threshold() == model.threshold


def test_followup_examples_are_left_out_of_the_out_of_scope_data():
    from bench import oosfit

    texts = [t for t, _ in oosfit.labelled()]
    assert "what's their website?" not in texts  # a follow-up: means nothing alone
    assert sum(oos for _, oos in oosfit.labelled()) >= 100
