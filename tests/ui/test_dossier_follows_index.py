"""The Dossier tab follows the index: after an ingest it lists new sections and drops removed ones.

A real page (Gradio on 127.0.0.1) over a real local index (hash embedder: the model is not the point),
in headless Chromium. Also: a stale choice gets a Dutch message, pop-up titles are Dutch, and the page
runs under the nonce CSP without one refusal.
"""

from __future__ import annotations

import time

import pytest
from ui_helpers import free_port

import ui
from assistant.core import REOPEN_CHECK_SECONDS, Assistant
from index.settings import Settings
from ingest.build import ingest_corpus
from page import guard
from tests.fakes import HashEmbedder

pytestmark = pytest.mark.browser

BEFORE = {
    "opvang.md": "# Opvang\n\n## Bedenktijd\n\nEen slachtoffer krijgt drie maanden bedenktijd.\n",
    "oud.md": "# Archief\n\n## Oude werkwijze\n\nVroeger ging een melding per fax naar de politie.\n",
}
NEW = "# Nieuw\n\n## Havenproject\n\nHet havenproject brengt signalen uit de haven samen bij één loket.\n"


@pytest.fixture
def live(tmp_path, monkeypatch):
    for name in [n for n in __import__("os").environ if n.startswith("DOSSIER_")]:
        monkeypatch.delenv(name)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in BEFORE.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=corpus, _env_file=None)
    ingest_corpus(settings, HashEmbedder())
    assistant = Assistant(settings, embedder=HashEmbedder())
    page = ui.build_page(assistant, settings)
    port = free_port()
    ui.launch(page, settings, "127.0.0.1", port, guard.resolve_auth(settings, "127.0.0.1"))
    try:
        yield f"http://127.0.0.1:{port}/", settings, corpus
    finally:
        page.close()


def toc(page) -> list[str]:
    return [label.strip() for label in page.locator("#inhoud label").all_inner_texts()]


def reingest(settings, corpus) -> None:
    (corpus / "oud.md").unlink()
    (corpus / "nieuw.md").write_text(NEW, encoding="utf-8")
    ingest_corpus(settings, HashEmbedder())
    time.sleep(REOPEN_CHECK_SECONDS + 0.3)  # the page looks for a newer index at most every 2 s


def test_after_an_ingest_the_dossier_tab_lists_the_new_section_and_not_the_removed_one(live, open_page):
    url, settings, corpus = live
    page, watch = open_page(url)
    page.get_by_role("tab", name="Dossier").click()
    page.locator("#inhoud label").filter(has_text="Oude werkwijze").wait_for()
    assert "Havenproject" not in toc(page)
    reingest(settings, corpus)
    page.get_by_role("tab", name="Vragen").click()
    page.get_by_role("tab", name="Dossier").click()
    page.locator("#inhoud label").filter(has_text="Havenproject").wait_for()
    assert "Oude werkwijze" not in toc(page) and "Bedenktijd" in toc(page)
    page.locator("#inhoud label").filter(has_text="Havenproject").click()
    page.locator("#hoofdstuk").filter(has_text="één loket").wait_for()
    assert watch.csp_refusals() == [] and watch.foreign_requests() == []


def test_a_stale_choice_gets_a_dutch_message_and_a_fresh_list(live, open_page):
    url, settings, corpus = live
    page, watch = open_page(url)
    page.get_by_role("tab", name="Dossier").click()
    stale = page.locator("#inhoud label").filter(has_text="Oude werkwijze")
    stale.wait_for()
    reingest(settings, corpus)  # the tab stays open: its list is now stale
    stale.click()
    toast = page.locator(".toast-body").last
    toast.wait_for()
    text = toast.inner_text()
    assert "staat niet meer in het dossier" in text and "Value" not in text and "choices" not in text
    page.locator("#inhoud label").filter(has_text="Havenproject").wait_for()
    assert "Oude werkwijze" not in toc(page)
    # The pop-up's title is Dutch: Gradio 6 writes "Error"/"Warning" whatever the title given.
    page.wait_for_function("() => [...document.querySelectorAll('.toast-title')].length > 0")
    titles = page.locator(".toast-title").all_inner_texts()
    assert titles and not {"Error", "Warning", "Info"} & {t.strip() for t in titles}, titles
    assert watch.csp_refusals() == []
