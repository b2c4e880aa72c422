"""`dossier ingest` and `dossier status`: JSON output, summaries, exit codes."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

import cli as dossier_cli
from index.settings import Settings
from ingest import cli
from tests.fakes import HashEmbedder

REPO = Path(__file__).resolve().parents[2]
DOSSIER = REPO / "corpus" / "dossier-mensenhandel-regio-rotterdam.txt"

TEXT = """# Werkwijze

## Signalen

Signalen van arbeidsuitbuiting zijn lange werkdagen, geen eigen paspoort en hoge schulden bij de werkgever.
Slachtoffers wonen vaak op het terrein van de werkgever en spreken geen Nederlands.

## Melden

Bij een vermoeden van mensenhandel meld je dit bij het meldpunt. Melden kan ook anoniem, en een
vermoeden is genoeg om advies te vragen. De aandachtsfunctionaris bespreekt de melding in het
zorg- en veiligheidsoverleg.
"""


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "werkwijze.md").write_text(TEXT, encoding="utf-8")
    monkeypatch.setenv("DOSSIER_CORPUS_DIR", str(folder))
    return folder


def parse(*argv: str) -> argparse.Namespace:
    return dossier_cli.build_parser().parse_args(argv)


def run_ingest(capsys, *argv: str) -> tuple[int, str]:
    args = parse("ingest", *argv)
    code = args.handler(args, Settings(), embedder=HashEmbedder())
    return code, capsys.readouterr().out


def test_commands_are_registered():
    args = parse("ingest", "--rebuild", "--json")
    assert (args.rebuild, args.json, args.handler) == (True, True, cli.cmd_ingest)
    args = parse("status", "--json")
    assert args.json and args.handler is cli.cmd_status


def test_ingest_json_is_one_object_with_the_counts(corpus, capsys):
    code, out = run_ingest(capsys, "--json")
    first = json.loads(out)
    assert code == 0
    assert set(first) == {
        "files", "chunks", "embedded", "removed", "skipped", "sentences", "sentences_embedded", "seconds",
        "rebuilt_because",
    }  # fmt: skip
    assert first["files"] == 1 and first["chunks"] == first["embedded"] >= 2
    assert first["removed"] == 0 and first["skipped"] == [] and first["seconds"] >= 0

    code, out = run_ingest(capsys, "--json")
    again = json.loads(out)
    assert code == 0 and again["embedded"] == 0 and again["chunks"] == first["chunks"]

    code, out = run_ingest(capsys, "--json", "--rebuild")
    rebuilt = json.loads(out)
    assert rebuilt["embedded"] == first["chunks"] and "--rebuild" in rebuilt["rebuilt_because"]


def test_unreadable_file_gives_exit_code_1_and_is_named(corpus, capsys):
    (corpus / "kapot.txt").write_bytes(b"\x00\x00\x00")
    code, out = run_ingest(capsys, "--json")
    report = json.loads(out)
    assert code == 1
    assert report["files"] == 1 and report["chunks"] >= 2
    assert [s["path"] for s in report["skipped"]] == ["kapot.txt"] and report["skipped"][0]["reason"]

    code, out = run_ingest(capsys)
    assert code == 1
    assert "Niet gelezen (1):" in out and "kapot.txt:" in out


def test_ingest_summary_is_dutch_and_readable(corpus, capsys):
    code, out = run_ingest(capsys)
    assert code == 0 and out.startswith("Index bijgewerkt in ")
    assert "1 bestand," in out and "nieuw ingebed, 0 verwijderd" in out
    code, out = run_ingest(capsys)
    assert out.startswith("De index was al bij: 1 bestand,") and "niets nieuw ingebed" in out


def test_status_json_lists_sources_sections_model_and_time(corpus, capsys):
    run_ingest(capsys)
    args = parse("status", "--json")
    assert args.handler(args, Settings()) == 0
    status = json.loads(capsys.readouterr().out)
    assert set(status) == {"chunks", "sources", "sections", "model", "built_at"}
    assert status["sources"] == ["werkwijze.md"] and status["model"] == "hash-64"
    assert status["sections"] == ["Werkwijze › Signalen", "Werkwijze › Melden"]
    assert status["chunks"] >= 2
    assert datetime.fromisoformat(status["built_at"]).tzinfo is not None

    args = parse("status")
    assert args.handler(args, Settings()) == 0
    out = capsys.readouterr().out
    assert "passages uit 1 bestand" in out and "  - Werkwijze › Melden" in out


def test_status_without_index_is_one_dutch_line_and_exit_2(capsys):
    assert dossier_cli.run(["status"]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == "dossier: Er is nog geen index. Bouw die met: dossier ingest"
    assert captured.out == ""


def test_module_entry_point_runs_status(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "ui", "status", "--json"], cwd=REPO, capture_output=True, text=True
    )
    assert proc.returncode == 2 and "Er is nog geen index" in proc.stderr


@pytest.mark.integration
def test_real_model_ingest_of_the_dossier_then_nothing_to_embed(tmp_path, monkeypatch):
    """The bundled model on the real corpus, through the command line, twice; then status."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / DOSSIER.name).write_bytes(DOSSIER.read_bytes())
    (corpus / "contacts.toml").write_bytes((REPO / "corpus" / "contacts.toml").read_bytes())
    monkeypatch.setenv("DOSSIER_CORPUS_DIR", str(corpus))

    def dossier(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "ui", *argv], cwd=REPO, capture_output=True, text=True, timeout=600
        )

    first = dossier("ingest", "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["files"] == 1 and report["skipped"] == []
    assert report["embedded"] == report["chunks"] >= 30
    again = json.loads(dossier("ingest", "--json").stdout)
    assert again["embedded"] == 0 and again["removed"] == 0 and again["chunks"] == report["chunks"]

    status = json.loads(dossier("status", "--json").stdout)
    assert status["model"].startswith("multilingual-e5-small") and status["chunks"] == report["chunks"]
    assert status["sources"] == [DOSSIER.name]
    assert len(status["sections"]) >= 20


def test_a_bad_setting_is_one_dutch_line_and_exit_code_2(monkeypatch, capsys):
    monkeypatch.setenv("DOSSIER_TOP_K", "veel")
    assert dossier_cli.run(["status"]) == 2
    err = capsys.readouterr().err
    assert "ongeldige instelling" in err and "DOSSIER_TOP_K" in err and "Traceback" not in err
