"""End to end: the real `dossier serve` (real model, real index of the real dossier) in headless Chromium.

One server per session (conftest's `served`), started on a free port with an empty data folder:
`serve` finds no index, ingests the corpus first (the path a fresh machine takes), warms up, and
prints "Klaar".
"""

import re
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from ui_helpers import (
    DOSSIER,
    ROOT,
    ask,
    dossier_env,
    dossier_serve,
    free_port,
    no_horizontal_overflow,
    open_source,
)

PHONE = "010 - 236 52 56"

pytestmark = [pytest.mark.integration]


def expected_status() -> str:
    now = datetime.now(ZoneInfo("Europe/Amsterdam"))
    minutes = now.hour * 60 + now.minute
    return "nu bereikbaar" if 8 * 60 + 30 <= minutes < 22 * 60 else "nu gesloten"


@pytest.mark.browser
def test_serve_built_the_index_first_and_said_so(served):
    _, lines, data = served
    text = "\n".join(lines)
    assert "nog geen index" in text
    assert re.search(r"Klaar in \d+\.\d s: http://127\.0\.0\.1:\d+", text)
    assert "Traceback" not in text


@pytest.mark.browser
def test_meldpunt_question_shows_number_and_sources(served, open_page):
    url, _, _ = served
    page, watch = open_page(url)
    answer = ask(page, "Waar meld ik arbeidsuitbuiting?", press_enter=True)
    text = answer.inner_text()
    assert PHONE in text
    assert answer.locator('a[href="tel:+31102365256"]').count() >= 1
    assert "Bronnen" in text
    sources = re.findall(r"^\[(\d+)\] (.+?) · (\S+\.txt)$", text, re.MULTILINE)
    assert sources, text
    assert all(src == "dossier-mensenhandel-regio-rotterdam.txt" for _, _, src in sources)
    assert answer.locator("mark").count() >= 1
    assert watch.foreign_requests() == []


@pytest.mark.browser
def test_out_of_scope_question_is_refused(served, open_page):
    url, _, _ = served
    page, _ = open_page(url)
    answer = ask(page, "Hoe vraag ik een hondenpenning aan?")
    text = answer.inner_text()
    assert text.startswith("Dat staat niet in het dossier.")
    assert "Bronnen" not in text


@pytest.mark.browser
def test_header_shows_open_or_closed_now(served, open_page):
    url, _, _ = served
    before = expected_status()
    page, _ = open_page(url)
    status = page.locator(".mp-status").inner_text()
    assert status.startswith(before) or status.startswith(expected_status())
    if "gesloten" in status:
        assert "8:30" in status and "112" in status
    assert page.locator(".mp-phone").inner_text() == PHONE
    assert page.locator(".mp-phone").get_attribute("href") == "tel:+31102365256"


@pytest.mark.browser
def test_dossier_tab_shows_sections_and_text(served, open_page):
    url, _, _ = served
    page, _ = open_page(url)
    page.get_by_role("tab", name="Dossier").click()
    assert page.locator("#inhoud input[type=radio]").count() > 10
    page.locator("#inhoud label").filter(has_text=re.compile(r"^\W*Arbeidsuitbuiting$")).click()
    page.locator("#hoofdstuk h2").filter(has_text="Arbeidsuitbuiting").wait_for()
    assert "werven, vervoeren, overbrengen" in page.locator("#hoofdstuk").inner_text()


@pytest.mark.browser
def test_source_opens_in_dossier_tab(served, open_page):
    url, _, _ = served
    page, _ = open_page(url)
    answer = ask(page, "Wat houdt mensensmokkel in?")
    head = answer.locator(".bron-kop").first.inner_text()
    chosen = re.match(r"\[\d+\] (.+?) · ", head).group(1)
    heading = page.locator("#hoofdstuk h2").filter(has_text=chosen)
    open_source(answer.locator("button.naar-dossier").first, heading)
    assert page.get_by_role("tab", name="Dossier").get_attribute("aria-selected") == "true"


