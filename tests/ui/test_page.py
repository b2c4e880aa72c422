"""The page in a real headless Chromium, against a fake assistant (hostile passages, errors, feedback).

The fake lets these tests show what the real dossier cannot: passages with <script> in them, an
assistant that fails, many questions in a minute. tests/ui/test_e2e.py runs the real `dossier serve`.
"""

import json

import pytest
from ui_fakes import FakeAssistant
from ui_helpers import SCREENSHOTS, ask, free_port, no_horizontal_overflow, open_source, toast_text

import ui
from index.settings import Settings
from page import guard
from tests.wcag import contrast_ratio

pytestmark = pytest.mark.browser


def start(tmp_path_factory, **overrides):
    data = tmp_path_factory.mktemp("data")
    settings = Settings(data_dir=data, **overrides)
    fake = FakeAssistant(open_now=False)
    page = ui.build_page(fake, settings)
    port = free_port()
    ui.launch(page, settings, "127.0.0.1", port, guard.resolve_auth(settings, "127.0.0.1"))
    return page, f"http://127.0.0.1:{port}/", fake, settings


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    page, url, fake, settings = start(tmp_path_factory, rate_limit_per_minute=1000, max_question_chars=300)
    yield url, fake, settings
    page.close()


@pytest.fixture(scope="module")
def strict_server(tmp_path_factory):
    page, url, fake, settings = start(tmp_path_factory, rate_limit_per_minute=2)
    yield url
    page.close()


def test_header_shows_meldpunt_closed_state(server, open_page):
    url, _, _ = server
    page, watch = open_page(url)
    phone = page.locator(".mp-phone")
    assert phone.inner_text() == "010 - 236 52 56"
    assert phone.get_attribute("href") == "tel:+31102365256"
    assert "Bel" in phone.get_attribute("aria-label")
    assert "nu gesloten" in page.locator(".mp-status").inner_text()
    assert "112" in page.locator(".mp-status").inner_text()
    assert watch.foreign_requests() == []
    assert watch.csp_refusals() == []


def test_situational_answer_card_sources_and_open_in_dossier(server, open_page):
    url, _, _ = server
    page, _ = open_page(url)
    answer = ask(page, "Waar meld ik arbeidsuitbuiting?", press_enter=True)
    text = answer.inner_text()
    assert text.index("010 - 236 52 56") < text.index("Arbeidsuitbuiting meld je")
    assert answer.locator('a[href="tel:+31102365256"]').count() == 1
    assert "[1] Dossier › Melden" in text and "dossier.txt" in text
    assert (
        "Arbeidsuitbuiting meld je bij het meld- en adviespunt." in answer.locator("mark").first.inner_text()
    )
    assert page.locator("#vraag textarea").input_value() == ""  # cleared for the next question
    heading = page.locator("#hoofdstuk h2").filter(has_text="Dossier › Melden")
    open_source(answer.locator("#naar-dossier-1-1"), heading)  # source 1 of the answer (chat message 1)
    assert "8:30 uur tot 22:00 uur" in page.locator("#hoofdstuk").inner_text()
    assert page.locator("#inhoud input[type=radio]:checked").get_attribute("value") == "Dossier › Melden"


def test_hostile_question_and_passage_show_as_text(server, open_page):
    url, _, _ = server
    page, watch = open_page(url)
    question = 'vreemd <img src=x onerror="window.__pwned=3"> <script>window.__pwned=4</script> ![a](http://evil.test/a.png)'
    answer = ask(page, question)
    user = page.locator('#gesprek [data-testid="user"]').last
    assert "<img src=x" in user.inner_text() and "<script>" in user.inner_text()
    assert "<script>window.__pwned=2</script>" in answer.inner_text()
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#gesprek img, #gesprek script, #gesprek iframe").count() == 0
    assert watch.dialogs == []
    assert watch.foreign_requests() == []
    heading = page.locator("#hoofdstuk h2").filter(has_text="Vreemd")
    open_source(answer.locator("button.naar-dossier").first, heading)
    assert "<b>hoofdstuk</b>" in page.locator("#hoofdstuk h2").inner_text()
    assert page.locator("#hoofdstuk img, #hoofdstuk script, #hoofdstuk b").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_out_of_scope_is_said_plainly(server, open_page):
    url, _, _ = server
    page, _ = open_page(url)
    answer = ask(page, "Hoe vraag ik een hondenpenning aan?")
    assert answer.inner_text().strip() == "Dat staat niet in het dossier."
    assert answer.locator("button.naar-dossier, a.bronverwijzing").count() == 0


