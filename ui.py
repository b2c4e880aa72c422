"""The chat page for officers: a Gradio front on `assistant`, and the `dossier serve` command.

Thin on purpose: it builds the page, calls the assistant and formats with `page.present`; no
retrieval here. Everything reaches the page escaped. Errors of the project (`DossierError`) become a
short Dutch `gr.Error`; anything else a generic Dutch message, logged without the question text.
Gradio is imported only when the page is built, so `dossier ingest` and `dossier ask` start fast.
"""

import argparse
import dataclasses
import logging
import math
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from assistant.query import clean_question
from assistant.types import Answer
from index.errors import (
    DossierError,
    IndexCorrupt,
    IndexMissing,
    IndexOutdated,
    IndexUnavailable,
    ModelError,
    SettingsError,
)
from index.offline import go_offline
from page import guard

# Gradio reads its analytics switch when it is imported; set before any import of it, so nothing leaves.
go_offline()


# Questions the dossier answers well (tests/ui/test_examples.py asks each and checks the answer).
EXAMPLES = [
    "Waar meld ik arbeidsuitbuiting?",
    "Wat doet een aandachtsfunctionaris mensenhandel?",
    "Wat is het verschil tussen mensensmokkel en mensenhandel?",
    "Ik vermoed uitbuiting bij een inwoner, wat moet ik doen?",
]
GENERIC_ERROR = (
    "Er ging iets mis bij het beantwoorden. Probeer het nog eens; blijft het misgaan, "
    "meld het dan bij de beheerder van de vraagbaak."
)
# The index (Chroma server, files) failed: officers get this, the operator's log gets URL, cause and fix.
INDEX_DOWN = (
    "Het dossier is nu niet bereikbaar door een storing bij de vraagbaak; de beheerder kan dit in het "
    "logboek zien. Probeer het over een paar minuten opnieuw."
)
STORING = (IndexUnavailable, IndexCorrupt, IndexMissing, ModelError, SettingsError)
HEADER_REFRESH_SECONDS = 60  # the header's open/closed state follows the clock even without questions
STATIC = Path(__file__).resolve().parent / "page" / "static"
# Hooks into the page's script (page/static/vraagbaak.js), which does the work in the browser.
SHOW_PASSAGE = "() => { window.vraagbaak && window.vraagbaak.showPassage(); }"
COPY_JS = "(text) => { window.vraagbaak && window.vraagbaak.copy(text); return []; }"
DOWNLOAD_JS = "(text) => { window.vraagbaak && window.vraagbaak.download(text); return []; }"
SHOW_NEWEST = "() => { window.vraagbaak && window.vraagbaak.showNewest(); }"
SYSTEM_FONTS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"]
MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]


@dataclass
class Conversation:
    """One browser tab's conversation, kept on the server (gr.State), never sent back by the page."""

    history: list[dict] = field(default_factory=list)  # clean {"role","content"} for assistant.ask
    display: list[dict] = field(default_factory=list)  # the escaped messages the chat shows
    answers: dict[int, Answer] = field(default_factory=dict)  # chat message index -> its Answer
    last: Answer | None = None
    rated: object | None = None  # the FeedbackEntry a comment will refer to
    turns: list[tuple[str, Answer]] = field(default_factory=list)  # what the browser keeps

    def add(self, question: str, answer: Answer) -> None:
        """One more question and its answer; the answer is message len(display) - 1 of the chat."""
        from page import message

        self.history += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": answer.answer},
        ]
        self.display.append({"role": "user", "content": message.question_message(question)})
        key = len(self.display)
        self.display.append({"role": "assistant", "content": message.answer_message(answer, key)})
        self.answers[key] = answer
        self.last = answer
        self.turns.append((question, answer))

    @classmethod
    def restored(cls, data) -> "Conversation":
        """The conversation the browser kept (page.stored JSON); empty when there is none."""
        from page import stored

        conv = cls()
        for question, answer in stored.from_storage(data):
            conv.add(question, answer)
        return conv


# ---------------------------------------------------------------- the page


