"""Measuring answer quality on a question set (README.md, "Kwaliteit meten"): metrics, calibration.

Metrics take answers as plain dicts (`Answer.to_dict()`), so the output of `dossier ask --json -`
and the naive baseline are scored by the same code.
"""

from __future__ import annotations

import json
import math
import re
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.baseline import NaiveBaseline
from assistant.scope import Thresholds, learned_threshold, refuse
from index.errors import SettingsError
from index.text import normalise

FUZZY_MIN_CHARS = 12
FUZZY_MIN_RATIO = 92.0
METRICS = (
    "recall@5",
    "answer_text",
    "answer_hit",
    "meldpunt",
    "meldpunt_fp",
    "oos_refused",
    "false_refusal",
    "cite_valid",
)
_MARKER = re.compile(r"\[(\d+)\]")


def evidence_in(evidence: list[str], text: str) -> bool:
    """Any evidence string in `text`, exactly after normalising or fuzzily (partial ratio >= 92, 12+ chars)"""
    from rapidfuzz import fuzz

    hay = normalise(text)
    for ev in evidence:
        needle = normalise(ev)
        if not needle:
            continue
        if needle in hay:
            return True
        if len(needle) >= FUZZY_MIN_CHARS and fuzz.partial_ratio(needle, hay) >= FUZZY_MIN_RATIO:
            return True
    return False


def markers_valid(answer: str, n_citations: int) -> bool:
    """Every [n] in the answer points to a listed citation (1..n_citations)."""
    return all(1 <= int(m) <= n_citations for m in _MARKER.findall(answer or ""))


def carries_hotline(result: dict, phone: str) -> bool:
    """The answer text holds the meldpunt number (digits compared, so spacing does not matter)."""
    digits = re.sub(r"\D", "", phone)
    return bool(digits) and digits in re.sub(r"\D", "", result.get("answer", ""))


def load_questions(path: Path) -> list[dict]:
    """One JSON object per line (blank lines skipped); SettingsError naming the line when one is broken."""
    items = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise SettingsError(f"Kan de vragenset niet lezen: {path} ({err.strerror}).") from err
    for i, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            item["question"]  # noqa: B018 — a line without a question is an error
        except (ValueError, KeyError, TypeError) as err:
            raise SettingsError(
                f"{path}, regel {i}: geen geldige vraag ({err}). Eén JSON-object per regel."
            ) from err
        items.append(item)
    return items


def score(items: list[dict], results: list[dict], *, phone: str, k: int = 5) -> dict[str, float]:
    """The README metrics. false_refusal is a count; the others are shares (0..1)."""
    in_scope = [(i, r) for i, r in zip(items, results, strict=True) if not i.get("out_of_scope")]
    with_evidence = [(i, r) for i, r in in_scope if i.get("evidence")]
    situational = [(i, r) for i, r in in_scope if i.get("situational")]
    lookups = [(i, r) for i, r in zip(items, results, strict=True) if i.get("kind") in ("lookup", "typo")]
    oos = [(i, r) for i, r in zip(items, results, strict=True) if i.get("out_of_scope")]

    def share(pairs, pred) -> float:
        return sum(1 for i, r in pairs if pred(i, r)) / len(pairs) if pairs else float("nan")

    def cited(r, n):
        return " \n ".join(c.get("text", "") for c in r.get("citations", [])[:n])

    return {
        "recall@5": share(with_evidence, lambda i, r: evidence_in(i["evidence"], cited(r, k))),
        # what the officer reads first: the answer text itself, no citation
        "answer_text": share(with_evidence, lambda i, r: evidence_in(i["evidence"], r.get("answer", ""))),
        "answer_hit": share(
            with_evidence, lambda i, r: evidence_in(i["evidence"], r.get("answer", "") + " \n " + cited(r, 1))
        ),
        "meldpunt": share(situational, lambda i, r: carries_hotline(r, phone)),
        "meldpunt_fp": share(lookups, lambda i, r: bool(r.get("meldpunt")) or bool(r.get("situational"))),
        "oos_refused": share(oos, lambda i, r: bool(r.get("out_of_scope"))),
        "false_refusal": float(sum(1 for i, r in in_scope if r.get("out_of_scope"))),
        "cite_valid": share(
            list(zip(items, results, strict=True)),
            lambda i, r: markers_valid(r.get("answer", ""), len(r.get("citations", []))),
        ),
    }


def failures(items: list[dict], results: list[dict], *, phone: str) -> list[str]:
    """One line per question that misses a metric (for reading, not for tuning on)."""
    out = []
    for i, r in zip(items, results, strict=True):
        m = score([i], [r], phone=phone)
        bad = [
            name
            for name in METRICS
            if (name in ("meldpunt_fp", "false_refusal") and m[name] > 0)
            or (name not in ("meldpunt_fp", "false_refusal") and m[name] == 0.0)
        ]
        if bad:
            out.append(f"{i.get('id', '?')}: {', '.join(bad)}")
    return out