def test_example_follow_up_and_new_conversation(server, open_page):
    url, fake, _ = server
    page, _ = open_page(url)
    example = ui.EXAMPLES[1]  # a look-up among the page's examples
    page.get_by_role("button", name=example).click()
    page.wait_for_selector('#gesprek [data-testid="bot"]')
    assert fake.questions[-1] == (example, [])
    ask(page, "En wat nog meer?")
    question, history = fake.questions[-1]
    assert question == "En wat nog meer?"
    assert [m["role"] for m in history] == ["user", "assistant"]
    assert history[0]["content"] == example
    assert (
        "[1]" in history[1]["content"] and "Bronnen" not in history[1]["content"]
    )  # clean text, not the page's
    page.click("#nieuw")
    page.wait_for_function("() => !document.querySelector('#gesprek [data-testid=\"bot\"]')")
    ask(page, "Nog een vraag")
    assert fake.questions[-1][1] == []


def test_feedback_is_stored_without_the_question(server, open_page):
    url, _, settings = server
    page, _ = open_page(url)
    answer = ask(page, "Wat zijn signalen, mijn cliënt heeft BSN 123456782?")
    feedback = settings.data_dir / "feedback.jsonl"
    before = feedback.read_text().count("\n") if feedback.exists() else 0
    page.locator('#gesprek button[aria-label="Vind ik leuk"]').last.click()
    page.locator("#opmerking textarea").wait_for()
    page.fill("#opmerking textarea", "Goede bron, bel me: 06-12345678")
    page.click("#verstuur-opmerking")
    page.locator("#feedback-melding").filter(has_text="opgeslagen").wait_for()
    entries = [json.loads(x) for x in feedback.read_text().splitlines()][before:]
    assert [e["rating"] for e in entries] == ["up", "up"]
    assert entries[0]["citations"][0]["section"] == "Dossier › Signalen"
    assert entries[1]["comment"] == "Goede bron, bel me: [telefoonnummer]"
    raw = feedback.read_text()
    assert "BSN" not in raw and "123456782" not in raw and "Wat zijn signalen" not in raw
    assert answer.is_visible()


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("   ", "Typ een vraag"),
        ("x" * 290 + " te lang " + "y" * 20, "de grens is 300 tekens"),
        ("Dit is kapot", "Er ging iets mis"),
        ("De index is beschadigd", "010 - 236 52 56"),  # a storing: the meldpunt, not admin commands
    ],
)
def test_errors_reach_the_officer_as_short_dutch_messages(server, open_page, question, expected):
    url, _, _ = server
    page, _ = open_page(url)
    if len(question) > 300:  # the browser's maxlength stops typing; a client could still send it
        page.evaluate("document.querySelector('#vraag textarea').removeAttribute('maxlength')")
    page.fill("#vraag textarea", question)
    page.click("#verstuur")
    text = toast_text(page)
    assert expected in text
    assert (
        "Traceback" not in text and "RuntimeError" not in text and "kapot" not in text.replace(question, "")
    )
    assert "dossier ingest" not in text and "http" not in text  # those are for the operator's log


def test_question_box_stops_at_max_length(server, open_page):
    url, _, settings = server
    page, _ = open_page(url)
    assert page.locator("#vraag textarea").get_attribute("maxlength") == str(settings.max_question_chars)


def test_rate_limit_message(strict_server, open_page):
    page, _ = open_page(strict_server)
    ask(page, "vraag een")
    ask(page, "vraag twee")
    page.fill("#vraag textarea", "vraag drie")
    page.click("#verstuur")
    text = toast_text(page)
    assert "maximaal 2 per minuut" in text and "seconden" in text


def test_dossier_tab_lists_sections_and_shows_text(server, open_page):
    url, _, _ = server
    page, _ = open_page(url)
    page.get_by_role("tab", name="Dossier").click()
    radios = page.locator("#inhoud input[type=radio]")
    assert radios.count() == 3
    labels = page.locator("#inhoud label").all_inner_texts()
    assert [label.strip() for label in labels] == ["Signalen", "Melden", "Vreemd <b>hoofdstuk</b>"]
    assert labels[0].startswith("\u2003")  # nested one level: indented
    assert "Signalen van mensenhandel" in page.locator("#hoofdstuk").inner_text()
    page.locator("#inhoud label").filter(has_text="Melden").click()
    page.locator("#hoofdstuk h2").filter(has_text="Dossier › Melden").wait_for()
    assert "010 - 236 52 56" in page.locator("#hoofdstuk").inner_text()


