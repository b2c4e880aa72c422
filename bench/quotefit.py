"""Learn which sentences answer: a conditional logit on sentence features, labelled by evidence.

    .venv/bin/python -m bench.quotefit            # cross-validated report
    .venv/bin/python -m bench.quotefit --write    # ... and write assistant/quotes.json
    .venv/bin/python -m bench.quotefit --pointwise  # the report for the pointwise logistic fit

Labelled data: every candidate sentence of the retrieved passages of the in-scope, non-situational
questions of tests/data/dev, extra_questions, holdout_questions and tuning2..5_questions; a sentence is
positive when it holds (part of) a question's evidence. The report trains on the other sets and tests on
each in turn, so the figures are for questions the weights did not see; `ratio` and `limit`
(how many sentences are quoted) are chosen the same way, for answer_text under a median quote length
of MAX_MEDIAN characters. The frozen sets (officer_*) are never read here.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
SETS = (
    "dev",
    "extra_questions",
    "holdout_questions",
    "tuning2_questions",
    "tuning3_questions",
    "tuning4_questions",
    "tuning5_questions",
)
CONFIDENCE_SETS = SETS[:4]
RATIOS = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
LIMITS = (1, 2, 3, 4, 5, 6)
WINDOWS = (0, 1, 2)
L2 = 1.0
# The quote's median length is held under this many characters: the issue allows 700, but an officer reads
# the answer on a phone during a shift, and past about 500 the extra sentences bought little (see the
# report).
MAX_MEDIAN = int(os.environ.get("QUOTEFIT_MAX_MEDIAN", "500"))


def collect(assistant, items: list[dict]) -> list[dict]:
    """Per question: its sentences, their features and labels (the answering pipeline up to the quote)."""
    from assistant import answer as ans
    from assistant import eval as ev
    from assistant import quotes
    from assistant.query import clean_question, prepare
    from assistant.retrieve import retrieve

    out = []
    for item in items:
        if item.get("out_of_scope") or item.get("situational") or not item.get("evidence"):
            continue
        state = assistant._current()
        text = clean_question(item["question"], assistant.settings.max_question_chars)
        query = prepare(text, state.vocab, item.get("history"))
        retrieval = retrieve(
            state.index,
            assistant.embedder,
            query,
            assistant.settings.top_k,
            assistant.fusion,
            state.next_chunk,
        )
        sentences = ans.candidates(retrieval.hits, state.sentences)
        X = quotes.features(
            query, retrieval.hits, sentences, retrieval.vector, state.vectors, state.idf, state.lower_words
        )
        y = np.array([label(item["evidence"], s.text, ev) for s in sentences], dtype=np.float64)
        out.append({"item": item, "sentences": sentences, "X": X, "y": y, "hits": retrieval.hits})
    return out


def label(evidence: list[str], sentence: str, ev) -> bool:
    """The sentence holds an evidence string (exactly or nearly), or is a sizeable part of one."""
    from rapidfuzz import fuzz

    from index.text import normalise

    s = normalise(sentence)
    for e in map(normalise, evidence):
        if not e:
            continue
        if e in s or (len(s) >= 30 and s in e):
            return True
        if (
            len(e) >= ev.FUZZY_MIN_CHARS
            and len(s) >= len(e)
            and fuzz.partial_ratio(e, s) >= ev.FUZZY_MIN_RATIO
        ):
            return True
    return False


def fit_listwise(groups: list[dict], l2: float = L2) -> tuple[np.ndarray, float]:
    """Which sentence of its question answers: a conditional logit (softmax over one question's sentences,
    the loss -log of the probability mass on its evidence sentences), L2-regularised, on standardised
    features; then one logistic calibration of its scores (slope and intercept) on all sentences, so that
    `ratio` in the selection compares probabilities. (How likely a sentence answers in absolute terms is
    the pointwise `confidence` model's to say, see `run`.)

    Why not the pointwise fit (`fit`): the quote is a choice among one question's sentences, and a
    pointwise model also spends its weights on telling questions apart (a question whose passages are all
    near scores every sentence high). Left out per set on the seven tuning sets, the listwise choice puts
    the evidence first for 0.726 of the questions against 0.717, and holds answer_text at a shorter median
    (the report below; `--pointwise` prints the old fit's)."""
    from scipy.optimize import minimize

    X = np.vstack([g["X"] for g in groups])
    mean, scale = standardise(X)
    parts = [((g["X"] - mean) / scale, g["y"].astype(bool)) for g in groups if g["y"].any()]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.5 * l2 * float(w @ w), l2 * w
        for Z, positive in parts:
            z = Z @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            mass = p[positive].sum()
            total -= float(np.log(mass))
            q = np.where(positive, p, 0.0) / mass
            grad = grad + Z.T @ (p - q)
        return total, grad

    w = minimize(loss, np.zeros(X.shape[1]), jac=True, method="L-BFGS-B").x
    z = ((X - mean) / scale) @ w
    (slope,), intercept = _newton(z[:, None], np.concatenate([g["y"] for g in groups]), 0.0, 50)
    coef = slope * w
    return coef / scale, intercept - float((coef * mean / scale).sum())


def standardise(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    return mean, np.where(scale > 1e-9, scale, 1.0)


def fit(X: np.ndarray, y: np.ndarray, l2: float = L2, steps: int = 50) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method on standardised features (the intercept is
    not penalised); returns weights on the raw features."""
    mean, scale = standardise(X)
    coef, intercept = _newton((X - mean) / scale, y, l2, steps)
    return coef / scale, intercept - float((coef * mean / scale).sum())


def _newton(X: np.ndarray, y: np.ndarray, l2: float, steps: int) -> tuple[np.ndarray, float]:
    A = np.hstack([X, np.ones((len(X), 1))])
    w = np.zeros(A.shape[1])
    reg = np.full(A.shape[1], l2)
    reg[-1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(A @ w, -30, 30)))
        grad = A.T @ (p - y) + reg * w
        H = (A * (p * (1 - p))[:, None]).T @ A + np.diag(reg + 1e-9)
        step = np.linalg.solve(H, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def learn(groups: list[dict], pointwise: bool = False) -> tuple[np.ndarray, float]:
    if pointwise:
        return fit(np.vstack([g["X"] for g in groups]), np.concatenate([g["y"] for g in groups]))
    return fit_listwise(groups)


def evaluate(groups: list[dict], weights, ratio: float, limit: int, window: int) -> tuple[float, float]:
    """(share of questions whose quote holds evidence, median quote length) with these settings."""
    from assistant import eval as ev
    from assistant import quotes

    hits, lengths = 0, []
    for g in groups:
        chosen = quotes.choose(
            g["sentences"], quotes.score(g["X"], weights), ratio=ratio, limit=limit, window=window
        )
        text = "\n".join(s.text for s in chosen)
        hits += ev.evidence_in(g["item"]["evidence"], text)
        lengths.append(len(text))
    return hits / max(1, len(groups)), statistics.median(lengths) if lengths else 0.0


def best_selection(groups: list[dict], weights) -> tuple[dict, float, float]:
    """The (ratio, limit, window) with the best answer_text at a median under MAX_MEDIAN characters
    (shorter on ties), its answer_text and median length."""
    best = None
    for window in WINDOWS:
        for limit in LIMITS:
            if limit <= window:
                continue
            for ratio in RATIOS:
                share, median = evaluate(groups, weights, ratio, limit, window)
                key = (share, -median)
                if median < MAX_MEDIAN and (best is None or key > best[0]):
                    best = (key, {"ratio": ratio, "limit": limit, "window": window}, share, median)
    return best[1], best[2], best[3]


def stored(weights: tuple[np.ndarray, float], X: np.ndarray) -> dict:
    """Weights as `quotes.json` keeps them: on standardised features (x - mean) / scale, comparable with
    each other."""
    from assistant import quotes

    mean, scale = standardise(X)
    return {
        "coef": {
            f: round(float(c * k), 4) for f, c, k in zip(quotes.FEATURES, weights[0], scale, strict=True)
        },
        "intercept": round(weights[1] + float((weights[0] * mean).sum()), 4),
        "mean": {f: round(float(m), 6) for f, m in zip(quotes.FEATURES, mean, strict=True)},
        "scale": {f: round(float(k), 6) for f, k in zip(quotes.FEATURES, scale, strict=True)},
    }


def run(assistant, write: bool = False, pointwise: bool = False) -> dict:
    from assistant import eval as ev
    from assistant import quotes

    data = {
        name: collect(assistant, ev.load_questions(REPO / "tests" / "data" / f"{name}.jsonl"))
        for name in SETS
    }
    print(f"{'held out':<20}{'n':>4}{'answer_text':>13}{'median':>8}  selection")
    for name in SETS:
        train = [g for other in SETS if other != name for g in data[other]]
        weights = learn(train, pointwise)
        sel, _, _ = best_selection(train, weights)
        share, median = evaluate(data[name], weights, **sel)
        print(f"{name:<20}{len(data[name]):>4}{share:>13.3f}{median:>8.0f}  {sel}")
    everything = [g for name in SETS for g in data[name]]
    X = np.vstack([g["X"] for g in everything])
    y = np.concatenate([g["y"] for g in everything])
    weights = learn(everything, pointwise)
    sel, share, median = best_selection(everything, weights)
    print(f"{'all (in sample)':<20}{len(everything):>4}{share:>13.3f}{median:>8.0f}  {sel}")
    print(f"sentences {len(y)}, positive {int(y.sum())}")
    # How likely a sentence is to answer, in absolute terms (the out-of-scope model's `top_quote`, and
    # whether a situational answer quotes the answer to the question as asked too): the pointwise fit,
    # which also weighs how close the question's passages are as a whole; the listwise one cannot (only
    # differences within a question move it). It is learned on the sets the out-of-scope model
    # (bench/oosfit.py) was learned on, so that model reads the signal it was fitted to.
    known = [g for name in CONFIDENCE_SETS for g in data[name]]
    Xc = np.vstack([g["X"] for g in known])
    confidence = fit(Xc, np.concatenate([g["y"] for g in known]))
    model = {
        **stored(weights, X),
        **sel,
        "trained_on": list(SETS),
        "sentences": len(y),
        "positive": int(y.sum()),
        "confidence": {**stored(confidence, Xc), "trained_on": list(CONFIDENCE_SETS)},
    }
    print(json.dumps(model, indent=1))
    if write:
        quotes.WEIGHTS.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        quotes.load_weights.cache_clear()
        quotes.selection.cache_clear()
    return model


def main(argv: list[str]) -> None:
    from assistant.core import Assistant

    run(Assistant(), write="--write" in argv, pointwise="--pointwise" in argv)


if __name__ == "__main__":
    main(sys.argv[1:])
