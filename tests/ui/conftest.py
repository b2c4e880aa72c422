"""Browser fixtures: one headless Chromium per session (Debian's, no download), screenshots, request log."""

import contextlib
import os
import re
import urllib.parse
from pathlib import Path

import pytest
from ui_helpers import ROOT, SCREENSHOTS, dossier_serve

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1"}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} ontbreekt: installeer het Debian-pakket chromium voor de browsertests")
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Watch:
    """What a page did: every request URL, dialogs that opened, console errors (CSP refusals among them)."""

    def __init__(self, page):
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("dialog", self._dialog)
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def foreign_requests(self) -> list[str]:
        return [
            u
            for u in self.requests
            if urllib.parse.urlsplit(u).hostname not in LOCAL_HOSTS
            and not u.startswith(("data:", "blob:", "about:"))
        ]

    def csp_refusals(self) -> list[str]:
        return [m for m in self.console_errors if "Content Security Policy" in m]


@pytest.fixture
def open_page(browser, request):
    """Open a URL in a fresh context (Dutch locale); yields (page, watch); saves a screenshot at the end."""
    contexts = []

    def _open(url: str, width: int = 1280, height: int = 900, scheme: str = "light", **options):
        ctx = browser.new_context(
            viewport={"width": width, "height": height},
            locale="nl-NL",
            timezone_id="Europe/Amsterdam",
            color_scheme=scheme,
            **options,
        )
        contexts.append(ctx)
        page = ctx.new_page()
        # Generous: beside the kill trials and ingest subprocesses of the other worker, a server round
        # trip once took over 20 s in a full run (2 s alone). Speed is measured in the bench, not here.
        page.set_default_timeout(45_000)
        watch = Watch(page)
        page.goto(url)
        page.wait_for_selector("#gesprek")
        page.wait_for_selector(".mp-phone")
        page.wait_for_selector("#vraag textarea")  # the question box renders last on a busy machine
        return page, watch

    yield _open
    SCREENSHOTS.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    for i, ctx in enumerate(contexts):
        for j, page in enumerate(ctx.pages):
            suffix = "" if (i, j) == (0, 0) else f"_{i}{j}"
            with contextlib.suppress(Exception):  # a screenshot is a courtesy; never fail a test on it
                page.screenshot(path=str(SCREENSHOTS / f"{name}{suffix}.png"), full_page=True)
        ctx.close()


@pytest.fixture(scope="session")
def served(tmp_path_factory):
    """URL of one `dossier serve` over the real dossier for the session, its output, its data folder."""
    data = tmp_path_factory.mktemp("served")
    with dossier_serve(data, ROOT / "corpus") as (url, lines):
        yield url, lines, data