def test_phone_viewport_has_no_horizontal_overflow(server, open_page):
    url, _, _ = server
    page, watch = open_page(url, width=390, height=844)
    ask(page, "Waar meld ik arbeidsuitbuiting?")
    ask(page, "vreemd " + "https://heel-lange-url.example/" + "a" * 120)
    m = no_horizontal_overflow(page)
    assert m["doc"] <= 390, m
    assert m["chatRight"] <= 390 and m["wide"] == [], m
    assert page.locator(".mp-phone").is_visible()
    assert watch.foreign_requests() == []


def test_contrast_and_labels(server, open_page):
    url, _, _ = server
    page, _ = open_page(url)
    ask(page, "Waar meld ik arbeidsuitbuiting?")
    colours = page.evaluate(
        """() => {
        const hex = n => (+n).toString(16).padStart(2, '0');
        const rgb = s => '#' + s.match(/\\d+/g).slice(0, 3).map(hex).join('');
        const bg = e => {
            for (; e; e = e.parentElement) {
                const c = getComputedStyle(e).backgroundColor;
                if (c && !c.endsWith(', 0)') && c !== 'transparent') return rgb(c);
            }
            return '#ffffff';
        };
        const pair = sel => {
            const e = document.querySelector(sel);
            return [rgb(getComputedStyle(e).color), bg(e)];
        };
        return {phone: pair('.mp-phone'), status: pair('.mp-status'), send: pair('#verstuur'),
                answer: pair('#gesprek [data-testid="bot"] p'), label: pair('#vraag label span')};
    }"""
    )
    for name, (fg, bg) in colours.items():
        assert contrast_ratio(fg, bg) >= 4.5, (name, fg, bg)
    assert page.get_by_label("Uw vraag").count() == 1
    assert page.get_by_role("button", name="Vraag stellen").count() == 1
    assert page.get_by_role("button", name="Nieuw gesprek").count() == 1


def test_copy_answer_as_plain_text(server, open_page):
    url, _, _ = server
    page, _ = open_page(url)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
    ask(page, "Waar meld ik arbeidsuitbuiting?")
    page.click("#kopieer")
    page.locator(".toast-body").filter(has_text="klembord").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Bel het Meld- en adviespunt mensenhandel (ESSM): 010 - 236 52 56 [1]")
    source = "[1] Dossier › Melden (dossier.txt): “Arbeidsuitbuiting meld je bij het meld- en adviespunt.”"
    assert source in copied
    assert "<mark>" not in copied and "**" not in copied


def test_login_when_auth_is_configured(tmp_path_factory, browser):
    page_app, url, _, _ = start(tmp_path_factory, auth_user="afm", auth_password="juist-wachtwoord")
    try:
        ctx = browser.new_context(locale="nl-NL")
        page = ctx.new_page()
        page.set_default_timeout(20_000)
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(url)
        page.get_by_text("Log in om de vraagbaak mensenhandel te gebruiken.").wait_for()
        assert page.locator(".mp-phone").count() == 0  # nothing of the page before logging in
        for password in ("fout", "juist-wachtwoord"):
            page.get_by_label("Gebruikersnaam").fill("afm")  # Gradio's login page, in the browser's Dutch
            page.get_by_label("Wachtwoord").fill(password)
            page.get_by_role("button", name="Inloggen").click()
            if password == "fout":
                page.wait_for_timeout(1000)
                assert page.locator(".mp-phone").count() == 0
        page.locator(".mp-phone").wait_for()
        assert all(r.startswith(url.rstrip("/")) for r in requests), requests
        page.screenshot(path=str(SCREENSHOTS / "test_login_when_auth_is_configured.png"), full_page=True)
        ctx.close()
    finally:
        page_app.close()


def test_header_follows_the_clock_without_questions(tmp_path_factory, open_page, monkeypatch):
    monkeypatch.setattr(ui, "HEADER_REFRESH_SECONDS", 1)
    page_app, url, fake, _ = start(tmp_path_factory)
    try:
        page, _ = open_page(url)
        assert "nu gesloten" in page.locator(".mp-status").inner_text()
        fake.open_now = True  # 8:30 passes
        page.locator(".mp-status").filter(has_text="nu bereikbaar").wait_for(timeout=10_000)
        assert page.locator(".meldpunt.mp-open").count() == 1
    finally:
        page_app.close()
