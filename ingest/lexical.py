"""Lexical retrieval with Dutch stemming: the tokenizer, and a BM25 index persisted per generation.

The embedding model is English-trained, so Dutch recall rests on this index. The same `tokenize` is
used at ingest and at query time.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np

# Snowball's Dutch stop list, accents already folded (tokens are compared after folding).
# Kept short on purpose: words like "melden", "hulp" or "politie" carry the question.
_STOPWORDS_TEXT = """
    aan al alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door dus een eens en
    er ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand iets ik in is ja je kan kon
    kunnen maar me meer men met mij mijn moet na naar niet niets nog nu of om omdat onder ons ook op over
    reeds te tegen toch toen tot u uit uw van veel voor want waren was wat werd wezen wie wil worden wordt
    zal ze zelf zich zij zijn zo zonder zou
"""
DUTCH_STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

# Snowball 3 (PyStemmer >= 3) renamed the classic Dutch stemmer to "dutch_porter"; its new "dutch"
# strips the ge- prefix and merges words this dossier must keep apart: begeleiding -> "beleid",
# geweld -> "wel", gemeente -> "meen", gezondheid -> "zon". The classic one keeps them distinct.
STEMMER_ALGORITHM = "dutch_porter"

_SPLIT = re.compile(r"[\W_]+")
_local = threading.local()  # PyStemmer objects are not safe to share between threads


def _stemmer():
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import Stemmer

        stemmer = _local.stemmer = Stemmer.Stemmer(STEMMER_ALGORITHM)
    return stemmer


def fold(text: str) -> str:
    """NFKD, accents removed, case folded: 'Coördinatie' -> 'coordinatie'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def tokenize(text: str) -> list[str]:
    """Stemmed Dutch terms of `text`, stopwords and single letters dropped, in order."""
    words = [w for w in _SPLIT.split(fold(text)) if w and w not in DUTCH_STOPWORDS]
    words = [w for w in words if len(w) > 1 or w.isdigit()]
    return _stemmer().stemWords(words) if words else []


class LexicalIndex:
    """BM25 over tokenized passages; document i is the i-th chunk of the generation."""

    VOCABULARY = "vocabulary.json"

    def __init__(self, bm25, vocabulary: dict[str, int], size: int):
        self._bm25 = bm25  # None for an empty corpus: bm25s cannot index zero documents
        self.vocabulary = vocabulary
        self.size = size

    @classmethod
    def build(cls, documents: list[list[str]]) -> LexicalIndex:
        """Index already tokenized documents."""
        vocabulary = Counter(term for tokens in documents for term in set(tokens))
        if not documents:
            return cls(None, {}, 0)
        import bm25s

        bm25 = bm25s.BM25()
        bm25.index(documents, show_progress=False)
        return cls(bm25, dict(sorted(vocabulary.items())), len(documents))

    def save(self, directory: Path) -> None:
        """Write the index to `directory` (created)."""
        directory.mkdir(parents=True, exist_ok=True)
        if self._bm25 is not None:
            self._bm25.save(str(directory), show_progress=False)
        payload = {"size": self.size, "document_frequency": self.vocabulary}
        (directory / self.VOCABULARY).write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        """Read an index written by `save`; raises OSError/ValueError when it is damaged."""
        payload = json.loads((directory / cls.VOCABULARY).read_text(encoding="utf-8"))
        size = int(payload["size"])
        if size == 0:
            return cls(None, {}, 0)
        import bm25s

        bm25 = bm25s.BM25.load(str(directory), show_progress=False, verbosity=0)
        if int(bm25.scores["num_docs"]) != size:
            raise ValueError(f"BM25 heeft {bm25.scores['num_docs']} documenten, verwacht {size}")
        return cls(bm25, payload["document_frequency"], size)

    def search(self, tokens: list[str], k: int) -> list[tuple[int, float]]:
        """Top `k` (document index, BM25 score) for query terms; documents without any term are left out."""
        known = [t for t in tokens if t in self.vocabulary]
        if self._bm25 is None or not known or k <= 0:
            return []
        scores = np.asarray(self._bm25.get_scores(known), dtype=np.float32)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.lexsort((top, -scores[top]))]  # by score, ties by position: stable results
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]
