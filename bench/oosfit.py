"""Learn the out-of-scope model (assistant/outofscope.py) from labelled questions.

    .venv/bin/python -m bench.oosfit            # cross-validated report
    .venv/bin/python -m bench.oosfit --write    # ... and write assistant/data/outofscope_model.json

Labelled questions: assistant/data/situations.jsonl (look-ups and situations: in scope; out_of_scope: not),
except the examples marked "followup" (short turns that only mean something after another question), and the
tuning sets tests/data/dev.jsonl, {extra,holdout,tuning2..11}_questions.jsonl (questions without history).
The frozen sets (officer_*), tuning12 and the unseen tuning13 are never read here. Each question goes
through the answering pipeline for its signals (the model's own output is not among them), with its e5 query
embedding. 10-fold cross-validation (deterministic folds) picks the L2 strength and the threshold: the least
cost on out-of-fold predictions with a wrongly refused answer costing FALSE_REFUSAL_COST missed refusals, on
top of what the rules of scope.py refuse already.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

from assistant.situation import EXAMPLES, TRAINING_SETS

REPO = Path(__file__).resolve().parent.parent
# Requests the assistant cannot carry out (write a letter, translate, plan a meeting): out of scope, and
# nothing to do with situations, so only this model learns from them (with them the shipped "draft an
# e-mail to my manager" is refused; they taught the situation model nothing: its own test sets moved).
REQUESTS = REPO / "assistant" / "data" / "requests.jsonl"
EXAMPLE_FILES = (EXAMPLES, REQUESTS)
# The own examples and the tuning sets are those the situation model learns from (TRAINING_SETS: never the
# frozen officer_* sets, nor tuning12 and the unseen tuning13). tuning3-6 joined on 7 December: unseen
# tuning7 false refusals 2 -> 1 of 70, the frozen officer set's out-of-scope refused 0.789 -> 0.895 and
# false refusals 4 -> 3 of 117. tuning7-10 joined in the sixth session: out of scope refused on the unseen
# tuning11 0.750 -> 1.000, on the frozen officer set 0.895 -> 0.947, no false refusal more on any set.
# tuning11 joined in the seventh session: no set moved. tuning12 did not join in the eighth: the threshold
# chosen rose 0.88 -> 0.92 and refused less on three sets, with no answer gained anywhere.
STRENGTHS = (10.0, 30.0, 100.0, 300.0, 1000.0)
FALSE_REFUSAL_COST = 4.0
FOLDS = 10


def data_files() -> list[Path]:
    return [*EXAMPLE_FILES, *TRAINING_SETS]


def data_digest() -> str:
    """One digest over every file the model learns from (the shipped model names it)."""
    h = hashlib.sha256()
    for path in data_files():
        h.update(path.read_bytes())
    return h.hexdigest()


def labelled() -> list[tuple[str, bool]]:
    """(question, out of scope) pairs."""
    out = []
    for examples in EXAMPLE_FILES:
        for line in examples.read_text(encoding="utf-8").splitlines():
            if line.strip() and not (row := json.loads(line)).get("followup"):
                out.append((row["text"], row["label"] == "out_of_scope"))
    for path in TRAINING_SETS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not (item := json.loads(line)).get("history"):
                out.append((item["question"], bool(item.get("out_of_scope"))))
    return out


def collect(assistant, pairs) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Embeddings, signal rows, labels, and whether the pipeline refuses without the model (its rules)."""
    from assistant import outofscope
    from assistant.situation import e5_query

    shipped = outofscope.shipped
    outofscope.shipped = lambda: None  # the rules alone: the signals never include the model's output
    try:
        vectors, rows, ruled = [], [], []
        for text, _ in pairs:
            answer, s = assistant.ask_with_signals(text, [])
            vectors.append(e5_query(text))
            rows.append(outofscope.signal_row(s))
            ruled.append(answer.out_of_scope)
    finally:
        outofscope.shipped = shipped
    labels = np.array([oos for _, oos in pairs], dtype=np.float64)
    return np.asarray(vectors), np.asarray(rows, dtype=np.float64), labels, np.asarray(ruled, dtype=bool)


def features(vectors: np.ndarray, rows: np.ndarray, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return np.hstack([vectors, (rows - mean) / scale])


def choose_threshold(probs: np.ndarray, y: np.ndarray, ruled: np.ndarray) -> tuple[float, int, int]:
    """The threshold (steps of 0.01; highest on ties) with the least cost; its false refusals and misses."""
    best = (2.0, int(((ruled) & (y == 0)).sum()), int((~ruled & (y > 0)).sum()))
    best_cost = FALSE_REFUSAL_COST * best[1] + best[2]
    for t in (step / 100 for step in range(99, 49, -1)):
        pred = (probs >= t) | ruled
        wrong, missed = int((pred & (y == 0)).sum()), int((~pred & (y > 0)).sum())
        if (cost := FALSE_REFUSAL_COST * wrong + missed) < best_cost:
            best, best_cost = (t, wrong, missed), cost
    return best


def run(assistant, write: bool = False) -> dict:
    from assistant.outofscope import MODEL_FILE, OutOfScopeModel
    from assistant.situation import cross_validated, fit

    pairs = labelled()
    vectors, rows, y, ruled = collect(assistant, pairs)
    mean, scale = rows.mean(axis=0), rows.std(axis=0) + 1e-9
    x = features(vectors, rows, mean, scale)
    order = np.random.default_rng(0).permutation(len(y))  # folds mix the files
    report, best = [], None
    for c in STRENGTHS:
        probs = np.zeros(len(y))
        probs[order] = cross_validated(x[order], y[order], folds=FOLDS, c=c)
        t, wrong, missed = choose_threshold(probs, y, ruled)
        report.append({"c": c, "threshold": t, "false_refusals": wrong, "missed": missed})
        if best is None or FALSE_REFUSAL_COST * wrong + missed < FALSE_REFUSAL_COST * best[2] + best[3]:
            best = (c, t, wrong, missed)
    c, t, wrong, missed = best
    w, b = fit(x, y, c)
    model = OutOfScopeModel(w, b, t, mean, scale, data_digest())
    result = {
        "questions": len(y),
        "out_of_scope": int(y.sum()),
        "rules_alone": {
            "false_refusals": int((ruled & (y == 0)).sum()),
            "missed": int((~ruled & (y > 0)).sum()),
        },
        "cross_validated": report,
        "chosen": {"c": c, "threshold": t, "false_refusals": wrong, "missed": missed},
    }
    if write:
        MODEL_FILE.write_text(model.to_json() + "\n", encoding="utf-8")
        result["written"] = str(MODEL_FILE)
    return result


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from assistant.core import Assistant

    print(json.dumps(run(Assistant(), write="--write" in argv), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