# ---------------------------------------------------------------- running the system


def run_system(assistant, items: list[dict]) -> tuple[list[dict], list[float]]:
    """Answers of the assistant (as dicts) and the seconds each took."""
    results, seconds = [], []
    for item in items:
        t = time.perf_counter()
        answer = assistant.ask(item["question"], item.get("history"))
        seconds.append(time.perf_counter() - t)
        results.append(answer.to_dict())
    return results, seconds


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))]


def format_table(columns: dict[str, dict[str, float]]) -> str:
    """Metrics as rows, one column per system; a 'ratio' column when there are two."""
    names = list(columns)
    if len(names) == 2:
        a, b = (columns[n] for n in names)
        columns = {**columns, "ratio": {m: _ratio(a[m], b[m]) for m in METRICS}}
    header = f"{'metric':<14}" + "".join(f"{n:>12}" for n in columns)
    lines = [header, "-" * len(header)]
    for m in METRICS:
        cells = []
        for n, col in columns.items():
            v = col.get(m, float("nan"))
            if n == "ratio":
                cells.append(f"{v:>12}" if isinstance(v, str) else f"{v:>11.2f}x")
            elif m == "false_refusal":
                cells.append(f"{v:>12.0f}")
            else:
                cells.append(f"{v:>12.3f}")
        lines.append(f"{m:<14}" + "".join(cells))
    return "\n".join(lines)


def _ratio(a: float, b: float):
    if a != a or b != b:  # NaN
        return "n/a"
    if b == 0:
        return "n/a" if a == 0 else "inf"
    return a / b


# ---------------------------------------------------------------- calibration


@dataclass
class Calibration:
    """Out-of-scope signals of every in-scope and out-of-scope question, and the thresholds chosen."""

    rows: list[dict]
    min_lexical: float
    min_dense: float
    min_sentence: float
    max_off_topic: float

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(
            self.min_lexical, self.min_dense, self.min_sentence, self.max_off_topic, learned_threshold()
        )

    def report(self, current=None) -> str:
        """The table of signals, what separates the two groups, and the thresholds (chosen vs in use)."""
        lines = [
            f"{'id':<6}{'scope':<7}{'bm25':>8}{'passage':>9}{'zin':>7}{'buiten':>8}  types / codes / names",
            "-" * 64,
        ]
        for r in sorted(self.rows, key=lambda r: (r["scope"], r["id"])):
            types = ",".join(r["types"]) or "-"
            ok = f" (ontbreekt: {','.join(r['missing_types'])})" if r["missing_types"] else ""
            named = " ".join(r["codes"] + r["missing_names"])
            lines.append(
                f"{r['id']:<6}{r['scope']:<7}{r['top_lexical']:>8.2f}{r['top_dense']:>9.3f}"
                f"{r['top_sentence']:>7.3f}{r['off_topic']:>8.3f}  {types}{ok} {named}"
            )
        ins = [r for r in self.rows if r["scope"] == "in"]
        out = [r for r in self.rows if r["scope"] == "oos"]

        def lo(rows, key):
            return min((r[key] for r in rows), default=float("nan"))

        def hi(rows, key):
            return max((r[key] for r in rows), default=float("nan"))

        caught = [r["id"] for r in out if self.refuses(r)]
        wrong = [r["id"] for r in ins if self.refuses(r)]
        lines += [
            "",
            f"binnen het dossier (n={len(ins)}): bm25 min {lo(ins, 'top_lexical'):.2f}, "
            f"passage-cosine min {lo(ins, 'top_dense'):.3f}, zin-cosine min {lo(ins, 'top_sentence'):.3f}, "
            f"dichter bij 'buiten' max {hi(ins, 'off_topic'):.3f}",
            f"buiten het dossier (n={len(out)}): bm25 min {lo(out, 'top_lexical'):.2f}, "
            f"passage-cosine min {lo(out, 'top_dense'):.3f}, zin-cosine min {lo(out, 'top_sentence'):.3f}, "
            f"dichter bij 'buiten' max {hi(out, 'off_topic'):.3f}",
            "",
            "gekozen drempels (weigeren als alle drie lager zijn):",
            f"  DOSSIER_OOS_MIN_LEXICAL  = {self.min_lexical:.2f}",
            f"  DOSSIER_OOS_MIN_DENSE    = {self.min_dense:.3f}",
            f"  DOSSIER_OOS_MIN_SENTENCE = {self.min_sentence:.3f}",
            f"  DOSSIER_OOS_MAX_OFF_TOPIC = {self.max_off_topic:.3f}  (weigeren als dichter bij een "
            "voorbeeld van buiten het dossier)",
            f"met deze drempels geweigerd: {len(caught)}/{len(out)} buiten, {len(wrong)}/{len(ins)} binnen "
            f"{('(' + ', '.join(wrong) + ')') if wrong else ''}",
        ]
        if current is not None:
            lines.append(
                f"in gebruik: bm25 {current.min_lexical:.2f}, passage {current.min_dense:.3f}, "
                f"zin {current.min_sentence:.3f}, buiten {current.max_off_topic:.3f}"
            )
        return "\n".join(lines)

    def refuses(self, r: dict) -> bool:
        """The decision of `Assistant.out_of_scope` (scope.refuse) with the chosen thresholds."""
        return refuse(r["signals"], self.thresholds)


