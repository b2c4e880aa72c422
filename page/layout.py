"""The page's components and where they stand: the Vragen tab, the Dossier tab and the hidden parts.

`place` is called inside the page's `gr.Blocks` (ui.build_page) and returns every component that an
event needs, as one `Components`; `page.wiring` connects them to the handlers. Imported only when the
page is built (it imports Gradio).
"""

from dataclasses import dataclass

import gradio as gr

from page import dossier, stored
from page.conversation import Conversation


@dataclass
class Components:
    """The components events read or write (layout-only ones, such as headings, are not kept)."""

    conv: gr.State
    kept: gr.BrowserState
    head: gr.HTML
    tabs: gr.Tabs
    # the Vragen tab
    chat: gr.Chatbot
    question: gr.Textbox
    send: gr.Button
    copy_btn: gr.Button
    download_btn: gr.Button
    new: gr.Button
    feedback_box: gr.Group
    comment: gr.Textbox
    send_comment: gr.Button
    feedback_note: gr.Markdown
    example_buttons: list[gr.Button]
    # the Dossier tab
    dossier_tab: gr.Tab
    search_box: gr.Textbox
    search_btn: gr.Button
    search_note: gr.Markdown
    toc: gr.Radio
    section_view: gr.HTML
    # hidden
    answer_json: gr.JSON
    plain: gr.Textbox
    transcript: gr.Textbox
    target: gr.Textbox
    open_btn: gr.Button
    timer: gr.Timer


def place(handlers, settings, examples: list[str], header_refresh_seconds: float) -> Components:
    """Every component of the page, in the page's order; call inside `gr.Blocks`."""
    parts: dict = {
        "conv": gr.State(Conversation()),
        "kept": gr.BrowserState(
            stored.to_storage([]), storage_key="vraagbaak-gesprek", secret=stored.browser_secret(settings)
        ),
        "head": gr.HTML(handlers.header, elem_id="kop", padding=False, container=False),
    }
    with gr.Tabs(elem_id="tabs") as parts["tabs"]:
        with gr.Tab("Vragen", id="vragen", elem_id="tab-vragen"):
            parts |= _questions_tab(settings, examples)
        with gr.Tab("Dossier", id="dossier", elem_id="tab-dossier") as parts["dossier_tab"]:
            parts |= _dossier_tab(handlers)
    parts["answer_json"] = gr.JSON(visible=False)
    parts["plain"] = gr.Textbox(visible=False)  # the last answer as plain text, for the copy button
    parts["transcript"] = gr.Textbox(visible=False)  # the conversation as plain text, for the download
    # The page's script opens a source in the dossier through these two ("K-n": source n of message K).
    parts["target"] = gr.Textbox(visible="hidden", elem_id="dossier-doel", label="Bron", show_label=False)
    parts["open_btn"] = gr.Button("Bron openen in het dossier", visible="hidden", elem_id="dossier-open")
    parts["timer"] = gr.Timer(header_refresh_seconds)
    return Components(**parts)


def _questions_tab(settings, examples: list[str]) -> dict:
    """The Vragen tab: the chat, the question box, the actions, feedback and the example questions."""
    parts: dict = {
        "chat": gr.Chatbot(
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
    }
    with gr.Row(equal_height=True, elem_id="invoer"):
        parts["question"] = gr.Textbox(
            label="Uw vraag",
            placeholder="Bijvoorbeeld: Waar meld ik arbeidsuitbuiting?",
            lines=1,  # Enter sends (a taller box would need Shift+Enter); grows while typing
            max_lines=6,
            max_length=settings.max_question_chars,
            elem_id="vraag",
            scale=5,
        )  # no autofocus: on a phone it scrolls the number away (the script focuses on a desktop)
        with gr.Column(scale=1, min_width=120, elem_classes=["verstuur-kolom"]):
            parts["send"] = gr.Button("Vraag stellen", variant="primary", elem_id="verstuur")
    with gr.Row(elem_id="acties"):
        parts["copy_btn"] = gr.Button("Antwoord kopiëren", elem_id="kopieer", size="sm")
        parts["download_btn"] = gr.Button("Gesprek downloaden", elem_id="download", size="sm")
        parts["new"] = gr.Button("Nieuw gesprek", variant="secondary", elem_id="nieuw", size="sm")
    with gr.Group(visible=False, elem_id="feedback") as parts["feedback_box"]:
        parts["comment"] = gr.Textbox(
            label="Opmerking bij uw beoordeling (optioneel; zet er geen namen of nummers in)",
            lines=2,
            max_length=settings.max_question_chars,
            elem_id="opmerking",
        )
        parts["send_comment"] = gr.Button("Opmerking versturen", size="sm", elem_id="verstuur-opmerking")
    parts["feedback_note"] = gr.Markdown("", elem_id="feedback-melding")
    gr.Markdown("**Voorbeeldvragen** — klik om te stellen:", elem_id="voorbeelden-kop")
    with gr.Row(elem_id="voorbeelden"):
        parts["example_buttons"] = [gr.Button(q, size="sm", variant="secondary") for q in examples]
    return parts


def _dossier_tab(handlers) -> dict:
    """The Dossier tab: the search box, the table of contents and the section it shows."""
    gr.Markdown(
        "Lees het introductiedossier per hoofdstuk, of zoek een woord. Het zoeken gebeurt op "
        "deze machine; er gaat niets naar buiten."
    )
    parts: dict = {}
    with gr.Row(equal_height=True, elem_id="zoek-rij"):
        parts["search_box"] = gr.Textbox(
            label="Zoeken in het dossier",
            placeholder="Bijvoorbeeld: crisisopvang",
            max_length=dossier.MAX_QUERY_CHARS,
            elem_id="zoek-dossier",
            scale=4,
        )
        parts["search_btn"] = gr.Button("Zoeken", elem_id="zoek", scale=1, min_width=100)
    parts["search_note"] = gr.Markdown("", elem_id="zoek-melding")
    sections = handlers.sections
    with gr.Row(elem_id="rij-dossier"):
        with (
            gr.Column(scale=1, min_width=200),
            gr.Accordion("Inhoudsopgave", open=True, elem_id="inhoud-vak"),
        ):
            parts["toc"] = gr.Radio(
                choices=handlers.toc_choices(),
                value=sections[0] if sections else None,
                label="Inhoudsopgave",
                show_label=False,
                elem_id="inhoud",
            )
        with gr.Column(scale=2, min_width=300):
            parts["section_view"] = gr.HTML(
                handlers.first_section if sections else "<p>Geen hoofdstukken gevonden.</p>",
                elem_id="hoofdstuk",
            )
    return parts