@pytest.mark.browser
def test_hostile_question_shows_as_text(served, open_page):
    url, _, _ = served
    page, watch = open_page(url)
    question = "<img src=x onerror=alert(1)> <script>alert(2)</script> Wat is mensenhandel?"
    ask(page, question)
    user = page.locator('#gesprek [data-testid="user"]').last
    assert "<img src=x onerror=alert(1)>" in user.inner_text()
    assert "<script>alert(2)</script>" in user.inner_text()
    assert page.locator("#gesprek img, #gesprek script").count() == 0
    page.wait_for_timeout(500)  # give an injected handler the chance to fire
    assert watch.dialogs == []


@pytest.mark.browser
def test_page_loads_nothing_from_elsewhere(served, open_page):
    url, _, _ = served
    page, watch = open_page(url)
    ask(page, "Wat zijn signalen van mensenhandel?")
    page.locator("#gesprek details summary").first.click()
    page.get_by_role("tab", name="Dossier").click()
    page.locator("#hoofdstuk h2").wait_for()
    page.wait_for_timeout(1000)  # not "networkidle": Gradio keeps a heartbeat stream open
    assert len(watch.requests) > 5
    assert watch.foreign_requests() == []
    assert watch.csp_refusals() == []  # nothing even tried (the CSP would have blocked it)
    fonts = page.evaluate("getComputedStyle(document.querySelector('#vraag textarea')).fontFamily")
    assert "system-ui" in fonts


@pytest.mark.browser
def test_phone_viewport(served, open_page):
    url, _, _ = served
    page, _ = open_page(url, width=390, height=844)
    answer = ask(page, "Ik vermoed uitbuiting bij een inwoner, wat moet ik doen?")
    assert PHONE in answer.inner_text()
    m = no_horizontal_overflow(page)
    assert m["doc"] <= 390 and m["wide"] == [], m
    assert page.locator(".mp-phone").is_visible()


def test_api_endpoint_ask(served):
    from gradio_client import Client

    url, _, _ = served
    client = Client(url, verbose=False)
    result = client.predict("Waar meld ik arbeidsuitbuiting?", api_name="/ask")
    assert result["situational"] is True
    assert result["meldpunt"]["phone"] == PHONE
    assert result["citations"] and result["citations"][0]["section"]
    assert "[1]" in result["answer"]


def test_public_host_without_auth_refuses_to_start(tmp_path):
    # Safety net: if the guard ever failed, the missing model stops the start before anything binds.
    env = dossier_env(tmp_path, DOSSIER_EMBEDDING_MODEL=str(tmp_path / "geen-model"))
    result = subprocess.run(
        [str(DOSSIER), "serve", "--host", "0.0.0.0", "--port", str(free_port())],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("dossier: Weigering: luisteren op 0.0.0.0 zonder wachtwoord")
    assert "DOSSIER_AUTH_USER" in result.stderr and "Traceback" not in result.stderr
    assert "Klaar" not in result.stdout


HOSTILE = ROOT / "tests" / "data" / "hostile"


@pytest.mark.browser
@pytest.mark.skipif(not HOSTILE.is_dir(), reason="tests/data/hostile ontbreekt")
def test_hostile_documents_show_as_text(tmp_path, open_page):
    """Documents with <script>, onerror, javascript: links and remote images, through ingest and the page."""
    with dossier_serve(tmp_path, HOSTILE) as (url, _):
        page, watch = open_page(url)
        for question in ("Waar registreer ik een signaal?", "Wat is een signaal van arbeidsuitbuiting?"):
            answer = ask(page, question)
            assert "Bronnen" in answer.inner_text() or "niet in het dossier" in answer.inner_text()
        for details in page.locator("#gesprek details").all():
            details.click()  # unfold every passage: whatever is in them is now on the page
        page.get_by_role("tab", name="Dossier").click()
        for label in page.locator("#inhoud label").all():
            label.click()
            page.wait_for_timeout(300)
            assert (
                page.locator("#hoofdstuk img, #hoofdstuk script, #hoofdstuk iframe, #hoofdstuk a").count()
                == 0
            )
        page.wait_for_timeout(500)
        assert page.locator("#gesprek img, #gesprek script, #gesprek iframe, #gesprek link").count() == 0
        hrefs = page.eval_on_selector_all("#gesprek a", "links => links.map(a => a.getAttribute('href'))")
        assert not [h for h in hrefs if h and h.lower().startswith("javascript:")], hrefs
        assert watch.dialogs == []
        assert watch.foreign_requests() == []
        assert watch.csp_refusals() == []
