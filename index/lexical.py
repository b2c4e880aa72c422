"""Lexical retrieval with Dutch stemming: the tokenizer, and a BM25 index persisted per generation.

The embedding model is English-trained, so Dutch recall rests on this index. The same `tokenize` is
used at ingest and at query time.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from index.text import fold

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


def tokenize(text: str) -> list[str]:
    """Stemmed Dutch terms of `text`, stopwords and single letters dropped, in order."""
    words = [w for w in _SPLIT.split(fold(text)) if w and w not in DUTCH_STOPWORDS]
    words = [w for w in words if len(w) > 1 or w.isdigit()]
    return _stemmer().stemWords(words) if words else []


class LexicalIndex:
    """BM25 over tokenized passages; document i is the i-th chunk of the generation.

    bm25s computes the BM25 weights at ingest. Reading and scoring is plain numpy over the saved
    sparse columns: importing bm25s pulls in scipy.sparse (~0.2 s idle, measured with -X importtime),
    a cost every cold `dossier ask` would pay for one sum over a few short arrays.
    """

    FILES = ("data.npy", "indices.npy", "indptr.npy")
    META = "lexical.json"

    def __init__(
        self, data, indices, indptr, term_ids: dict[str, int], vocabulary: dict[str, int], size: int
    ):
        # Column t of the (documents x terms) weight matrix: rows indices[indptr[t]:indptr[t+1]].
        self._data, self._indices, self._indptr = data, indices, indptr
        self._term_ids = term_ids
        self.vocabulary = vocabulary  # stemmed term -> number of passages that contain it
        self.size = size

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> LexicalIndex:
        """Tokenize and index passages: what an ingest saves, and what a reader of a Chroma server builds.

        One function for both, so a page process on another host scores exactly as the saved index does.
        """
        return cls.build([tokenize(text) for text in texts])

    @classmethod
    def build(cls, documents: list[list[str]]) -> LexicalIndex:
        """Index already tokenized documents (Lucene BM25, k1=1.5, b=0.75)."""
        vocabulary = dict(sorted(Counter(term for tokens in documents for term in set(tokens)).items()))
        if not documents:  # bm25s cannot index zero documents
            empty = np.zeros(0, np.float32)
            return cls(empty, empty.astype(np.int32), np.zeros(1, np.int64), {}, {}, 0)
        import bm25s

        # bm25s sets its own logger to DEBUG on import; a page process building this at every reopen
        # (Chroma server mode) would log a line each time.
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        bm25 = bm25s.BM25(method="lucene")  # lucene: no non-occurrence term, so a score is one column sum
        bm25.index(documents, show_progress=False)
        s = bm25.scores
        term_ids = {t: i for t, i in bm25.vocab_dict.items() if t}  # bm25s adds "" for empty queries
        return cls(s["data"], s["indices"], s["indptr"], term_ids, vocabulary, len(documents))

    def save(self, directory: Path) -> None:
        """Write the index to `directory` (created)."""
        directory.mkdir(parents=True, exist_ok=True)
        for name, array in zip(self.FILES, (self._data, self._indices, self._indptr), strict=True):
            np.save(directory / name, array, allow_pickle=False)
        meta = {"size": self.size, "term_ids": self._term_ids, "document_frequency": self.vocabulary}
        (directory / self.META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        """Read an index written by `save`; raises OSError/ValueError/KeyError when it is damaged."""
        meta = json.loads((directory / cls.META).read_text(encoding="utf-8"))
        data, indices, indptr = (np.load(directory / name, allow_pickle=False) for name in cls.FILES)
        term_ids, size = meta["term_ids"], int(meta["size"])
        columns = len(indptr) - 1
        if any(i >= columns for i in term_ids.values()) or not len(data) == len(indices) == int(indptr[-1]):
            raise ValueError("de BM25-matrix past niet bij de woordenlijst")
        if len(indices) and int(indices.max()) >= size:
            raise ValueError(f"de BM25-matrix verwijst naar meer dan {size} passages")
        return cls(data, indices, indptr, term_ids, meta["document_frequency"], size)

    def search(self, tokens: list[str], k: int) -> list[tuple[int, float]]:
        """Top `k` (document index, BM25 score) for query terms; documents without any term are left out."""
        ids = [self._term_ids[t] for t in tokens if t in self._term_ids]
        if not ids or k <= 0:
            return []
        scores = np.zeros(self.size, dtype=np.float32)
        for t in ids:  # a repeated query term counts again, as in bm25s
            start, end = self._indptr[t], self._indptr[t + 1]
            scores[self._indices[start:end]] += self._data[start:end]
        k = min(k, self.size)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.lexsort((top, -scores[top]))]  # by score, ties by position: stable results
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]
