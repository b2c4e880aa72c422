"""The Dutch tokenizer and the persisted BM25 index."""

from __future__ import annotations

import numpy as np
import pytest

from index.lexical import DUTCH_STOPWORDS, LexicalIndex, tokenize
from index.text import fold

SAMPLE = (
    "Slachtoffers van uitbuiting melden zich soms zelf bij de politie. De zorgcoördinator regelt opvang. "
    "Het meldpunt is dagelijks bereikbaar. Uitbuiting in de prostitutie wordt vaak niet gemeld. "
    "Opvang en begeleiding van slachtoffers is een taak van de gemeente. "
)


def test_inflections_share_a_stem():
    assert tokenize("slachtoffers")[0] == tokenize("slachtoffer")[0]
    assert tokenize("gemeenten")[0] == tokenize("gemeente")[0]
    assert tokenize("meldingen") == tokenize("melding")
    assert tokenize("arbeidsuitbuiting") == ["arbeidsuitbuit"]
    assert tokenize("uitbuiting") == ["uitbuit"]


def test_words_that_must_stay_apart_do():
    # Snowball 3's new Dutch stemmer would merge each of these pairs; the classic one does not.
    for a, b in [("begeleiding", "beleid"), ("geweld", "wel"), ("gemeente", "meen"), ("gezondheid", "zon")]:
        assert tokenize(a) != tokenize(b), (a, b)


def test_accents_and_case_are_folded_in_tokens():
    assert tokenize("ZORGCOÖRDINATOR") == tokenize("zorgcoordinator")
    assert tokenize("privé") == tokenize("prive")


def test_stopwords_and_punctuation_are_dropped_numbers_kept():
    tokens = tokenize("Wat moet ik doen als ik een vermoeden heb? Bel 010 - 236 52 56.")
    assert tokens == ["vermoed", "bel", "010", "236", "52", "56"]
    assert not {"wat", "moet", "ik", "een", "als", "heb"} & set(tokens)
    assert tokenize("de het een") == []
    assert tokenize("") == []


def test_stopword_list_is_folded_and_short():
    assert all(w == fold(w) and w.isalpha() for w in DUTCH_STOPWORDS)
    assert 50 < len(DUTCH_STOPWORDS) < 200
    assert not {"melden", "politie", "hulp", "slachtoffer", "uitbuiting"} & DUTCH_STOPWORDS


def test_bm25_ranks_matching_passages_and_survives_save_load(tmp_path):
    docs = [
        "Mensenhandel is het werven van mensen met als doel uitbuiting.",
        "De begeleiding van slachtoffers gebeurt door de zorgcoördinator.",
        "Het gemeentelijk beleid tegen arbeidsuitbuiting en uitbuiting.",
        "Openingstijden van het meldpunt.",
    ]
    index = LexicalIndex.build([tokenize(d) for d in docs])
    assert index.vocabulary["uitbuit"] == 2  # document frequency
    hits = index.search(tokenize("uitbuiting beleid"), 10)
    assert [i for i, _ in hits] == [2, 0]
    assert hits[0][1] > hits[1][1] > 0

    index.save(tmp_path / "lex")
    loaded = LexicalIndex.load(tmp_path / "lex")
    assert loaded.search(tokenize("uitbuiting beleid"), 10) == hits
    assert loaded.vocabulary == index.vocabulary
    assert [i for i, _ in loaded.search(tokenize("zorgcoordinator"), 3)] == [1]


def test_scores_are_those_of_bm25s(tmp_path):
    import bm25s

    docs = [tokenize(t) for t in (SAMPLE * 3).split(". ") if t]
    reference = bm25s.BM25(method="lucene")
    reference.index(docs, show_progress=False)
    ours = LexicalIndex.build(docs)
    ours.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    for query in ["uitbuiting slachtoffers", "melden meldpunt politie", "opvang opvang", "zorgcoordinator"]:
        tokens = tokenize(query)
        expected = reference.get_scores(tokens)
        hits = loaded.search(tokens, len(docs))
        assert hits, query
        assert all(score == pytest.approx(float(expected[i]), rel=1e-5) for i, score in hits)
        assert {i for i, _ in hits} == {i for i, s in enumerate(expected) if s > 0}


def test_damaged_index_does_not_load(tmp_path):
    LexicalIndex.build([tokenize(SAMPLE)]).save(tmp_path)
    np.save(tmp_path / "indptr.npy", np.zeros(2, np.int64))
    with pytest.raises(ValueError):
        LexicalIndex.load(tmp_path)


def test_unknown_terms_and_empty_index_give_no_hits(tmp_path):
    index = LexicalIndex.build([tokenize("mensenhandel")])
    assert index.search(["bestaatniet"], 5) == []
    assert index.search([], 5) == []
    empty = LexicalIndex.build([])
    empty.save(tmp_path / "empty")
    assert LexicalIndex.load(tmp_path / "empty").search(tokenize("mensenhandel"), 5) == []
