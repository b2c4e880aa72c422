"""Every evaluation set in tests/data/ is sound: its evidence stands in the corpus, ids are unique,
labels agree with each other.

The comparison follows the rule of the eval README (../shared/eval/README.md): NFKD, accents
stripped, lowercase, every run of non-alphanumerics one space; a string of 12+ characters may also
match fuzzily (partial ratio >= 92) so a word repaired by cleaning still counts. The normaliser is
written out here on purpose, apart from the product's own, so a change there cannot make a bad set
pass. The checks themselves are tested on bad examples below: this file can fail.
"""

import json
import re
import unicodedata
from pathlib import Path

import pytest
from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
CORPUS = ROOT / "corpus"
MIN_EVIDENCE = 12
FUZZY = 92
QUESTION_FIELDS = {"id", "question", "evidence", "situational", "out_of_scope", "lang", "kind"}
OPTIONAL_FIELDS = {"history"}  # a question asked after earlier turns (older sets)
TURN_FIELDS = {"q", "evidence", "situational", "out_of_scope"}
KINDS = {"lookup", "typo", "contact", "situational", "oos"}


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^0-9a-z]+", " ", text).strip()


def corpus_text() -> str:
    files = sorted(p for p in CORPUS.rglob("*") if p.suffix in {".txt", ".md"})
    return " ".join(norm(p.read_text(encoding="utf-8")) for p in files)


def evidence_found(evidence: str, corpus: str) -> bool:
    """Exact after normalising; only a string of 12+ characters may match fuzzily."""
    needle = norm(evidence)
    if not needle:
        return False
    if needle in corpus:
        return True
    return len(needle) >= MIN_EVIDENCE and fuzz.partial_ratio(needle, corpus) >= FUZZY


def item_problems(item: dict, fields: set, text_key: str) -> list[str]:
    """What is wrong with one question or turn (empty when it is sound)."""
    problems = []
    if not fields <= set(item) <= fields | OPTIONAL_FIELDS:
        problems.append(f"velden {sorted(item)} in plaats van {sorted(fields)}")
        return problems
    if not isinstance(item[text_key], str) or not item[text_key].strip():
        problems.append("lege vraag")
    ev = item["evidence"]
    if not isinstance(ev, list) or not all(isinstance(e, str) for e in ev):
        problems.append("evidence is geen lijst van teksten")
        return problems
    if not isinstance(item["situational"], bool) or not isinstance(item["out_of_scope"], bool):
        problems.append("situational/out_of_scope zijn geen true/false")
    if item["out_of_scope"] and ev:
        problems.append("out_of_scope met evidence")
    if not item["out_of_scope"] and not ev:
        problems.append("in scope zonder evidence")
    if item["out_of_scope"] and item["situational"]:
        problems.append("zowel out_of_scope als situational")
    if not 0 <= len(ev) <= 3:
        problems.append(f"{len(ev)} evidence-teksten (1-3 verwacht)")
    if "kind" in item:
        if item["kind"] not in KINDS:
            problems.append(f"kind {item['kind']!r} onbekend")
        elif (item["kind"] == "oos") != item["out_of_scope"]:
            problems.append("kind 'oos' en out_of_scope zijn het oneens")
        elif (item["kind"] == "situational") != item["situational"]:
            problems.append("kind 'situational' en situational zijn het oneens")
    return problems


def evidence_problems(items: list[dict], corpus: str) -> list[str]:
    return [
        f"niet in het dossier: {e!r}"
        for it in items
        for e in it.get("evidence", [])
        if not evidence_found(e, corpus)
    ]


def set_problems(lines: list[str], corpus: str) -> list[str]:
    """Every problem of one .jsonl set, prefixed with the line number."""
    problems, ids = [], set()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        row = json.loads(line)
        rid = row.get("id")
        if not rid or rid in ids:
            problems.append(f"regel {n}: id {rid!r} ontbreekt of komt dubbel voor")
        ids.add(rid)
        if "turns" in row:
            turns = row["turns"]
            if not isinstance(turns, list) or not turns:
                problems.append(f"regel {n}: geen beurten")
                continue
            items = [(t, TURN_FIELDS, "q") for t in turns]
        else:
            items = [(row, QUESTION_FIELDS, "question")]
        for item, fields, key in items:
            for p in item_problems(item, fields, key) + evidence_problems([item], corpus):
                problems.append(f"regel {n} ({rid}): {p}")
    return problems


SETS = sorted(DATA.glob("*.jsonl"))


@pytest.fixture(scope="module")
def corpus() -> str:
    return corpus_text()


def test_the_sets_are_there():
    names = {p.name for p in SETS}
    assert {"officer_questions.jsonl", "officer_conversations.jsonl"} <= names


def test_new_sets_quote_evidence_of_12_characters_or_more():
    for name in ("officer_questions.jsonl", "officer_conversations.jsonl"):
        rows = [json.loads(x) for x in (DATA / name).read_text(encoding="utf-8").splitlines() if x.strip()]
        items = [t for r in rows for t in r.get("turns", [r])]
        short = [e for it in items for e in it["evidence"] if len(norm(e)) < MIN_EVIDENCE]
        assert not short, f"{name}: evidence korter dan {MIN_EVIDENCE} tekens: {short}"


@pytest.mark.parametrize("path", SETS, ids=[p.name for p in SETS])
def test_set_is_sound(path, corpus):
    problems = set_problems(path.read_text(encoding="utf-8").splitlines(), corpus)
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


