"""What the page does when an officer acts: each event of the page is one short method of `Handlers`.

Errors are translated here, once: errors of the project (`DossierError`) become a short Dutch
`gr.Error`, a failing index or set-up a "Storing" with the meldpunt's number, anything else a generic
Dutch message, logged without the question text. Imported only when the page is built (it imports
Gradio); `page.layout` places the components and `page.wiring` connects them to these methods.
"""

import dataclasses
import math

import gradio as gr

from assistant.query import clean_question
from index.errors import (
    DossierError,
    IndexCorrupt,
    IndexMissing,
    IndexUnavailable,
    ModelError,
    SettingsError,
)
from page import dossier, guard, present, stored
from page.conversation import Conversation
from page.feedback import FeedbackStore
from page.ratelimit import PageLimits, RateLimiter

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


class Handlers:
    """The page's event handlers, over one assistant (anything with ask/sections/section_text/...)."""

    def __init__(self, assistant, settings):
        self.assistant = assistant
        self.settings = settings
        self.limiter = PageLimits(settings.rate_limit_per_minute, settings.rate_limit_per_address)
        self.comment_limiter = RateLimiter(settings.comments_per_minute)
        self.store = FeedbackStore.from_settings(settings)
        try:
            self.sections = list(assistant.sections())
        except Exception as err:
            guard.log_unexpected(err, None, settings)
            self.sections = []

    # ------------------------------------------------------------ messages and errors

    def header(self) -> str:
        try:
            return present.meldpunt_header_html(self.assistant.meldpunt_now())
        except Exception as err:  # the header must never take the page down
            guard.log_unexpected(err, None, self.settings)
            return present.fallback_header_html()

    @staticmethod
    def notice(message: str, title: str = "Let op"):
        return gr.Error(message, title=title, print_exception=False)

    def meldpunt_line(self) -> str:
        try:
            m = self.assistant.meldpunt_now()
            return f" Bij een vermoeden van mensenhandel: {m.name}, {m.phone} ({m.hours}; {m.status})."
        except Exception:  # the card's facts are local; if even they fail, the message stands alone
            return ""

    def fail(self, err: BaseException, question: str | None = None):
        if isinstance(err, gr.Error):
            return err
        if isinstance(err, STORING):  # the index or the set-up: details (URL, fix) for the operator only
            guard.log.error("%s: %s", type(err).__name__, err)
            message = present.escape_html(INDEX_DOWN + self.meldpunt_line())
            return gr.Error(message, title="Storing", print_exception=False)
        if isinstance(err, DossierError):  # a question that cannot be answered as typed
            return gr.Error(present.escape_html(str(err)), title="Let op", print_exception=False)
        guard.log_unexpected(err, question, self.settings)
        return gr.Error(GENERIC_ERROR, title="Fout", print_exception=False)

    # ------------------------------------------------------------ the conversation

    def ask(self, question: str, conv: Conversation, request: gr.Request):
        """Answer one question (with the conversation so far); returns the answer as a dict."""
        settings = self.settings
        try:
            text = clean_question(question or "", settings.max_question_chars)
            wait, limit = self.limiter.hit(*guard.rate_keys(request))
            if wait:
                raise self.notice(
                    f"U stelt veel vragen kort na elkaar (maximaal {limit} per minuut). "
                    f"Probeer het over {math.ceil(wait)} seconden opnieuw.",
                    title="Even wachten",
                )
            if settings.log_questions:  # opt-in (DOSSIER_LOG_QUESTIONS); off, question text is never logged
                guard.log.info("Vraag: %r", text)
            answer = self.assistant.ask(text, list(conv.history))
        except Exception as err:
            raise self.fail(err, question) from None
        conv.add(text, answer)
        payload = dataclasses.asdict(answer)
        payload["markdown"] = present.format_answer(answer)
        return payload, conv

    def show(self, conv: Conversation):
        return (
            list(conv.display),
            "",
            self.header(),
            gr.update(visible=False),
            "",
            present.plain_answer(conv.last) if conv.last else "",
            stored.transcript(conv.turns) if conv.turns else "",
            stored.to_storage(conv.turns),
        )

    def restore(self, data):
        """At page load: the conversation the browser kept (never touches the question box)."""
        conv = Conversation.restored(data)
        shown = self.show(conv)
        return conv, shown[0], shown[5], shown[6]

    @staticmethod
    def copied(text: str):
        if text:
            gr.Info("Het laatste antwoord staat op het klembord, met de bronnen.", title="Gekopieerd")
        else:
            gr.Info("Er is nog geen antwoord om te kopiëren.", title="Kopiëren")

    def new_conversation(self):
        return Conversation(), *self.show(Conversation())

    @staticmethod
    def downloaded(text: str):
        if not text:
            gr.Info("Er is nog geen gesprek om te downloaden.", title="Downloaden")

    # ------------------------------------------------------------ feedback

    def on_like(self, conv: Conversation, data: gr.LikeData):
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        answer = conv.answers.get(index)
        if answer is None:
            return conv, gr.update(), gr.update()
        rating = {True: "up", False: "down"}.get(data.liked, "withdrawn")
        try:
            conv.rated = self.store.rate(answer, rating)
        except Exception as err:
            raise self.fail(err) from None
        if rating == "withdrawn":
            return conv, "Uw beoordeling is ingetrokken.", gr.update(visible=False)
        thanks = "Dank u voor uw beoordeling. Wilt u er iets bij zeggen? (optioneel)"
        return conv, thanks, gr.update(visible=True)

    def on_comment(self, text: str, conv: Conversation, request: gr.Request):
        if not (text or "").strip():
            raise gr.Error(
                "Typ eerst een opmerking, of sluit dit veld.", title="Let op", print_exception=False
            )
        if conv.rated is None:
            raise self.notice("Beoordeel eerst een antwoord met duim omhoog of omlaag.")
        account, address = guard.rate_keys(request)
        wait = self.comment_limiter.hit(account or address)
        if wait:
            raise self.notice(
                f"U stuurt veel opmerkingen kort na elkaar (maximaal {self.settings.comments_per_minute} "
                f"per minuut). Probeer het over {math.ceil(wait)} seconden opnieuw.",
                title="Even wachten",
            )
        try:
            self.store.comment(conv.rated, text)  # redacted, then cut to DOSSIER_FEEDBACK_COMMENT_MAX_CHARS
        except Exception as err:
            raise self.fail(err) from None
        return (
            "",
            "Dank u, uw opmerking is opgeslagen (zonder telefoonnummers, e-mailadressen of BSN).",
            gr.update(visible=False),
        )

    # ------------------------------------------------------------ the Dossier tab

    def show_section(self, path: str | None, query: str = "", citation=None) -> str:
        if not path:
            return "<p>Kies een hoofdstuk uit de inhoudsopgave.</p>"
        try:
            text = self.assistant.section_text(path)
        except Exception as err:
            raise self.fail(err) from None
        if citation is not None:
            return dossier.section_html(path, text, passage=citation.text, sentence=citation.highlight)
        return dossier.section_html(path, text, query=dossier.clean_query(query))

    def first_section(self) -> str:
        """The first section as the Dossier tab shows it when the page opens."""
        return self.show_section(self.sections[0])

    def open_in_dossier(self, target: str, conv: Conversation):
        """A source's "Open in dossier" (target "K-n": source n of chat message K)."""
        key, _, n = (target or "").partition("#")[0].partition("-")
        answer = conv.answers.get(int(key)) if key.isdigit() else None
        citation = next((c for c in answer.citations if str(c.n) == n), None) if answer else None
        if citation is None:
            raise self.notice("Deze bron is niet meer te vinden. Stel de vraag opnieuw.")
        if citation.section not in self.current_sections():
            raise self.notice(
                "Deze bron staat niet meer in het dossier: het dossier is bijgewerkt sinds dit antwoord. "
                "Stel de vraag opnieuw voor een antwoord uit het huidige dossier.",
                title="Bijgewerkt",
            )
        return (
            gr.Tabs(selected="dossier"),
            gr.update(choices=self.toc_choices(), value=citation.section),
            self.show_section(citation.section, citation=citation),
            "",
            "",
        )

    def current_sections(self) -> list[str]:
        """The sections of the index as it is now: after an ingest, new ones in and removed ones out."""
        try:
            self.sections[:] = list(self.assistant.sections())
        except Exception as err:
            raise self.fail(err) from None
        return self.sections

    def refresh_toc(self, path: str | None, query: str):
        """The Dossier tab opened: its table of contents from the current index (search kept)."""
        if dossier.clean_query(query):
            return self.search(query)
        paths = self.current_sections()
        if path in paths:  # what is shown stays (e.g. the passage "Open in dossier" just marked)
            return gr.update(choices=self.toc_choices(), value=path), gr.update(), gr.update()
        chosen = paths[0] if paths else None
        return gr.update(choices=self.toc_choices(), value=chosen), self.show_section(chosen), gr.update()

    def choose_section(self, path: str | None, query: str):
        if path and path not in self.current_sections():
            gr.Warning(
                "Dit hoofdstuk staat niet meer in het dossier: het dossier is bijgewerkt. "
                "De inhoudsopgave is vernieuwd; kies opnieuw.",
                title="Bijgewerkt",
            )
            return self.refresh_toc(None, "")
        return gr.update(), self.show_section(path, query), gr.update()

    def toc_choices(self, hits=None):
        if hits is None:
            return [(present.toc_label(p), p) for p in self.sections]
        return [(f"{present.toc_label(h.path)} ({h.count})", h.path) for h in hits]

    def search(self, query: str):
        """The Dossier tab's search: the table of contents narrowed to sections with hits, the first shown."""
        words = dossier.clean_query(query)
        sections = self.current_sections()
        if not words:
            first = sections[0] if sections else None
            note = "Typ minstens twee letters om te zoeken." if (query or "").strip() else ""
            return gr.update(choices=self.toc_choices(), value=first), self.show_section(first), note
        try:
            texts = {p: self.assistant.section_text(p) for p in sections}
        except Exception as err:
            raise self.fail(err) from None
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
        return gr.update(choices=self.toc_choices(hits), value=first), self.show_section(first, words), note
