"""The Dutch tokenizer and the persisted BM25 index."""

from __future__ import annotations

from ingest.lexical import DUTCH_STOPWORDS, LexicalIndex, fold, tokenize


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


def test_accents_and_case_are_folded():
    assert fold("Coördinatie Één") == "coordinatie een"
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


def test_unknown_terms_and_empty_index_give_no_hits(tmp_path):
    index = LexicalIndex.build([tokenize("mensenhandel")])
    assert index.search(["bestaatniet"], 5) == []
    assert index.search([], 5) == []
    empty = LexicalIndex.build([])
    empty.save(tmp_path / "empty")
    assert LexicalIndex.load(tmp_path / "empty").search(tokenize("mensenhandel"), 5) == []