def build_page(assistant, settings):
    """The Gradio Blocks of the page, wired to `assistant` (anything with ask/sections/section_text/...)."""
    import gradio as gr

    from page import dossier, present, stored
    from page.feedback import FeedbackStore
    from page.ratelimit import PageLimits, RateLimiter

    limiter = PageLimits(settings.rate_limit_per_minute, settings.rate_limit_per_address)
    comment_limiter = RateLimiter(settings.comments_per_minute)
    browser_secret = stored.browser_secret(settings)
    store = FeedbackStore.from_settings(settings)

    def header() -> str:
        try:
            return present.meldpunt_header_html(assistant.meldpunt_now())
        except Exception as err:  # the header must never take the page down
            guard.log_unexpected(err, None, settings)
            return present.fallback_header_html()

    def notice(message: str, title: str = "Let op"):
        return gr.Error(message, title=title, print_exception=False)

    def meldpunt_line() -> str:
        try:
            m = assistant.meldpunt_now()
            return f" Bij een vermoeden van mensenhandel: {m.name}, {m.phone} ({m.hours}; {m.status})."
        except Exception:  # the card's facts are local; if even they fail, the message stands alone
            return ""

    def fail(err: BaseException, question: str | None = None):
        if isinstance(err, gr.Error):
            return err
        if isinstance(err, STORING):  # the index or the set-up: details (URL, fix) for the operator only
            guard.log.error("%s: %s", type(err).__name__, err)
            message = present.escape_html(INDEX_DOWN + meldpunt_line())
            return gr.Error(message, title="Storing", print_exception=False)
        if isinstance(err, DossierError):  # a question that cannot be answered as typed
            return gr.Error(present.escape_html(str(err)), title="Let op", print_exception=False)
        guard.log_unexpected(err, question, settings)
        return gr.Error(GENERIC_ERROR, title="Fout", print_exception=False)

    def ask(question: str, conv: Conversation, request: gr.Request):
        """Answer one question (with the conversation so far); returns the answer as a dict."""
        try:
            text = clean_question(question or "", settings.max_question_chars)
            wait, limit = limiter.hit(*guard.rate_keys(request))
            if wait:
                raise notice(
                    f"U stelt veel vragen kort na elkaar (maximaal {limit} per minuut). "
                    f"Probeer het over {math.ceil(wait)} seconden opnieuw.",
                    title="Even wachten",
                )
            if settings.log_questions:  # opt-in (DOSSIER_LOG_QUESTIONS); off, question text is never logged
                guard.log.info("Vraag: %r", text)
            answer = assistant.ask(text, list(conv.history))
        except Exception as err:
            raise fail(err, question) from None
        conv.add(text, answer)
        payload = dataclasses.asdict(answer)
        payload["markdown"] = present.format_answer(answer)
        return payload, conv

    def show(conv: Conversation):
        return (
            list(conv.display),
            "",
            header(),
            gr.update(visible=False),
            "",
            present.plain_answer(conv.last) if conv.last else "",
            stored.transcript(conv.turns) if conv.turns else "",
            stored.to_storage(conv.turns),
        )

    def restore(data):
        """At page load: the conversation the browser kept (never touches the question box)."""
        conv = Conversation.restored(data)
        shown = show(conv)
        return conv, shown[0], shown[5], shown[6]

    def copied(text: str):
        if text:
            gr.Info("Het laatste antwoord staat op het klembord, met de bronnen.", title="Gekopieerd")
        else:
            gr.Info("Er is nog geen antwoord om te kopiëren.", title="Kopiëren")

    def new_conversation():
        return Conversation(), *show(Conversation())

    def downloaded(text: str):
        if not text:
            gr.Info("Er is nog geen gesprek om te downloaden.", title="Downloaden")

    def on_like(conv: Conversation, data: gr.LikeData):
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        answer = conv.answers.get(index)
        if answer is None:
            return conv, gr.update(), gr.update()
        rating = {True: "up", False: "down"}.get(data.liked, "withdrawn")
        try:
            conv.rated = store.rate(answer, rating)
        except Exception as err:
            raise fail(err) from None
        if rating == "withdrawn":
            return conv, "Uw beoordeling is ingetrokken.", gr.update(visible=False)
        thanks = "Dank u voor uw beoordeling. Wilt u er iets bij zeggen? (optioneel)"
        return conv, thanks, gr.update(visible=True)

    def on_comment(text: str, conv: Conversation, request: gr.Request):
        if not (text or "").strip():
            raise gr.Error(
                "Typ eerst een opmerking, of sluit dit veld.", title="Let op", print_exception=False
            )
        if conv.rated is None:
            raise notice("Beoordeel eerst een antwoord met duim omhoog of omlaag.")
        account, address = guard.rate_keys(request)
        wait = comment_limiter.hit(account or address)
        if wait:
            raise notice(
                f"U stuurt veel opmerkingen kort na elkaar (maximaal {settings.comments_per_minute} per "
                f"minuut). Probeer het over {math.ceil(wait)} seconden opnieuw.",
                title="Even wachten",
            )
        try:
            store.comment(conv.rated, text)  # redacted, then cut to DOSSIER_FEEDBACK_COMMENT_MAX_CHARS
        except Exception as err:
            raise fail(err) from None
        return (
            "",
            "Dank u, uw opmerking is opgeslagen (zonder telefoonnummers, e-mailadressen of BSN).",
            gr.update(visible=False),
        )

    def show_section(path: str | None, query: str = "", citation=None) -> str:
        if not path:
            return "<p>Kies een hoofdstuk uit de inhoudsopgave.</p>"
        try:
            text = assistant.section_text(path)
        except Exception as err:
            raise fail(err) from None
        if citation is not None:
            return dossier.section_html(path, text, passage=citation.text, sentence=citation.highlight)
        return dossier.section_html(path, text, query=dossier.clean_query(query))

    def open_in_dossier(target: str, conv: Conversation):
        """A source's "Open in dossier" (target "K-n": source n of chat message K)."""
        key, _, n = (target or "").partition("#")[0].partition("-")
        answer = conv.answers.get(int(key)) if key.isdigit() else None
        citation = next((c for c in answer.citations if str(c.n) == n), None) if answer else None
        if citation is None:
            raise notice("Deze bron is niet meer te vinden. Stel de vraag opnieuw.")
        if citation.section not in current_sections():
            raise notice(
                "Deze bron staat niet meer in het dossier: het dossier is bijgewerkt sinds dit antwoord. "
                "Stel de vraag opnieuw voor een antwoord uit het huidige dossier.",
                title="Bijgewerkt",
            )
        return (
            gr.Tabs(selected="dossier"),
            gr.update(choices=toc_choices(), value=citation.section),
            show_section(citation.section, citation=citation),
            "",
            "",
        )

    def current_sections() -> list[str]:
        """The sections of the index as it is now: after an ingest, new ones in and removed ones out."""
        try:
            sections[:] = list(assistant.sections())
        except Exception as err:
            raise fail(err) from None
        return sections

    def refresh_toc(path: str | None, query: str):
        """The Dossier tab opened: its table of contents from the current index (search kept)."""
        if dossier.clean_query(query):
            return search(query)
        paths = current_sections()
        if path in paths:  # what is shown stays (e.g. the passage "Open in dossier" just marked)
            return gr.update(choices=toc_choices(), value=path), gr.update(), gr.update()
        chosen = paths[0] if paths else None
        return gr.update(choices=toc_choices(), value=chosen), show_section(chosen), gr.update()

    def choose_section(path: str | None, query: str):
        if path and path not in current_sections():
            gr.Warning(
                "Dit hoofdstuk staat niet meer in het dossier: het dossier is bijgewerkt. "
                "De inhoudsopgave is vernieuwd; kies opnieuw.",
                title="Bijgewerkt",
            )
            return refresh_toc(None, "")
        return gr.update(), show_section(path, query), gr.update()

    def toc_choices(hits=None):
        if hits is None:
            return [(present.toc_label(p), p) for p in sections]
        return [(f"{present.toc_label(h.path)} ({h.count})", h.path) for h in hits]

    def search(query: str):
        """The Dossier tab's search: the table of contents narrowed to sections with hits, the first shown."""
        words = dossier.clean_query(query)
        current_sections()
        if not words:
            first = sections[0] if sections else None
            note = "Typ minstens twee letters om te zoeken." if (query or "").strip() else ""
            return gr.update(choices=toc_choices(), value=first), show_section(first), note
        try:
            texts = {p: assistant.section_text(p) for p in sections}
        except Exception as err:
            raise fail(err) from None
        hits = dossier.search(texts, words)
        if not hits:
            shown = present.escape_html(words)
            return gr.update(), gr.update(), f"Niets gevonden voor “{shown}”. Probeer een ander woord."
        total = sum(h.count for h in hits)
        note = (
            f"{total} keer gevonden in {len(hits)} hoofdstuk{'ken' if len(hits) != 1 else ''}; "
            "de treffers zijn gemarkeerd. Leeg het zoekveld om alles weer te zien."
        )
        first = hits[0].path
        return gr.update(choices=toc_choices(hits), value=first), show_section(first, words), note

    try:
        sections = list(assistant.sections())
    except Exception as err:
        guard.log_unexpected(err, None, settings)
        sections = []

    with gr.Blocks(title="Vraagbaak mensenhandel", analytics_enabled=False) as page:
        conv = gr.State(Conversation())
        kept = gr.BrowserState(stored.to_storage([]), storage_key="vraagbaak-gesprek", secret=browser_secret)
        head = gr.HTML(header, elem_id="kop", padding=False, container=False)
        with gr.Tabs(elem_id="tabs") as tabs:
            with gr.Tab("Vragen", id="vragen", elem_id="tab-vragen"):
                chat = gr.Chatbot(
                    label="Gesprek",
                    show_label=False,
                    elem_id="gesprek",
                    height="62vh",
                    min_height=320,
                    buttons=[],  # the copy button is in each answer (same text as "Antwoord kopiëren")
                    latex_delimiters=[],
                    sanitize_html=True,
                    render_markdown=True,
                    allow_tags=False,
                    line_breaks=True,
                    layout="bubble",
                    autoscroll=False,  # SHOW_NEWEST scrolls to the question, not the end of the sources
                    placeholder="**Stel een vraag over het dossier.** Elk antwoord komt letterlijk uit het "
                    "dossier, met de bron erbij. Staat het er niet in, dan zeggen we dat.",
                    feedback_options=("Like", "Dislike"),
                )
                with gr.Row(equal_height=True, elem_id="invoer"):
                    question = gr.Textbox(
                        label="Uw vraag",
                        placeholder="Bijvoorbeeld: Waar meld ik arbeidsuitbuiting?",
                        lines=1,  # Enter sends (a taller box would need Shift+Enter); grows while typing
                        max_lines=6,
                        max_length=settings.max_question_chars,
                        elem_id="vraag",
                        scale=5,
                    )  # no autofocus: on a phone it scrolls the number away (the script focuses on a desktop)
                    with gr.Column(scale=1, min_width=120, elem_classes=["verstuur-kolom"]):
                        send = gr.Button("Vraag stellen", variant="primary", elem_id="verstuur")
                with gr.Row(elem_id="acties"):
                    copy_btn = gr.Button("Antwoord kopiëren", elem_id="kopieer", size="sm")
                    download_btn = gr.Button("Gesprek downloaden", elem_id="download", size="sm")
                    new = gr.Button("Nieuw gesprek", variant="secondary", elem_id="nieuw", size="sm")
                with gr.Group(visible=False, elem_id="feedback") as feedback_box:
                    comment = gr.Textbox(
                        label="Opmerking bij uw beoordeling (optioneel; zet er geen namen of nummers in)",
                        lines=2,
                        max_length=settings.max_question_chars,
                        elem_id="opmerking",
                    )
                    send_comment = gr.Button("Opmerking versturen", size="sm", elem_id="verstuur-opmerking")
                feedback_note = gr.Markdown("", elem_id="feedback-melding")
                gr.Markdown("**Voorbeeldvragen** — klik om te stellen:", elem_id="voorbeelden-kop")
                with gr.Row(elem_id="voorbeelden"):
                    example_buttons = [gr.Button(q, size="sm", variant="secondary") for q in EXAMPLES]
            with gr.Tab("Dossier", id="dossier", elem_id="tab-dossier") as dossier_tab:
                gr.Markdown(
                    "Lees het introductiedossier per hoofdstuk, of zoek een woord. Het zoeken gebeurt op "
                    "deze machine; er gaat niets naar buiten."
                )
                with gr.Row(equal_height=True, elem_id="zoek-rij"):
                    search_box = gr.Textbox(
                        label="Zoeken in het dossier",
                        placeholder="Bijvoorbeeld: crisisopvang",
                        max_length=dossier.MAX_QUERY_CHARS,
                        elem_id="zoek-dossier",
                        scale=4,
                    )
                    search_btn = gr.Button("Zoeken", elem_id="zoek", scale=1, min_width=100)
                search_note = gr.Markdown("", elem_id="zoek-melding")
                with gr.Row(elem_id="rij-dossier"):
                    with (
                        gr.Column(scale=1, min_width=200),
                        gr.Accordion("Inhoudsopgave", open=True, elem_id="inhoud-vak"),
                    ):
                        toc = gr.Radio(
                            choices=toc_choices(),
                            value=sections[0] if sections else None,
                            label="Inhoudsopgave",
                            show_label=False,
                            elem_id="inhoud",
                        )
                    with gr.Column(scale=2, min_width=300):
                        section_view = gr.HTML(
                            (lambda: show_section(sections[0]))
                            if sections
                            else "<p>Geen hoofdstukken gevonden.</p>",
                            elem_id="hoofdstuk",
                        )
        answer_json = gr.JSON(visible=False)
        plain = gr.Textbox(visible=False)  # the last answer as plain text, for the copy button
        transcript = gr.Textbox(visible=False)  # the conversation as plain text, for the download
        # The page's script opens a source in the dossier through these two ("K-n": source n of message K).
        target = gr.Textbox(visible="hidden", elem_id="dossier-doel", label="Bron", show_label=False)
        open_btn = gr.Button("Bron openen in het dossier", visible="hidden", elem_id="dossier-open")
        timer = gr.Timer(HEADER_REFRESH_SECONDS)

        outputs_show = [chat, question, head, feedback_box, feedback_note, plain, transcript, kept]

        def wire(trigger, api_name: str | None):
            visibility = "public" if api_name else "private"
            return (
                trigger(
                    ask,
                    [question, conv],
                    [answer_json, conv],
                    api_name=api_name,
                    api_description="Stel een vraag; geeft het antwoord met bronnen en de meldpuntkaart.",
                    api_visibility=visibility,
                    show_progress="minimal",
                    show_progress_on=[chat],
                )
                .success(show, [conv], outputs_show, api_visibility="private", show_progress="hidden")
                .then(None, None, None, js=SHOW_NEWEST, api_visibility="private")
            )

        wire(question.submit, "ask")
        wire(send.click, None)
        for button, text in zip(example_buttons, EXAMPLES, strict=True):
            wire(
                button.click(lambda t=text: t, None, question, api_visibility="private", queue=False).success,
                None,
            )
        page.load(restore, [kept], [conv, chat, plain, transcript], api_visibility="private", queue=False)
        new.click(new_conversation, None, [conv, *outputs_show], api_visibility="private", queue=False)
        copy_btn.click(None, [plain], None, js=COPY_JS, api_visibility="private").then(
            copied,
            [plain],
            None,
            api_visibility="private",  # gr.Info needs the queue
        )
        download_btn.click(None, [transcript], None, js=DOWNLOAD_JS, api_visibility="private").then(
            downloaded, [transcript], None, api_visibility="private"
        )
        chat.clear(new_conversation, None, [conv, *outputs_show], api_visibility="private", queue=False)
        chat.like(on_like, [conv], [conv, feedback_note, feedback_box], api_visibility="private")
        send_comment.click(
            on_comment, [comment, conv], [comment, feedback_note, feedback_box], api_visibility="private"
        )
        # No "Value ... is not in the list of choices" (English, from Gradio): after an ingest a choice may
        # be stale, and choose_section says so in Dutch and refreshes the list.
        toc.preprocess = lambda payload: payload
        toc.input(
            choose_section, [toc, search_box], [toc, section_view, search_note], api_visibility="private"
        ).then(None, None, None, js=SHOW_PASSAGE, api_visibility="private")
        dossier_tab.select(
            refresh_toc, [toc, search_box], [toc, section_view, search_note], api_visibility="private"
        )
        for trigger in (search_box.submit, search_btn.click):
            trigger(search, [search_box], [toc, section_view, search_note], api_visibility="private").then(
                None, None, None, js=SHOW_PASSAGE, api_visibility="private"
            )
        open_btn.click(
            open_in_dossier,
            [target, conv],
            [tabs, toc, section_view, search_box, search_note],
            api_visibility="private",
        ).then(None, None, None, js=SHOW_PASSAGE, api_visibility="private")
        timer.tick(header, None, head, api_visibility="private", show_progress="hidden", queue=False)
    return page


