"""The page's events: which component's event calls which handler, with which inputs and outputs.

Only the question has a public API (`/ask`); every other event is private. The JS snippets hook into
the page's script (page/static/vraagbaak.js), which does the work in the browser. Called inside the
page's `gr.Blocks` (ui.build_page), after `page.layout.place`.
"""

SHOW_PASSAGE = "() => { window.vraagbaak && window.vraagbaak.showPassage(); }"
COPY_JS = "(text) => { window.vraagbaak && window.vraagbaak.copy(text); return []; }"
DOWNLOAD_JS = "(text) => { window.vraagbaak && window.vraagbaak.download(text); return []; }"
SHOW_NEWEST = "() => { window.vraagbaak && window.vraagbaak.showNewest(); }"


def wire(page, c, handlers, examples: list[str]) -> None:
    """Connect the components `c` (a page.layout.Components) of `page` to `handlers`."""
    _questions(page, c, handlers, examples)
    _dossier(c, handlers)
    c.timer.tick(handlers.header, None, c.head, api_visibility="private", show_progress="hidden", queue=False)


def _questions(page, c, handlers, examples: list[str]) -> None:
    """The Vragen tab: asking (box, button, examples), restoring, new, copy, download, feedback."""
    shown = [c.chat, c.question, c.head, c.feedback_box, c.feedback_note]
    outputs_show = [*shown, c.plain, c.transcript, c.kept]  # what handlers.show returns, in this order

    def wire_ask(trigger, api_name: str | None):
        visibility = "public" if api_name else "private"
        return (
            trigger(
                handlers.ask,
                [c.question, c.conv],
                [c.answer_json, c.conv],
                api_name=api_name,
                api_description="Stel een vraag; geeft het antwoord met bronnen en de meldpuntkaart.",
                api_visibility=visibility,
                show_progress="minimal",
                show_progress_on=[c.chat],
            )
            .success(handlers.show, [c.conv], outputs_show, api_visibility="private", show_progress="hidden")
            .then(None, None, None, js=SHOW_NEWEST, api_visibility="private")
        )

    wire_ask(c.question.submit, "ask")
    wire_ask(c.send.click, None)
    for button, text in zip(c.example_buttons, examples, strict=True):
        wire_ask(
            button.click(lambda t=text: t, None, c.question, api_visibility="private", queue=False).success,
            None,
        )
    page.load(
        handlers.restore,
        [c.kept],
        [c.conv, c.chat, c.plain, c.transcript],
        api_visibility="private",
        queue=False,
    )
    new = handlers.new_conversation
    c.new.click(new, None, [c.conv, *outputs_show], api_visibility="private", queue=False)
    c.copy_btn.click(None, [c.plain], None, js=COPY_JS, api_visibility="private").then(
        handlers.copied,
        [c.plain],
        None,
        api_visibility="private",  # gr.Info needs the queue
    )
    c.download_btn.click(None, [c.transcript], None, js=DOWNLOAD_JS, api_visibility="private").then(
        handlers.downloaded, [c.transcript], None, api_visibility="private"
    )
    c.chat.clear(new, None, [c.conv, *outputs_show], api_visibility="private", queue=False)
    c.chat.like(
        handlers.on_like, [c.conv], [c.conv, c.feedback_note, c.feedback_box], api_visibility="private"
    )
    c.send_comment.click(
        handlers.on_comment,
        [c.comment, c.conv],
        [c.comment, c.feedback_note, c.feedback_box],
        api_visibility="private",
    )


def _dossier(c, handlers) -> None:
    """The Dossier tab: choosing a section, opening the tab, searching, a source opened from an answer."""
    shown = [c.toc, c.section_view, c.search_note]
    # No "Value ... is not in the list of choices" (English, from Gradio): after an ingest a choice may
    # be stale, and choose_section says so in Dutch and refreshes the list.
    c.toc.preprocess = lambda payload: payload
    c.toc.input(handlers.choose_section, [c.toc, c.search_box], shown, api_visibility="private").then(
        None, None, None, js=SHOW_PASSAGE, api_visibility="private"
    )
    c.dossier_tab.select(handlers.refresh_toc, [c.toc, c.search_box], shown, api_visibility="private")
    for trigger in (c.search_box.submit, c.search_btn.click):
        trigger(handlers.search, [c.search_box], shown, api_visibility="private").then(
            None, None, None, js=SHOW_PASSAGE, api_visibility="private"
        )
    c.open_btn.click(
        handlers.open_in_dossier,
        [c.target, c.conv],
        [c.tabs, c.toc, c.section_view, c.search_box, c.search_note],
        api_visibility="private",
    ).then(None, None, None, js=SHOW_PASSAGE, api_visibility="private")
