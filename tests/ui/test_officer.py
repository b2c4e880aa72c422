"""The page in an officer's hand (issue 11): phone and desktop, light and dark, on the real `dossier serve`.

Each test names the Done-when item it checks. The server is the session's one (conftest `served`);
every test opens its own browser context, so storage starts empty. Screenshots of each view go to
tests/screenshots/ (gitignored): `<view>-start.png`, `<view>-answer.png`, `<view>-dossier.png`.
"""

import re
import urllib.request

import pytest
from ui_helpers import SCREENSHOTS, ask, open_source

pytestmark = [pytest.mark.browser, pytest.mark.integration]

VIEWS = {
    "phone-light": (390, 844, "light"),
    "phone-dark": (390, 844, "dark"),
    "desktop-light": (1280, 900, "light"),
    "desktop-dark": (1280, 900, "dark"),
}
SITUATION = "Ik vermoed uitbuiting bij een inwoner, wat moet ik doen?"
LOOKUP = "Wat zijn signalen van mensenhandel?"

# Is the element's middle on screen and the topmost thing there (not under the sticky header or the bar)?
SEEN = """sel => {
  const e = document.querySelector(sel);
  if (!e) return {found: false};
  const r = e.getBoundingClientRect();
  const x = Math.min(Math.max(r.left + Math.min(r.width, 40) / 2, 0), innerWidth - 1);
  const y = r.top + Math.min(r.height, 30) / 2;
  const top = y >= 0 && y < innerHeight ? document.elementFromPoint(x, y) : null;
  return {found: true, top: Math.round(r.top), bottom: Math.round(r.bottom), height: innerHeight,
          onTop: !!top && (e === top || e.contains(top) || top.contains(e))};
}"""


def seen(page, selector: str) -> dict:
    return page.evaluate(SEEN, selector)


def assert_seen(page, selector: str):
    where = seen(page, selector)
    assert where["found"] and where["onTop"], (selector, where)


def open_view(open_page, url: str, view: str):
    width, height, scheme = VIEWS[view]
    page, watch = open_page(url, width=width, height=height, scheme=scheme)
    page.wait_for_timeout(300)  # the page's script runs after the first paint
    return page, watch


def shot(page, name: str):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def colour(page, selector: str, prop: str = "color") -> tuple[str, str]:
    """(foreground, effective background) of an element as #rrggbb."""
    return page.evaluate(
        """([sel, prop]) => {
        const hex = n => (+n).toString(16).padStart(2, '0');
        const rgb = s => '#' + s.match(/[\\d.]+/g).slice(0, 3).map(hex).join('');
        let e = document.querySelector(sel);
        const fg = rgb(getComputedStyle(e)[prop]);
        for (; e; e = e.parentElement) {
            const c = getComputedStyle(e).backgroundColor;
            if (c && !/,\\s*0\\)$/.test(c) && c !== 'transparent') return [fg, rgb(c)];
        }
        return [fg, rgb(getComputedStyle(document.body).backgroundColor)];
    }""",
        [selector, prop],
    )


