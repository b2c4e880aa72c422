"""`dossier ask` and `dossier eval` as an officer or a script runs them."""

import json
import os
import subprocess
import sys
import time

import pytest

from index.offline import OFFLINE_ENV
from tests.conftest import REPO

pytestmark = pytest.mark.integration

DOSSIER = REPO / ".venv" / "bin" / "dossier"


def env_for(settings) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOSSIER_")}
    env.update(
        DOSSIER_DATA_DIR=str(settings.data_dir),
        DOSSIER_CORPUS_DIR=str(settings.corpus_dir),
        **OFFLINE_ENV,
    )
    return env


def command() -> list[str]:
    if DOSSIER.exists():
        return [str(DOSSIER)]
    return [sys.executable, "-c", "import sys, ui; sys.exit(ui.main())"]


def dossier(settings, cwd, *args: str, stdin: str | None = None, timeout: float = 300):
    """Run the `dossier` command as an officer would, against the index of `settings`."""
    return subprocess.run(
        [*command(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env_for(settings),
        cwd=cwd,
        timeout=timeout,
    )


def test_ask_json_batch_reads_stdin_one_object_per_line(dossier_index, tmp_path):
    questions = [
        "Hoe definieert het dossier mensenhandel?",
        "",  # blank lines are skipped
        "Ik vermoed arbeidsuitbuiting bij een klant, waar meld ik dat?",
        "Wat is het e-mailadres van het meldpunt?",
        "x" * 3000,  # too long: an error object, the batch goes on
        "How many minutes is a storyline of BUIT?",
    ]
    proc = dossier(dossier_index, tmp_path, "ask", "--json", "-", stdin="\n".join(questions) + "\n")
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(lines) == 5, proc.stderr
    definition, situation, oos, too_long, english = lines
    assert "werven, vervoeren" in definition["answer"] and not definition["situational"]
    assert situation["situational"] and situation["meldpunt"]["phone"] == "010 - 236 52 56"
    assert oos["out_of_scope"] and oos["citations"] == []
    assert "error" in too_long and "2000" in too_long["error"]
    assert english["answer"].startswith("According to the dossier") and "30 minuten" in english["answer"]
    assert proc.returncode == 2  # one question could not be answered


def test_ask_prints_a_readable_answer_with_sources(dossier_index, tmp_path):
    proc = dossier(dossier_index, tmp_path, "ask", "Hoe vaak vergadert de regionale tafel per jaar?")
    assert proc.returncode == 0, proc.stderr
    assert "twee keer per jaar" in proc.stdout
    assert "Bronnen:" in proc.stdout and "[1] " in proc.stdout


def test_ask_errors_are_one_dutch_line(dossier_index, tmp_path):
    proc = dossier(dossier_index, tmp_path, "ask", "   ")
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("dossier: Typ een vraag") and "Traceback" not in proc.stderr


def test_cold_ask_stays_light(dossier_index, tmp_path):
    """The ask path must not import torch, sentence-transformers, LangChain or Gradio."""
    probe = (
        "import sys, time; t = time.perf_counter()\n"
        "from cli import run\n"
        "code = run(['ask', '--json', 'Waarmee helpt het ESSM?'])\n"
        "heavy = sorted(m for m in ('torch', 'sentence_transformers', 'transformers', 'langchain', "
        "'langchain_core', 'gradio') if m in sys.modules)\n"
        "print('HEAVY', heavy, round(time.perf_counter() - t, 2), file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env_for(dossier_index),
        cwd=REPO,
        timeout=120,
    )
    wall = time.perf_counter() - started
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY []" in proc.stderr, proc.stderr
    print(f"\n[ask] cold `dossier ask`: {wall:.2f} s wall")
    assert wall < 15  # target 3 s on an idle machine; loose here, the bench measures it


@pytest.mark.slow
def test_eval_prints_system_baseline_and_ratio(dossier_index, tmp_path):
    questions = tmp_path / "q.jsonl"
    lines = (REPO / "tests" / "data" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    questions.write_text("\n".join(lines[:6] + lines[30:32] + lines[-2:]) + "\n", encoding="utf-8")
    proc = dossier(dossier_index, tmp_path, "eval", str(questions), timeout=600)
    assert proc.returncode == 0, proc.stderr
    header = next(line for line in proc.stdout.splitlines() if line.startswith("metric"))
    assert header.split() == ["metric", "system", "baseline", "ratio"]
    for metric in (
        "recall@5",
        "answer_text",
        "answer_hit",
        "meldpunt",
        "meldpunt_fp",
        "oos_refused",
        "false_refusal",
        "cite_valid",
    ):
        assert any(line.startswith(metric) for line in proc.stdout.splitlines()), proc.stdout
    assert "latentie" in proc.stdout


def test_eval_conversations_judges_every_turn_with_its_history(dossier_index, tmp_path):
    def t(q, evidence=(), situational=False, oos=False):
        return {"q": q, "evidence": list(evidence), "situational": situational, "out_of_scope": oos}

    convs = [
        {
            "id": "g1",
            "turns": [
                t("Welke hulp biedt Stichting Humanitas via het ESSM?", ["dienst- en hulpverlening"]),
                t("Kost die hulp iets?", ["vrijblijvend en gratis"]),
            ],
        },
        {
            "id": "g2",
            "turns": [
                t(
                    "Een schoonmaker vertelt dat hij zijn loon aan zijn baas moet afstaan. Wat raad je aan?",
                    ["236 52 56"],
                    situational=True,
                ),
                t("Hoe vraag ik een hondenpenning aan?", oos=True),
            ],
        },
    ]
    path = tmp_path / "gesprekken.jsonl"
    path.write_text("\n".join(json.dumps(c) for c in convs) + "\n", encoding="utf-8")
    proc = dossier(dossier_index, tmp_path, "eval", "--conversations", str(path), "--json", "--verbose")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["conversations"] == 2 and out["turns"] == 4
    assert set(out["wrong_by_cause"]) == {
        "missed evidence",
        "missing card",
        "extra card",
        "false refusal",
        "missed refusal",
    }
    assert len(out["wrong_turns"]) == 4 - out["turns_right"]
    assert out["turn_accuracy"] == pytest.approx(out["turns_right"] / 4)
    text = dossier(dossier_index, tmp_path, "eval", "--conversations", str(path))
    assert text.returncode == 0, text.stderr
    assert f"beurten goed: {out['turns_right']}/4" in text.stdout  # the same judgement twice
    both = dossier(dossier_index, tmp_path, "eval", str(path), "--conversations", str(path))
    assert both.returncode == 2 and "óf --conversations" in both.stderr


def test_eval_calibrate_shows_scores_and_thresholds(dossier_index, tmp_path):
    dev = str(REPO / "tests" / "data" / "dev.jsonl")
    proc = dossier(dossier_index, tmp_path, "eval", "--calibrate", dev, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "DOSSIER_OOS_MAX_OFF_TOPIC" in proc.stdout and "buiten het dossier" in proc.stdout
    assert "0/41 binnen" in proc.stdout  # situations count too: every turn is checked
