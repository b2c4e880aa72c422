"""The metric functions of assistant/eval.py, on hand-made answers."""

import json
import math

import pytest

from assistant import eval as ev
from assistant import eval_conversations as ec
from index.errors import SettingsError

PHONE = "010 - 236 52 56"


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


def test_answer_text_counts_the_answer_only_not_the_first_citation():
    items = [{"question": "q", "evidence": ["alpha beta gamma"], "kind": "lookup"}] * 2
    results = [
        answer("Volgens het dossier: alpha beta gamma [1]", ["alpha beta gamma"]),
        answer("Volgens het dossier: iets anders [1]", ["alpha beta gamma"]),  # only the citation
    ]
    m = ev.score(items, results, phone=PHONE)
    assert m["answer_text"] == pytest.approx(1 / 2)
    assert m["answer_hit"] == 1.0
    assert "answer_text" in ev.format_table({"system": m})


# ---------------------------------------------------------------- conversations


class Reply:
    def __init__(self, d):
        self.d = d

    def to_dict(self):
        return self.d


class ScriptedAssistant:
    """A fake: answers from a script keyed by question, and records the history each turn was asked with."""

    def __init__(self, script):
        self.script, self.asked = script, []

    def ask(self, question, history=None):
        self.asked.append((question, history))
        return Reply(self.script[question])


def turn(q, evidence=(), situational=False, oos=False):
    return {"q": q, "evidence": list(evidence), "situational": situational, "out_of_scope": oos}


CARD = {"phone": PHONE}


def test_each_turn_is_asked_with_the_earlier_questions_and_the_actual_answers():
    fake = ScriptedAssistant(
        {
            "Eerste vraag": answer("antwoord een", ["een passage"]),
            "En de tweede?": answer("antwoord twee", ["twee passage"]),
            "Derde": answer("antwoord drie", ["drie passage"]),
        }
    )
    convs = [
        {
            "id": "g1",
            "turns": [turn("Eerste vraag", ["een passage"]), turn("En de tweede?", ["twee passage"])],
        },
        {"id": "g2", "turns": [turn("Derde", ["drie passage"])]},
    ]
    report = ec.run_conversations(fake, convs)
    assert fake.asked[0] == ("Eerste vraag", None)
    assert fake.asked[1] == (
        "En de tweede?",
        [{"role": "user", "content": "Eerste vraag"}, {"role": "assistant", "content": "antwoord een"}],
    )
    assert fake.asked[2] == ("Derde", None)  # a new conversation starts without history
    assert (report.right, report.turns) == (3, 3)


def test_every_cause_of_a_wrong_turn_is_counted():
    oos_answer = answer("Dat staat niet in het dossier.", oos=True)
    script = {
        "goed": answer("x", ["a", "b", "c", "d", "de passage staat hier"]),  # evidence in the 5th citation
        "mist": answer("x", ["a", "b", "c", "d", "e", "de passage staat hier"]),  # only in the 6th
        "situatie zonder kaart": answer("x", ["de passage staat hier"]),
        "opzoeken met kaart": answer("x", ["de passage staat hier"], situational=True, card=True),
        "onterecht geweigerd": oos_answer,
        "niet geweigerd": answer("verzonnen", ["iets"]),
        "terecht geweigerd": oos_answer,
        "situatie goed": answer(f"Bel {PHONE}", ["de passage staat hier"], situational=True, card=True),
        # situational flag without the card's facts is no card on the page
        "vlag zonder kaart": answer("x", ["de passage staat hier"], situational=True),
    }
    ev_ = ["de passage staat hier"]
    convs = [
        {
            "id": "c",
            "turns": [
                turn("goed", ev_),
                turn("mist", ev_),
                turn("situatie zonder kaart", ev_, situational=True),
                turn("opzoeken met kaart", ev_),
                turn("onterecht geweigerd", ev_),
            ],
        },
        {
            "id": "d",
            "turns": [
                turn("niet geweigerd", oos=True),
                turn("terecht geweigerd", oos=True),
                turn("situatie goed", ev_, situational=True),
                turn("vlag zonder kaart", ev_, situational=True),
            ],
        },
    ]
    report = ec.run_conversations(ScriptedAssistant(script), convs)
    assert (report.right, report.turns) == (3, 9)
    assert dict(report.causes) == {
        "missed evidence": 1,
        "missing card": 2,
        "extra card": 1,
        "false refusal": 1,
        "missed refusal": 1,
    }
    d = report.to_dict()
    assert d["turns_right"] == 3 and d["turn_accuracy"] == pytest.approx(3 / 9)
    assert [w.split(":")[0] for w in d["wrong_turns"]] == ["c#2", "c#3", "c#4", "c#5", "d#1", "d#4"]
    text = report.format(verbose=True)
    assert "beurten goed: 3/9" in text and "missing card       2" in text and "fout: c#2" in text


def test_a_refused_situation_misses_its_card_and_an_evidence_miss_is_not_counted_twice():
    script = {"q": answer("Dat staat niet in het dossier.", oos=True)}
    report = ec.run_conversations(
        ScriptedAssistant(script), [{"id": "x", "turns": [turn("q", ["e" * 12], True)]}]
    )
    assert dict(report.causes) == {"false refusal": 1, "missing card": 1}


def test_load_conversations_names_the_broken_line(tmp_path):
    path = tmp_path / "c.jsonl"
    good = json.dumps({"id": "c1", "turns": [turn("Wat?", ["iets van twaalf tekens"])]})
    path.write_text(good + "\n\n" + good + "\n")
    assert len(ec.load_conversations(path)) == 2
    for bad in ('{"id": "c2", "turns": []}', '{"id": "c3"}', '{"turns": [{"q": "Wat?"}]}', "{kapot"):
        path.write_text(good + "\n" + bad + "\n")
        with pytest.raises(SettingsError, match="regel 2"):
            ec.load_conversations(path)
    with pytest.raises(SettingsError, match="niet lezen"):
        ec.load_conversations(tmp_path / "missing.jsonl")