# The lowest in-scope score, less this margin for questions not seen (BM25 is a raw score; the cosines
# of multilingual-e5 lie close together, so their margin is absolute).
LEXICAL_MARGIN = 0.8
COSINE_MARGIN = 0.02


def calibrate(assistant, items: list[dict]) -> Calibration:
    """Collect the signals on a labelled set and choose thresholds that keep every in-scope question:
    just under the lowest in-scope BM25 score, passage cosine and sentence cosine (a question is refused
    only when all three are that weak), and just above the in-scope questions' closeness to the
    off-topic examples (situations included)."""
    rows = []
    for item in items:
        _answer, s = assistant.ask_with_signals(item["question"], item.get("history"))
        rows.append(
            {
                "id": item.get("id", "?"),
                "scope": "oos" if item.get("out_of_scope") else "in",
                "situational": bool(item.get("situational")),
                "off_topic": s.off_topic,
                "codes": list(s.codes),
                "missing_names": list(s.missing_names),
                "top_lexical": s.top_lexical,
                "top_dense": s.top_dense,
                "top_sentence": s.top_sentence,
                "types": list(s.types),
                "missing_types": list(s.missing_types),
                "signals": s,
            }
        )
    ins = [r for r in rows if r["scope"] == "in"]
    # situations are asked about too (every turn is checked); their scores are not lexical matches
    max_off_topic = round(max((r["off_topic"] for r in ins), default=0.0) + COSINE_MARGIN, 3)
    ins = [r for r in ins if not r["situational"]]
    min_lexical = round(LEXICAL_MARGIN * min((r["top_lexical"] for r in ins), default=0.0), 2)
    min_dense = round(min((r["top_dense"] for r in ins), default=0.0) - COSINE_MARGIN, 3)
    min_sentence = round(min((r["top_sentence"] for r in ins), default=0.0) - COSINE_MARGIN, 3)
    return Calibration(rows, min_lexical, min_dense, min_sentence, max_off_topic)


def fusion_study(assistant, items: list[dict], variants: dict, *, phone: str) -> str:
    """recall@5 and answer_hit of the same assistant under other fusion settings (same index and model)."""
    from assistant.core import Assistant

    lines = [f"{'fusion':<34}{'recall@5':>10}{'answer_hit':>12}"]
    for name, fusion in variants.items():
        other = Assistant(
            assistant.settings,
            index=assistant.index,
            embedder=assistant.embedder,
            thresholds=assistant.thresholds,
            fusion=fusion,
        )
        results, _ = run_system(other, items)
        m = score(items, results, phone=phone)
        lines.append(f"{name:<34}{m['recall@5']:>10.3f}{m['answer_hit']:>12.3f}")
    return "\n".join(lines)


# ---------------------------------------------------------------- the naive baseline


def baseline_results(settings, items: list[dict], documents: list[tuple[str, str]], k: int = 5) -> list[dict]:
    """Answers of the naive baseline (assistant/baseline.py) over `documents` to every question, as dicts."""
    base = NaiveBaseline(settings, documents, k=k)
    try:
        return [base.ask(item["question"]) for item in items]
    finally:
        base.close()


def latency_ms(seconds: list[float]) -> dict[str, float]:
    """p50, p95 and mean of the answer times in milliseconds (for --json)."""
    ms = [s * 1000 for s in seconds]
    if not ms:
        return {}
    return {
        "p50": percentile(ms, 0.5),
        "p95": percentile(ms, 0.95),
        "mean": statistics.fmean(ms),
        "n": len(ms),
    }


def latency_summary(seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    if not ms:
        return "geen vragen"
    return (
        f"latentie per vraag (warm): p50 {percentile(ms, 0.5):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, "
        f"gemiddeld {statistics.fmean(ms):.1f} ms (n={len(ms)})"
    )
