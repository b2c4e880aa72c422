"""Shared fixtures: every test runs isolated (own data folder, offline, no telemetry)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
CORPUS = REPO / "corpus"
DOSSIER = CORPUS / "dossier-mensenhandel-regio-rotterdam.txt"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    """No DOSSIER_* from the shell; index and feedback under tmp_path; nothing leaves the machine."""
    for name in list(os.environ):
        if name.startswith("DOSSIER_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DOSSIER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DOSSIER_CORPUS_DIR", str(CORPUS))  # absolute: tests do not depend on the cwd
    for name, value in {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "GRADIO_ANALYTICS_ENABLED": "False",
    }.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def settings():
    """Settings as the application builds them, from the isolated environment."""
    from ingest.settings import Settings

    return Settings()


@pytest.fixture
def small_corpus(tmp_path, monkeypatch) -> Path:
    """A corpus folder of the sample documents in tests/data (and DOSSIER_CORPUS_DIR pointing at it)."""
    from ingest.load import SUPPORTED_SUFFIXES

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted(DATA.iterdir()):
        if path.suffix.lower() in SUPPORTED_SUFFIXES and not path.stem.startswith("broken"):
            shutil.copy(path, corpus / path.name)
    monkeypatch.setenv("DOSSIER_CORPUS_DIR", str(corpus))
    return corpus
