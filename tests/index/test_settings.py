"""Settings: the default corpus and data folders are found from any working folder."""

from __future__ import annotations

from pathlib import Path

from index.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def test_defaults_come_from_the_project_when_run_from_another_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DOSSIER_CORPUS_DIR")
    monkeypatch.delenv("DOSSIER_DATA_DIR")
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert settings.corpus_dir == REPO / "corpus" and settings.data_dir == REPO / ".dossier"


def test_folders_in_the_working_folder_win(tmp_path, monkeypatch):
    monkeypatch.delenv("DOSSIER_CORPUS_DIR")
    monkeypatch.delenv("DOSSIER_DATA_DIR")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "corpus").mkdir()
    (tmp_path / ".dossier").mkdir()
    settings = Settings()
    assert settings.corpus_dir == Path("corpus") and settings.data_dir == Path(".dossier")