GOOD = {
    "id": "x1",
    "question": "Wie belt?",
    "evidence": ["Definitie mensenhandel is het werven"],
    "situational": False,
    "out_of_scope": False,
    "lang": "nl",
    "kind": "lookup",
}


def _line(**change) -> str:
    return json.dumps({**GOOD, **change})


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([_line()], None),
        ([_line(evidence=["definitie MENSENHANDEL   is het werven!"])], None),  # normalised
        ([_line(evidence=["Definitie mensenhandel is het wervenn"])], None),  # fuzzy, one letter off
        ([_line(evidence=["een zin die nergens in het dossier staat"])], "niet in het dossier"),
        ([_line(evidence=["Humanitass"])], "niet in het dossier"),  # short: exact only
        ([_line(), _line()], "dubbel"),
        ([_line(out_of_scope=True, kind="oos")], "out_of_scope met evidence"),
        ([_line(evidence=[])], "in scope zonder evidence"),
        ([_line(kind="oos")], "kind 'oos'"),
        ([_line(situational=True)], "kind 'situational'"),
        ([_line(situational="ja")], "geen true/false"),
        ([json.dumps({k: v for k, v in GOOD.items() if k != "lang"})], "velden"),
        (
            [
                json.dumps(
                    {
                        "id": "c1",
                        "turns": [
                            {"q": "En wie?", "evidence": [], "situational": False, "out_of_scope": False}
                        ],
                    }
                )
            ],
            "in scope zonder evidence",
        ),
        ([json.dumps({"id": "c1", "turns": []})], "geen beurten"),
    ],
)
def test_the_checks_catch_bad_sets(lines, expected, corpus):
    problems = set_problems(lines, corpus)
    if expected is None:
        assert problems == []
    else:
        assert any(expected in p for p in problems), problems


# ---------------------------------------------------------------- the frozen sets stay unseen

FROZEN = ("officer_questions.jsonl", "officer_conversations.jsonl")
# Written after the training files and kept out of training: unseen for what is measured on them. tuning7
# to tuning10 were unseen in their sessions (7 December) and joined the training data on the sixth
# (`assistant.situation.TRAINING_SETS`); tuning11 was unseen for the sixth session, tuning12 for the
# seventh, tuning13 for the eighth, tuning14 is for the ninth.
UNSEEN = ("tuning14_questions.jsonl", "tuning14_conversations.jsonl")
TRAINING = ROOT / "assistant" / "data"


def frozen_questions() -> set[str]:
    out = set()
    for name in FROZEN:
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                out |= {norm(q) for q in [item.get("question", "")] + [t["q"] for t in item.get("turns", [])]}
    return out - {""}


def training_texts(path: Path) -> list[str]:
    """Every question the file ships: examples, follow-up turns and the turns they follow, off-topic lines."""
    if path.suffix == ".txt":
        from assistant.offtopic import examples

        return examples(path)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [t for row in rows for t in (row.get("text") or row.get("question", ""), row.get("previous")) if t]


# The examples the models learn from, and the off-topic questions the out-of-scope decision measures against.
SHIPPED = [*sorted(TRAINING.glob("*.jsonl")), ROOT / "assistant" / "offtopic.txt"]


def near_copy(text: str, frozen: set[str]) -> str:
    """The frozen question `text` copies: the same after normalising, or nearly the same (similarity 88
    of 100, a word or two changed) when either has five words or more. Shorter questions ("Wat doet de
    NLA?", "hoe laat?") are what anyone writes; only an exact copy of one counts."""
    t = norm(text)
    for q in frozen:
        if t == q or (max(len(t.split()), len(q.split())) >= 5 and fuzz.ratio(t, q) >= 88):
            return q
    return ""


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_no_training_example_is_a_frozen_question(path):
    frozen = frozen_questions()
    copies = [t for t in training_texts(path) if near_copy(t, frozen)]
    assert not copies, f"{path.name} traint op vragen uit de bevroren sets: {copies[:5]}"


def test_the_situation_model_learns_from_no_frozen_set():
    from assistant.situation import TRAINING_SETS

    assert TRAINING_SETS and not {p.name for p in TRAINING_SETS} & {*FROZEN, *UNSEEN}
    assert all(p.parent == DATA and p.exists() for p in TRAINING_SETS)


def test_a_frozen_question_with_a_word_changed_is_a_near_copy():
    frozen = {norm("Mag een vrijwilliger van de voedselbank ook melden?"), norm("hoe laat?")}
    assert near_copy("Mag een vrijwilliger van de voedselbank dat ook melden?", frozen)
    assert near_copy("mag een vrijwilliger van de voedselbank ook melden", frozen)
    assert not near_copy("Mag een medewerker van de woningcorporatie ook melden?", frozen)
    assert not near_copy("hoe laat open?", frozen)  # short: only an exact copy counts
    assert near_copy("Hoe laat?!", frozen)


def test_the_frozen_check_finds_a_copy_written_differently(tmp_path):
    question = json.loads((DATA / FROZEN[0]).read_text(encoding="utf-8").splitlines()[0])["question"]
    variant = question.upper().replace("E", "É") + " ?!"
    path = tmp_path / "examples.jsonl"
    path.write_text(json.dumps({"text": variant, "label": "lookup"}) + "\n", encoding="utf-8")
    assert [norm(t) in frozen_questions() for t in training_texts(path)] == [True]
