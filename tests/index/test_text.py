"""index/text.py: the one fold, normaliser, list-item rule and sentence splitter every layer shares."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from index.text import fold, is_list_item, normalise, split_sentences, words


def test_accents_and_case_are_folded():
    assert fold("Coördinatie Één") == "coordinatie een"


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_fold_is_the_plain_definition(text):
    """fold skips ASCII runs for speed; it must equal NFKD + drop every combining mark + casefold,
    with typographic apostrophes made plain."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    assert fold(text) == plain.replace("’", "'").replace("‘", "'")


def test_fold_handles_marks_next_to_ascii():
    assert fold("Cafe\u0301 ﬁets ½ Ångström ŒUVRE") == "cafe fiets 1⁄2 angstrom œuvre"


def test_fold_makes_typographic_apostrophes_plain():
    assert fold("’s Avonds ‘t Café") == "'s avonds 't cafe"


def test_normalise_keeps_letters_and_digits_only():
    assert normalise("Zorgcoördinatie: “24/7”!") == "zorgcoordinatie 24 7"
    assert normalise("  Meld- en  adviespunt ") == "meld en adviespunt"


def test_words_is_a_set_of_the_whitespace_separated_words():
    assert words(" een\ntwee  drie een ") == frozenset({"een", "twee", "drie"})


def test_one_list_item_rule_for_bullets_and_numbers():
    for item in (
        "- appels",
        "– peren",
        "• kersen",
        "* pruimen",
        "▪ bessen",
        "· druiven",
        "1. eerst",
        "12) dan",
    ):
        assert is_list_item(item), item
    for prose in ("-- geen lijst", "123. te lang", "1.5 liter", "Appels, peren", "*nadruk*", ""):
        assert not is_list_item(prose), prose


def test_sentences_split_at_capitals_not_after_abbreviations_or_initials():
    text = "De tuin is o.a. groen. Hij belt J. de Boer om 9.30 uur. daarna niet. Klaar!"
    assert split_sentences(text) == [
        "De tuin is o.a. groen.",
        "Hij belt J. de Boer om 9.30 uur. daarna niet.",
        "Klaar!",
    ]
