"""A hung Chroma server: every caller gets a Dutch message within the configured timeout, then recovers.

Two kinds of hang, both real: a listener that accepts connections and never answers, and a real
`chroma run` frozen with SIGSTOP. `dossier ask/status/ingest` exit with the message; a long-running
Assistant and the page (Gradio on 127.0.0.1) answer the officer with a short message and the meldpunt,
free their slot, and work again once the server thaws, without a restart.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from test_chroma_server import ChromaServer, free_port

from index import chroma as server
from index.errors import IndexUnavailable
from index.offline import OFFLINE_ENV
from index.settings import Settings
from ingest.build import ingest_corpus
from tests.fakes import HashEmbedder

pytestmark = pytest.mark.integration

DOSSIER = Path(sys.executable).with_name("dossier")
QUESTION = "Hoe lang is de bedenktijd voor een slachtoffer?"
DOC = "# Opvang\n\n## Bedenktijd\n\nEen slachtoffer van mensenhandel krijgt drie maanden bedenktijd.\n"
DEFAULT_LIMIT = 30.0  # the bound for the default timeout, start-up of the command included


def clean_env(tmp_path: Path, url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOSSIER_")}
    env.update(
        DOSSIER_CHROMA_URL=url,
        DOSSIER_DATA_DIR=str(tmp_path / "data"),
        DOSSIER_CORPUS_DIR=str(tmp_path / "corpus"),
        **OFFLINE_ENV,
        **extra,
    )
    return env


def timed(args: list[str], env: dict) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    run = subprocess.run([str(DOSSIER), *args], env=env, capture_output=True, text=True, timeout=120)
    return run, time.monotonic() - started


@pytest.fixture
def silent_listener():
    """A TCP listener on 127.0.0.1 that accepts every connection and never sends a byte."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        for conn in held:
            conn.close()
        listener.close()


def test_dossier_ask_against_a_listener_that_never_answers_exits_within_the_default_timeout(
    tmp_path, silent_listener
):
    (tmp_path / "corpus").mkdir()
    run, took = timed(["ask", QUESTION], clean_env(tmp_path, silent_listener))
    assert took <= DEFAULT_LIMIT, took
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "antwoordt niet" in run.stderr and f"na {Settings().chroma_read_timeout:g} s" in run.stderr
    assert Settings().chroma_read_timeout + Settings().chroma_connect_timeout < DEFAULT_LIMIT


@pytest.mark.parametrize("command", [["status"], ["ingest"], ["ask", "--json", QUESTION]])
def test_every_command_says_the_same_within_a_configured_timeout(tmp_path, silent_listener, command):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "opvang.md").write_text(DOC, encoding="utf-8")
    env = clean_env(tmp_path, silent_listener, DOSSIER_CHROMA_READ_TIMEOUT="2")
    run, took = timed(command, env)
    assert run.returncode == 2 and "antwoordt niet (ReadTimeout na 2 s)" in run.stderr, run.stderr
    assert "DOSSIER_CHROMA_READ_TIMEOUT" in run.stderr and "Traceback" not in run.stderr
    assert took < 2 + 20, took  # the timeout plus start-up on a busy machine, not "until killed"


@pytest.fixture
def frozen_setup(tmp_path, monkeypatch):
    """A real `chroma run` with a small index; returns (server, settings with a 2 s read timeout)."""
    for name in [n for n in os.environ if n.startswith("DOSSIER_")]:
        monkeypatch.delenv(name)
    monkeypatch.setattr(server, "HUNG_SECONDS", 1.0)
    port = free_port()
    running = ChromaServer(f"http://127.0.0.1:{port}", port, tmp_path / "chroma", tmp_path / "chroma.log")
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "opvang.md").write_text(DOC, encoding="utf-8")
    settings = Settings(
        chroma_url=running.url,
        chroma_read_timeout=2.0,
        oos_min_dense=0.3,  # the hash fake's cosines run lower than the real model's (calibrated 0.67)
        data_dir=tmp_path / "data",
        corpus_dir=tmp_path / "corpus",
        _env_file=None,
    )
    try:
        running.start()
        ingest_corpus(settings, HashEmbedder())
        yield running, settings
    finally:
        if running.proc is not None and running.proc.poll() is None:
            os.killpg(running.proc.pid, signal.SIGCONT)
        running.stop()


def freeze(running: ChromaServer, frozen: bool) -> None:
    os.killpg(running.proc.pid, signal.SIGSTOP if frozen else signal.SIGCONT)


def test_a_frozen_chroma_server_gives_a_message_within_the_timeout_and_recovers(frozen_setup, tmp_path):
    from assistant.core import REOPEN_CHECK_SECONDS, Assistant

    running, settings = frozen_setup
    assistant = Assistant(settings, embedder=HashEmbedder())
    assert assistant.ask(QUESTION).citations
    freeze(running, True)
    try:
        time.sleep(REOPEN_CHECK_SECONDS + 0.1)  # the next question checks for a newer index first
        started = time.monotonic()
        with pytest.raises(IndexUnavailable, match=r"antwoordt niet \(ReadTimeout na 2 s\)"):
            assistant.ask(QUESTION)
        assert time.monotonic() - started < 2 * 2 + 1  # one timeout; the second call fails at once
        started = time.monotonic()
        with pytest.raises(IndexUnavailable):
            assistant.ask(QUESTION)
        assert time.monotonic() - started < 1.0  # known hung: no second wait
        env = clean_env(tmp_path, settings.chroma_url, DOSSIER_CHROMA_READ_TIMEOUT="3")
        run, took = timed(["ask", QUESTION], env)
        assert run.returncode == 2 and "antwoordt niet (ReadTimeout na 3 s)" in run.stderr, run.stderr
        assert took < 3 + 20, took
    finally:
        freeze(running, False)
    time.sleep(server.HUNG_SECONDS + 0.1)
    assert assistant.ask(QUESTION).citations  # thawed: answers again, same process, no restart


def test_the_page_answers_a_frozen_server_with_a_short_message_and_frees_its_slots(frozen_setup):
    from gradio_client import Client

    import ui
    from assistant.core import Assistant
    from page import guard

    running, settings = frozen_setup
    settings = settings.model_copy(update={"concurrency_limit": 2, "rate_limit_per_minute": 100})
    assistant = Assistant(settings, embedder=HashEmbedder())
    page = ui.build_page(assistant, settings)
    port = free_port()
    ui.launch(page, settings, "127.0.0.1", port, guard.resolve_auth(settings, "127.0.0.1"))
    url = f"http://127.0.0.1:{port}/"

    def ask(_=None) -> tuple[str | None, float]:
        client = Client(url, verbose=False)
        started = time.monotonic()
        try:
            client.predict(QUESTION, api_name="/ask")
            return None, time.monotonic() - started
        except Exception as err:  # noqa: BLE001 - AppError carries the officer's message
            return str(err), time.monotonic() - started
        finally:
            client.close()

    try:
        assert ask()[0] is None
        freeze(running, True)
        time.sleep(2.1)
        with ThreadPoolExecutor(4) as pool:  # more questions than slots
            results = list(pool.map(ask, range(4)))
        for message, took in results:
            assert message and "niet bereikbaar" in message and "010 - 236 52 56" in message, message
            assert running.url not in message and "chroma run" not in message and "DOSSIER_" not in message
            assert took < 2 + 8, took  # the first waits one timeout; the others are told at once
        freeze(running, False)
        time.sleep(server.HUNG_SECONDS + 2.1)
        assert ask()[0] is None  # the slots were freed and the thawed server answers
    finally:
        freeze(running, False)
        page.close()