# ---------------------------------------------------------------- serving


def make_theme():
    """Default theme with system fonts (nothing fetched) and AA-contrast buttons."""
    import gradio as gr

    return gr.themes.Default(
        primary_hue="blue", neutral_hue="slate", font=SYSTEM_FONTS, font_mono=MONO_FONTS
    ).set(
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        button_primary_text_color="white",
        button_primary_border_color="*primary_700",
        body_text_color_subdued="*neutral_600",
        input_placeholder_color="*neutral_500",
    )


def launch(page, settings, host: str, port: int, auth):
    """Start the server in the background: queue with a concurrency limit, no share link, no extras."""
    from starlette.middleware import Middleware

    from page import htmlpage, present
    from page.throttle import LoginGuard, LoginThrottle

    # uvicorn (started by Gradio) reads this: whose X-Forwarded-For it believes. Nobody's, unless told.
    os.environ["FORWARDED_ALLOW_IPS"] = guard.trusted_proxies(settings)
    throttle = LoginThrottle(
        settings.login_free_attempts, settings.login_lock_seconds, settings.login_lock_max_seconds
    )
    page.queue(default_concurrency_limit=settings.concurrency_limit, max_size=64)
    try:
        return page.launch(
            server_name=host,
            server_port=port,
            auth=auth,
            auth_message="Log in om de vraagbaak mensenhandel te gebruiken.",
            share=False,
            prevent_thread_lock=True,
            quiet=True,
            show_error=False,
            max_file_size="100kb",
            enable_monitoring=False,
            footer_links=[],
            run_history=False,  # not Gradio's copy of every run: `kept` holds the conversation (encrypted)
            mcp_server=False,
            pwa=False,
            ssr_mode=False,
            theme=make_theme(),
            css=present.PAGE_CSS + (STATIC / "vraagbaak.css").read_text(encoding="utf-8"),
            js=(STATIC / "vraagbaak.js").read_text(encoding="utf-8"),
            app_kwargs={
                "middleware": [
                    Middleware(guard.GuardMiddleware),
                    Middleware(htmlpage.DutchPage),
                    Middleware(LoginGuard, throttle=throttle, client_host=guard.client_host),
                ]
            },
        )
    except OSError as err:
        raise SettingsError(
            f"Poort {port} op {host} is bezet (draait de vraagbaak al?). "
            "Kies een andere poort met --port of DOSSIER_PORT."
        ) from err


