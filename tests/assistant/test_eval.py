"""The metric functions of assistant/eval.py, on hand-made answers."""

import json
import math

import pytest

from assistant import eval as ev
from ingest.errors import SettingsError

PHONE = "010 - 236 52 56"


def test_normalize_follows_the_readme():
    assert ev.normalize("Zorgcoördinatie: “24/7”!") == "zorgcoordinatie 24 7"
    assert ev.normalize("  Meld- en  adviespunt ") == "meld en adviespunt"


def test_evidence_exact_and_fuzzy():
    text = "Binnen de regio is de zorgcoördinatie belegd bij het ESSM."
    assert ev.evidence_in(["zorgcoordinatie belegd"], text)
    assert ev.evidence_in(["nothing", "is de zorgcoordinatie"], text)
    # an OCR slip in the evidence still counts when the string is long enough...
    assert ev.evidence_in(["de zorgcodrdinatie belegd bij het ESSM"], text)
    # ...but not for short strings, and not for different text
    assert not ev.evidence_in(["zorgcodrd"], text)
    assert not ev.evidence_in(["de crisisopvang is een geheime plek"], text)
    assert not ev.evidence_in([], text)


def test_markers_valid():
    assert ev.markers_valid("Zin. [1] Nog een. [2]", 2)
    assert ev.markers_valid("Geen markers.", 0)
    assert not ev.markers_valid("Zin. [3]", 2)
    assert not ev.markers_valid("Zin. [0]", 2)


def answer(text="", cites=(), situational=False, oos=False, card=False):
    return {
        "question": "q",
        "answer": text,
        "citations": [{"n": i + 1, "text": t} for i, t in enumerate(cites)],
        "situational": situational,
        "meldpunt": {"phone": PHONE} if card else None,
        "out_of_scope": oos,
    }


ITEMS = [
    {"id": "a", "evidence": ["alpha beta gamma"], "kind": "lookup"},
    {"id": "b", "evidence": ["delta epsilon"], "kind": "typo"},
    {"id": "c", "evidence": ["meld- en adviespunt"], "situational": True, "kind": "situational"},
    {"id": "d", "evidence": [], "out_of_scope": True, "kind": "oos"},
    {"id": "e", "evidence": [], "out_of_scope": True, "kind": "oos"},
]


def test_score_counts_each_metric():
    results = [
        answer(
            "Volgens het dossier: x [1]", ["zero", "one", "two", "three", "x alpha beta gamma x"]
        ),  # recall only
        answer("delta epsilon [1]", ["delta epsilon"], card=True),  # hit, but a card on a look-up
        answer(f"Bel {PHONE} [1]", ["het meld- en adviespunt"], situational=True, card=True),
        answer("Dat staat niet in het dossier.", oos=True),
        answer("Een verzonnen antwoord [2]", ["x"]),  # not refused, and a dangling marker
    ]
    m = ev.score([{"question": "q", **i} for i in ITEMS], results, phone=PHONE)
    assert m["recall@5"] == pytest.approx(3 / 3)
    assert m["answer_hit"] == pytest.approx(2 / 3)
    assert m["meldpunt"] == 1.0
    assert m["meldpunt_fp"] == pytest.approx(1 / 2)
    assert m["oos_refused"] == pytest.approx(1 / 2)
    assert m["false_refusal"] == 0
    assert m["cite_valid"] == pytest.approx(4 / 5)


def test_recall_looks_at_the_first_k_citations_only():
    item = [{"question": "q", "evidence": ["needle here"], "kind": "lookup"}]
    late = [answer("", ["a", "b", "c", "d", "e", "needle here"])]
    assert ev.score(item, late, phone=PHONE)["recall@5"] == 0.0
    assert ev.score(item, late, phone=PHONE, k=6)["recall@5"] == 1.0


def test_false_refusal_and_empty_groups():
    item = [{"question": "q", "evidence": ["x y z"], "kind": "lookup"}]
    m = ev.score(item, [answer("Dat staat niet in het dossier.", oos=True)], phone=PHONE)
    assert m["false_refusal"] == 1
    assert math.isnan(m["meldpunt"]) and math.isnan(m["oos_refused"])


def test_table_has_a_ratio_column():
    a = dict.fromkeys(ev.METRICS, 1.0)
    b = dict.fromkeys(ev.METRICS, 0.5)
    b["false_refusal"] = 0.0
    table = ev.format_table({"system": a, "baseline": b})
    assert "ratio" in table.splitlines()[0]
    assert "2.00x" in table and "inf" in table


def test_load_questions(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(
        json.dumps({"id": "1", "question": "Wat?"}) + "\n\n" + json.dumps({"question": "Hoe?"}) + "\n"
    )
    assert [i["question"] for i in ev.load_questions(path)] == ["Wat?", "Hoe?"]
    path.write_text('{"question": "ok"}\n{kapot\n')
    with pytest.raises(SettingsError, match="regel 2"):
        ev.load_questions(path)
    with pytest.raises(SettingsError, match="niet lezen"):
        ev.load_questions(tmp_path / "missing.jsonl")


def test_percentile():
    assert ev.percentile([3.0, 1.0, 2.0], 0.5) == 2.0
    assert ev.percentile([float(i) for i in range(1, 21)], 0.95) == 19.0
    assert ev.percentile([float(i) for i in range(1, 21)], 1.0) == 20.0