def contrast(fg: str, bg: str) -> float:
    def lum(h):
        rgb = [int(h[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(fg), lum(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def serious_axe(page) -> list:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


# ---------------------------------------------------------------- phone first


@pytest.mark.parametrize("view", VIEWS)
def test_number_and_question_box_in_view_on_load(served, open_page, view):
    page, watch = open_view(open_page, served[0], view)
    assert page.evaluate("window.scrollY") == 0  # no autofocus jump
    assert_seen(page, ".mp-phone")
    assert_seen(page, "#vraag textarea")
    assert page.locator(".mp-phone").get_attribute("href") == "tel:+31102365256"
    assert page.evaluate("getComputedStyle(document.querySelector('#vraag textarea')).fontSize") == "16px"
    shot(page, f"{view}-start")
    assert watch.foreign_requests() == []


@pytest.mark.parametrize("view", ["phone-light", "desktop-dark"])
def test_number_and_question_box_stay_while_reading_an_answer(served, open_page, view):
    page, _ = open_view(open_page, served[0], view)
    answer = ask(page, SITUATION)
    page.wait_for_timeout(300)
    if view.startswith("phone"):
        # One scrolling area: the chat grows with the answer, the page scrolls.
        inner = page.evaluate(
            "() => [...document.querySelectorAll('#gesprek *')].filter(e => e.scrollHeight > e.clientHeight"
            " + 2 && ['auto', 'scroll'].includes(getComputedStyle(e).overflowY)).length"
        )
        assert inner == 0
        box = answer.bounding_box()
        assert box["height"] > 844  # a real answer: longer than the screen
        page.evaluate("y => window.scrollTo(0, y)", box["y"] + page.evaluate("scrollY") + box["height"] / 2)
        page.wait_for_timeout(200)
        assert page.evaluate("scrollY") > 400  # reading the middle of it
    assert_seen(page, ".mp-phone")
    assert_seen(page, "#vraag textarea")
    shot(page, f"{view}-reading")


# ---------------------------------------------------------------- citations as links


@pytest.mark.parametrize("view", ["phone-dark", "desktop-light"])
def test_citation_link_brings_its_source_into_view(served, open_page, view):
    page, _ = open_view(open_page, served[0], view)
    answer = ask(page, LOOKUP)
    links = answer.locator("a.bronverwijzing")
    assert links.count() >= 1
    markers = re.findall(r"\[(\d+)\]", answer.locator("a.bronverwijzing").first.inner_text())
    target = links.first.get_attribute("href")
    assert re.fullmatch(r"#bron-\d+-\d+", target) and target.endswith(f"-{markers[0]}")
    page.wait_for_timeout(500)  # the page has scrolled to the new question
    if view.startswith("phone"):
        page.evaluate("window.scrollTo(0, 0)")
    links.first.click()
    page.wait_for_timeout(500)
    assert_seen(page, target)
    source = page.locator(target)
    assert source.inner_text().startswith(f"[{markers[0]}] ")
    assert source.locator("mark").count() >= 1  # the supporting sentence, highlighted
    shot(page, f"{view}-citation")


@pytest.mark.parametrize("view", ["phone-light", "desktop-dark"])
def test_open_in_dossier_scrolls_to_the_passage_and_highlights_it(served, open_page, view):
    page, _ = open_view(open_page, served[0], view)
    answer = ask(page, LOOKUP)
    source = answer.locator(".bron:has(> blockquote mark)").first  # a source the answer quotes
    section = re.match(r"\[\d+\] (.+?) · ", source.locator(".bron-kop").inner_text()).group(1)
    open_source(source.locator("button.naar-dossier"), page.locator("#hoofdstuk #passage"))
    page.wait_for_timeout(500)
    assert page.get_by_role("tab", name="Dossier").get_attribute("aria-selected") == "true"
    assert page.locator("#hoofdstuk h2").inner_text() == section
    assert page.locator("#inhoud input:checked").get_attribute("value") == section
    assert_seen(page, "#hoofdstuk #passage")
    assert page.locator("#hoofdstuk .passage mark").count() >= 1
    shot(page, f"{view}-dossier")


# ---------------------------------------------------------------- the conversation in the browser


def test_reload_keeps_the_conversation_and_new_conversation_clears_it(served, open_page):
    url, _, data = served
    page, _ = open_view(open_page, url, "phone-light")
    question = "Welke signalen van arbeidsuitbuiting noemt het dossier?"
    first = ask(page, question).inner_text()
    page.reload()
    page.locator('#gesprek [data-testid="bot"]').first.wait_for()
    assert page.locator('#gesprek [data-testid="user"]').last.inner_text().strip() == question
    assert page.locator('#gesprek [data-testid="bot"]').last.inner_text() == first
    link = page.locator('#gesprek [data-testid="bot"] a.bronverwijzing').first
    link.click()  # the restored answer's citations still lead to their sources
    page.wait_for_timeout(400)
    assert_seen(page, link.get_attribute("href"))
    stored = page.evaluate("JSON.stringify(localStorage)")
    assert question not in stored  # kept encrypted (Gradio's BrowserState), not as plain text
    kept_on_server = [p for p in data.rglob("*") if p.is_file() and question.encode() in p.read_bytes()]
    assert kept_on_server == []
    page.click("#nieuw")
    page.wait_for_function("() => !document.querySelector('#gesprek [data-testid=\"bot\"]')")
    page.reload()
    page.locator(".mp-phone").wait_for()
    page.wait_for_timeout(1000)
    assert page.locator('#gesprek [data-testid="bot"]').count() == 0


def test_download_holds_questions_answers_and_sources(served, open_page):
    page, _ = open_view(open_page, served[0], "desktop-light")
    ask(page, LOOKUP)
    ask(page, SITUATION)
    with page.expect_download() as info:
        page.click("#download")
    download = info.value
    assert re.fullmatch(r"vraagbaak-gesprek-\d{4}-\d\d-\d\d-\d{4}\.txt", download.suggested_filename)
    text = download.path().read_text(encoding="utf-8")
    assert f"Vraag 1: {LOOKUP}" in text and f"Vraag 2: {SITUATION}" in text
    assert text.count("Bronnen:") == 2 and "010 - 236 52 56" in text
    assert "<" not in text and "**" not in text


def test_both_copy_actions_give_the_same_clean_text(served, open_page):
    url = served[0]
    page, _ = open_view(open_page, url, "phone-light")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
    answer = ask(page, SITUATION)
    answer.locator("button.kopieer").click()
    in_message = page.evaluate("navigator.clipboard.readText()")
    page.evaluate("navigator.clipboard.writeText('')")
    page.click("#kopieer")
    page.locator(".toast-body").filter(has_text="klembord").wait_for()
    from_toolbar = page.evaluate("navigator.clipboard.readText()")
    assert in_message == from_toolbar
    assert in_message.startswith("Bel het Meld- en adviespunt")
    assert "\n\nBronnen:\n[1] " in in_message
    assert not re.search(r"<[a-z/]|\*\*|\\\[|&[a-z]+;", in_message)


# ---------------------------------------------------------------- the Dossier tab


@pytest.mark.parametrize("view", ["phone-light", "phone-dark"])
def test_dossier_tab_on_a_phone_uses_the_full_width(served, open_page, view):
    page, _ = open_view(open_page, served[0], view)
    page.get_by_role("tab", name="Dossier").click()
    page.locator("#hoofdstuk h2").wait_for()
    page.wait_for_timeout(300)
    text = page.locator("#hoofdstuk").bounding_box()
    assert text["width"] >= 300
    toc = page.locator("#inhoud-vak").bounding_box()
    assert toc["y"] + toc["height"] <= text["y"] + 1  # the table of contents above the text
    assert toc["height"] <= 80  # collapsed
    assert not page.locator("#inhoud").is_visible()
    page.locator("#inhoud-vak").get_by_text("Inhoudsopgave").first.click()  # it opens on a tap
    page.locator("#inhoud").wait_for()
    m = page.evaluate("document.documentElement.scrollWidth")
    assert m <= 390


@pytest.mark.parametrize("view", ["phone-light", "desktop-light"])
def test_dossier_search_finds_crisisopvang(served, open_page, view):
    page, watch = open_view(open_page, served[0], view)
    page.get_by_role("tab", name="Dossier").click()
    before = page.locator("#inhoud-vak").count()
    page.fill("#zoek-dossier input, #zoek-dossier textarea", "Crisisopvang")
    page.keyboard.press("Enter")
    page.locator("#hoofdstuk mark#treffer").wait_for()
    page.wait_for_timeout(400)
    assert page.locator("#hoofdstuk mark#treffer").inner_text().lower() == "crisisopvang"
    assert_seen(page, "#hoofdstuk mark#treffer")
    note = page.locator("#zoek-melding").inner_text()
    assert re.search(r"\d+ keer gevonden in \d+ hoofdstuk", note), note
    page.locator("#inhoud-vak").get_by_text("Inhoudsopgave").first.click() if view.startswith(
        "phone"
    ) else None
    labels = page.locator("#inhoud label").all_inner_texts()
    assert labels and all(re.search(r"\(\d+\)$", label.strip()) for label in labels), labels
    assert before == 1
    assert watch.foreign_requests() == []


# ---------------------------------------------------------------- contrast, targets, axe


@pytest.mark.parametrize("view", VIEWS)
def test_axe_finds_nothing_serious_on_start_and_after_an_answer(served, open_page, view):
    page, _ = open_view(open_page, served[0], view)
    assert serious_axe(page) == []
    ask(page, SITUATION)
    page.wait_for_timeout(300)
    assert serious_axe(page) == []
    shot(page, f"{view}-answer")


@pytest.mark.parametrize("view", VIEWS)
def test_contrast_of_meldpunt_tabs_and_focus_ring(served, open_page, view):
    page, _ = open_view(open_page, served[0], view)
    for selector in (".mp-name", ".mp-phone", ".mp-hours", ".mp-status", "#tabs [role=tab].selected",
                     "#tabs [role=tab]:not(.selected)"):  # fmt: skip
        fg, bg = colour(page, selector)
        assert contrast(fg, bg) >= 4.5, (selector, fg, bg)
    page.focus("#vraag textarea")
    ring, bg = colour(page, "#vraag textarea", "outlineColor")
    assert (
        page.evaluate("parseFloat(getComputedStyle(document.querySelector('#vraag textarea')).outlineWidth)")
        >= 2
    )
    outside = colour(page, "#vraag")[1]
    assert contrast(ring, outside) >= 3, (ring, outside)


@pytest.mark.parametrize("view", ["phone-light", "desktop-dark"])
def test_touch_targets_and_readable_examples(served, open_page, view):
    page, _ = open_view(open_page, served[0], view)
    answer = ask(page, SITUATION)
    targets = {
        "like": page.locator('#gesprek button[aria-label="Vind ik leuk"]').last,
        "dislike": page.locator('#gesprek button[aria-label="Vind ik niet leuk"]').last,
        "copy": answer.locator("button.kopieer"),
        "dossier": answer.locator("button.naar-dossier").first,
    }
    for name, target in targets.items():
        box = target.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (name, box)
    sizes = page.eval_on_selector_all(
        "#voorbeelden button", "bs => bs.map(b => parseFloat(getComputedStyle(b).fontSize))"
    )
    assert len(sizes) == 4 and min(sizes) >= 15


# ---------------------------------------------------------------- the served HTML


def test_served_html_is_dutch_before_any_script_runs(served):
    with urllib.request.urlopen(served[0]) as response:
        html = response.read().decode()
    assert re.search(r'<html\b[^>]*\blang="nl"', html)
    assert "<title>Vraagbaak mensenhandel</title>" in html
    metas = re.findall(r"<meta\b[^>]*>", html, re.DOTALL)
    assert not [m for m in metas if re.search(r"og:|twitter:|https?://", m)], metas
