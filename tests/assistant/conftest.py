"""Fixtures of the answering tests: a tiny in-memory index (a fake of index.store.Index's read side)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from index.chunk import Chunk
from index.lexical import LexicalIndex, tokenize
from index.text import split_units
from tests.fakes import HashEmbedder

DOC = "dossier.txt"

# Passages in the style of the dossier (own wording), with the meldpunt passage the card quotes.
PASSAGES = [
    (
        ("Dossier", "Definitie mensenhandel"),
        "Definitie mensenhandel is het werven, vervoeren of huisvesten van "
        "mensen met dwang, met als doel uitbuiting. Slachtoffers zijn vaak kwetsbare personen.",
    ),
    (
        ("Dossier", "Arbeidsuitbuiting"),
        "Arbeidsuitbuiting is het uitbuiten van een persoon in werk onder dwang. "
        "Het gaat om mensonterende omstandigheden zoals in de horeca en landbouw.",
    ),
    (
        ("Dossier", "Criminele uitbuiting"),
        "Criminele uitbuiting: iemand wordt gedwongen om criminele feiten te "
        "plegen, zoals drugshandel of winkeldiefstal.",
    ),
    (
        ("Dossier", "Regionaal meld- en adviespunt"),
        "Voor advies of het melden van een uitbuitingssituatie kan "
        "(anoniem) contact opgenomen worden met het meld- en adviespunt van het ESSM. "
        "Het meld- en adviespunt is dagelijks telefonisch bereikbaar van 8:30 uur tot 22:00 uur "
        "via telefoonnummer: 010 - 236 52 56",
    ),
    (
        ("Dossier", "Crisisopvang"),
        "De crisisopvang is voor personen die zich identificeren als vrouw. De "
        "minimale leeftijd is 18 jaar. Slachtoffers worden maximaal 3 maanden opgevangen.",
    ),
    (
        ("Dossier", "Netwerk aandachtsfunctionarissen"),
        "Het netwerk komt minimaal twee keer per jaar bij elkaar "
        "en is bedoeld voor de aandachtsfunctionarissen van de 23 gemeenten in de regio.",
    ),
    (
        ("Dossier", "Regionale portefeuillehouder"),
        "Burgemeester Jan Willem Boersma is als regionaal "
        "portefeuillehouder aangewezen. De portefeuillehouder legt jaarlijks verantwoording af.",
    ),
    (
        ("Dossier", "Taken"),
        "De aandachtsfunctionaris heeft de volgende taken:\n\n- Zet aan tot bewustwording "
        "binnen de gemeente;",
    ),
    (
        ("Dossier", "Taken"),
        "- Is het aanspreekpunt voor collega's met signalen;\n\n- Houdt de casussen bij;\n\n"
        "- Onderhoudt het netwerk met de zorg.",
    ),
    (
        ("Dossier", "Cursus bewustwording gratis"),
        "De cursus bewustwording is bedoeld voor medewerkers van de gemeente en duurt een dagdeel.",
    ),
    (("Dossier", "E-learning"), "De e-learning BUIT duurt maximaal 30 minuten per verhaallijn en is gratis."),
    (
        ("Dossier", "Nationaal Rapporteur"),
        "Jaarlijks brengt de Nationaal Rapporteur een rapportage uit met "
        "landelijke kerncijfers over mensenhandel.",
    ),
]


def make_chunks() -> list[Chunk]:
    return [Chunk(source=DOC, section=sec, text=text, ordinal=i) for i, (sec, text) in enumerate(PASSAGES)]


class MemoryIndex:
    """The read side of index.store.Index over chunks in memory: BM25 over stems and numpy cosine."""

    def __init__(self, chunks: list[Chunk], embedder):
        self.chunks = chunks
        self.by_id = {c.id: c for c in chunks}
        self._lexical = LexicalIndex.build([tokenize(c.index_text) for c in chunks])
        self._vectors = embedder.embed_documents([c.index_text for c in chunks])
        units = {c.id: [u.text for u in split_units(c.text)] for c in chunks}
        self._sentences = {cid: (texts, embedder.embed_documents(texts)) for cid, texts in units.items()}
        self.generation = "memory"
        self.manifest = {"generation": "memory", "chunks": len(chunks), "model": embedder.name}
        self.current = True

    @property
    def vocabulary(self) -> dict[str, int]:
        return self._lexical.vocabulary

    def dense_search(self, vec, k):
        sims = self._vectors @ np.asarray(vec, dtype=np.float32)
        order = np.argsort(-sims)[:k]
        return [(self.chunks[i].id, float(sims[i])) for i in order]

    def lexical_search(self, tokens, k):
        return [(self.chunks[i].id, s) for i, s in self._lexical.search(tokens, k)]

    def sentence_vectors(self, chunk_id):
        return self._sentences[chunk_id]

    def sentence_vectors_many(self, chunk_ids):
        return {cid: self._sentences[cid] for cid in chunk_ids}

    def is_current(self) -> bool:
        return self.current


class Clock:
    """A settable clock for the meldpunt's opening hours."""

    def __init__(self, when: datetime):
        self.when = when

    def __call__(self) -> datetime:
        return self.when


@pytest.fixture
def tiny_index():
    return MemoryIndex(make_chunks(), HashEmbedder())


@pytest.fixture
def clock():
    # 12:00 in Amsterdam (CEST): the meldpunt is open.
    return Clock(datetime(2026, 6, 15, 10, 0, tzinfo=UTC))


@pytest.fixture
def assistant(settings, tiny_index, clock):
    import dataclasses

    from assistant.core import Assistant
    from assistant.scope import Thresholds

    # The shipped thresholds are calibrated for multilingual-e5; hash vectors say nothing about being
    # off topic (tests/assistant/test_quotes.py tests that part with its own examples).
    thresholds = dataclasses.replace(Thresholds.from_settings(settings), max_off_topic=2.0)
    return Assistant(settings, index=tiny_index, embedder=HashEmbedder(), clock=clock, thresholds=thresholds)
