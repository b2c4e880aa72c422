"""Everything answering derives from one opened index, computed once per index generation."""

from __future__ import annotations

import re

from assistant import answer as ans
from assistant import answertype, quotes
from assistant import meldpunt as mp
from assistant.offtopic import OffTopic
from assistant.query import Vocabulary
from index.chunk import Chunk
from index.text import fold, normalise, split_units


class IndexState:
    """Everything derived from one opened index."""

    def __init__(self, index, facts: mp.MeldpuntFacts, embedder=None, cache_dir=None):
        self.index = index
        self.vocab = Vocabulary.from_index(index)
        self.n_docs = max(1, len(index.chunks))
        self.idf = ans.idf_table(self.vocab.df, self.n_docs)
        self.lower_words = {
            w
            for c in index.chunks
            for w in re.findall(r"[^\W\d_]+", c.text)
            if w.islower()
            for w in [fold(w)]
        }
        self.meldpunt_chunk, self.meldpunt_sentence = find_meldpunt(index.chunks, facts)
        self.advice: list[Chunk] | None = None  # passages nearest to what to do (on first use)
        # Sentences and their stems, once per passage: answering then only scores them.
        self.sentences = {c.id: ans.units_with_stems(c.text) for c in index.chunks}
        self.vectors = quotes.SentenceVectors(index, embedder, self.sentences)
        self.offtopic = OffTopic(embedder, cache_dir)
        # All text as normalised words, to check that names a question uses stand in the dossier.
        self.text_norm = " " + " ".join(normalise(c.index_text) for c in index.chunks) + " "
        # The passages that hold a web address, an e-mail address or a phone number: few, and found by
        # their kind wherever they stand (assistant/lookfor.py).
        self.contacts = {
            kind: [c for c in index.chunks if answertype.has_contact(kind, c.text)]
            for kind in answertype.CONTACTS
        }
        # The passage that goes on where another stops (same document and section, next position).
        by_place = {(c.source, c.ordinal): c for c in index.chunks}
        self.next_chunk = {
            c.id: n
            for c in index.chunks
            if (n := by_place.get((c.source, c.ordinal + 1))) is not None and n.section == c.section
        }


def find_meldpunt(chunks: list[Chunk], facts: mp.MeldpuntFacts) -> tuple[Chunk | None, str]:
    """The passage the card's facts come from: the one holding the source quote, else the phone number."""
    quote = normalise(facts.source_quote) if facts.source_quote else None
    digits = re.sub(r"\D", "", facts.phone)
    best = None
    for c in chunks:
        if quote and quote in normalise(c.text):
            best = c
            break
        if best is None and digits and digits in re.sub(r"\D", "", c.text):
            best = c
    if best is None:
        return None, ""
    sentences = [u.text for u in split_units(best.text)]
    for s in sentences:
        if digits and digits in re.sub(r"\D", "", s):
            return best, s
    return best, sentences[0] if sentences else ""
