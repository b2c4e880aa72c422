"""A fake assistant for page tests: the same methods as assistant.core.Assistant, canned answers.

Not a mock: it keeps its own small dossier, answers by keyword, and returns real Answer objects,
including hostile passage text that the page must show as text.
"""

from __future__ import annotations

from assistant.types import Answer, Citation, Meldpunt
from index.errors import IndexCorrupt

HOSTILE = (
    '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> ![x](http://evil.test/x.png)'
)

SECTIONS = {
    "Dossier › Signalen": "Signalen van mensenhandel zijn onder meer: geen eigen paspoort, schulden bij "
    "de werkgever.\n\nEen slachtoffer woont vaak op het werkadres.",
    "Dossier › Melden": "Arbeidsuitbuiting meld je bij het meld- en adviespunt. Het is dagelijks bereikbaar "
    "van 8:30 uur tot 22:00 uur via telefoonnummer: 010 - 236 52 56.",
    "Dossier › Vreemd <b>hoofdstuk</b>": HOSTILE,
}


class FakeAssistant:
    """Answers by keyword from SECTIONS; `open_now` fixes the meldpunt's state for the header."""

    def __init__(self, open_now: bool = True):
        self.open_now = open_now
        self.questions: list[tuple[str, list[dict]]] = []

    def meldpunt_now(self) -> Meldpunt:
        status = (
            "nu bereikbaar (tot 22:00 uur)"
            if self.open_now
            else "nu gesloten — opent morgen om 8:30 uur; bij acuut gevaar: bel 112"
        )
        return Meldpunt(
            name="Meld- en adviespunt mensenhandel (ESSM)",
            phone="010 - 236 52 56",
            hours="dagelijks 8:30–22:00",
            open_now=self.open_now,
            status=status,
        )

    def sections(self) -> list[str]:
        return list(SECTIONS)

    def section_text(self, path: str) -> str:
        return SECTIONS[path]

    def _cite(self, n: int, path: str, highlight: str = "") -> Citation:
        return Citation(
            n=n,
            chunk_id=f"id{n}{len(path)}",
            source="dossier.txt",
            section=path,
            text=SECTIONS[path],
            score=1.0 / n,
            highlight=highlight,
        )

    def ask(self, question: str, history: list[dict] | None = None) -> Answer:
        self.questions.append((question, list(history or [])))
        q = question.lower()
        if "kapot" in q:
            raise RuntimeError(f"interne fout bij {question}")
        if "beschadigd" in q:
            raise IndexCorrupt("De index is beschadigd. Bouw hem opnieuw met: dossier ingest --rebuild")
        if "hondenpenning" in q:
            return Answer(
                question=question,
                answer="Dat staat niet in het dossier.",
                out_of_scope=True,
                meldpunt=self.meldpunt_now(),
            )
        if "vreemd" in q or "<" in q:
            path = "Dossier › Vreemd <b>hoofdstuk</b>"
            return Answer(
                question=question,
                answer=f"Het dossier zegt: {HOSTILE} [1]",
                citations=[self._cite(1, path, "<script>window.__pwned=2</script>")],
            )
        if "meld" in q or "vermoed" in q:
            m = self.meldpunt_now()
            return Answer(
                question=question,
                answer=f"Bel voor advies of een melding het {m.name}: {m.phone} ({m.hours}) [1].\n"
                f"Status: {m.status}.\n\n"
                "Arbeidsuitbuiting meld je bij het meld- en adviespunt [1]. Let op signalen [2].",
                body="Arbeidsuitbuiting meld je bij het meld- en adviespunt [1]. Let op signalen [2].",
                card_marker="[1]",
                citations=[
                    self._cite(
                        1, "Dossier › Melden", "Arbeidsuitbuiting meld je bij het meld- en adviespunt."
                    ),
                    self._cite(2, "Dossier › Signalen"),
                ],
                situational=True,
                meldpunt=m,
            )
        return Answer(
            question=question,
            answer="Signalen zijn onder meer: geen eigen paspoort, schulden bij de werkgever [1].",
            citations=[
                self._cite(
                    1,
                    "Dossier › Signalen",
                    "Signalen van mensenhandel zijn onder meer: geen "
                    "eigen paspoort, schulden bij de werkgever.",
                )
            ],
        )