def use_temp_dir(settings) -> None:
    """Gradio's temp folder inside the data folder, emptied at start: nothing piles up in /tmp."""
    folder = Path(settings.data_dir) / "tmp-gradio"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["GRADIO_TEMP_DIR"] = str(folder.resolve())


def load_assistant(settings):
    """The Assistant with model and index loaded; builds the index first when there is none."""
    from assistant.core import Assistant

    try:
        return Assistant(settings)
    except IndexMissing as missing:
        if settings.chroma_url:
            # Several page processes share one server: ingesting is the operator's step, done once.
            raise
        if isinstance(missing, IndexOutdated):  # another embedding model: the ingest rebuilds
            print(f"{missing} Dat gebeurt nu (eenmalig)…", flush=True)
        else:
            print("Er is nog geen index: het dossier wordt nu eerst ingelezen (eenmalig)…", flush=True)
        from ingest import cli as ingest_cli

        # The same run as `dossier ingest`; an unreadable file (exit 1) still leaves an index of the rest.
        ingest_cli.cmd_ingest(argparse.Namespace(rebuild=False, json=False), settings)
        return Assistant(settings)


def serve(args, settings) -> int:
    """`dossier serve`: load the assistant, warm it up, start the page and print its address."""
    started = time.monotonic()
    host = args.host or settings.host
    port = args.port or settings.port
    auth = guard.resolve_auth(settings, host)  # refuse before anything heavy is loaded
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # Gradio probing its own start-up
    print("Vraagbaak starten: model en index laden…", flush=True)
    assistant = load_assistant(settings)
    assistant.ask(EXAMPLES[0], [])  # warm-up: the first officer's question is as fast as the rest
    use_temp_dir(settings)  # before the page's components read it; after anything that can refuse to start
    page = build_page(assistant, settings)
    launch(page, settings, host, port, auth)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print(f"Klaar in {time.monotonic() - started:.1f} s: http://{shown}:{port}", flush=True)
    if not guard.is_loopback(host):
        print(f"Luistert op {host}:{port}, met wachtwoord.", flush=True)
    try:
        page.block_thread()
    finally:
        shutil.rmtree(os.environ["GRADIO_TEMP_DIR"], ignore_errors=True)  # emptied again at the next start
    return 0


def main(argv: list[str] | None = None) -> int:
    """Console script `dossier`: every subcommand (registered in cli.py), `serve` handled here."""
    import cli

    return cli.run(argv, serve=serve)


if __name__ == "__main__":
    sys.exit(main())
