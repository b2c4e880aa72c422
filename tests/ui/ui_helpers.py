"""Helpers of the page tests: free ports, asking in the page, reading toasts, measuring overflow.

A module of its own (not conftest) so the test modules can import it: several conftest.py files exist.
"""

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from index.offline import OFFLINE_ENV

ROOT = Path(__file__).resolve().parents[2]
DOSSIER = Path(sys.executable).with_name("dossier")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def open_source(button, shown, tries: int = 3) -> None:
    """Click "Open in dossier" until `shown` (a locator in the Dossier tab) is there. In two clean-clone
    runs on a heavily loaded machine a click opened nothing within 45 s (cause not found; alone and
    under three busy loops it always opens); an officer would click again, and so does the test."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(tries):
        button.click()
        try:
            shown.wait_for(timeout=20_000)
            return
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise


def ask(page, question: str, *, press_enter: bool = False):
    """Type a question and send it; returns the locator of the newest answer once it is there."""
    before = page.locator('#gesprek [data-testid="bot"]').count()
    page.fill("#vraag textarea", question)
    if press_enter:
        page.press("#vraag textarea", "Enter")
    else:
        page.click("#verstuur")
    # An answer on a busy 2-core test machine (the other worker running kill trials), the first one of a
    # fresh server loading its models, once took longer than Playwright's 20 s default; speed is measured
    # in `make bench`, not here.
    page.wait_for_function(
        "n => document.querySelectorAll('#gesprek [data-testid=\"bot\"]').length > n",
        arg=before,
        timeout=60_000,
    )
    return page.locator('#gesprek [data-testid="bot"]').last


def toast_text(page) -> str:
    """Text of the error toast that appears for gr.Error."""
    toast = page.locator(".toast-body").last
    toast.wait_for()
    return toast.inner_text()


def no_horizontal_overflow(page) -> dict:
    return page.evaluate(
        """() => {
        const doc = document.documentElement;
        const chat = document.querySelector('#gesprek');
        const wide = [...document.querySelectorAll('#gesprek *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.className);
        return {doc: doc.scrollWidth, viewport: window.innerWidth,
                chatRight: chat.getBoundingClientRect().right, wide: wide.slice(0, 5)};
    }"""
    )


def dossier_env(data_dir: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOSSIER_")}
    env.update(
        DOSSIER_DATA_DIR=str(data_dir),
        DOSSIER_CORPUS_DIR=str(ROOT / "corpus"),
        PYTHONUNBUFFERED="1",
        **OFFLINE_ENV,
    )
    env.update(extra)
    return env


@contextlib.contextmanager
def dossier_serve(data: Path, corpus: Path):
    """Run `dossier serve` on a free port until the block ends; yields (url, output lines)."""
    port = free_port()
    started = time.monotonic()
    proc = subprocess.Popen(
        [str(DOSSIER), "serve", "--port", str(port)],
        cwd=data,  # no stray .env from the checkout
        env=dossier_env(data, DOSSIER_CORPUS_DIR=str(corpus)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    ready = threading.Event()

    def read():
        for line in proc.stdout:
            lines.append(line.rstrip())
            if line.startswith("Klaar"):
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        deadline = time.monotonic() + 300
        while not ready.is_set() and proc.poll() is None and time.monotonic() < deadline:
            ready.wait(0.2)
        if not ready.is_set():
            pytest.fail("dossier serve kwam niet op:\n" + "\n".join(lines[-30:]))
        print(f"\n[e2e] dossier serve (met ingest) klaar na {time.monotonic() - started:.1f} s: {lines[-1]}")
        yield f"http://127.0.0.1:{port}/", lines
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
