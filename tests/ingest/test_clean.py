"""OCR repair rules, de-hyphenation and paragraph rejoin; each rule on its own, then on the dossier."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from ingest.clean import clean_text, repair_words

ROOT = Path(__file__).resolve().parents[2]
DOSSIER = ROOT / "corpus" / "dossier-mensenhandel-regio-rotterdam.txt"
DEV = ROOT / "tests" / "data" / "dev.jsonl"


def paragraphs(text: str) -> list[str]:
    return clean_text(text).split("\n\n")


# --- word rules ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("ledere gemeente doet mee.", "Iedere gemeente doet mee."),
        (
            "Hulp is gratis. leder mogelijk slachtoffer is welkom.",
            "Hulp is gratis. Ieder mogelijk slachtoffer is welkom.",
        ),
        ("Het gaat om fraude. ledereen kan het zien.", "Het gaat om fraude. Iedereen kan het zien."),
        ("- ln 2022 beleid hebben;", "- In 2022 beleid hebben;"),
    ],
)
def test_capital_i_read_as_l_at_sentence_start(damaged, repaired):
    assert repair_words(damaged) == repaired


@pytest.mark.parametrize(
    "kept",
    ["Het leder van de tas is bruin.", "Leder is duur.", "De lener betaalt.", "Lees dit. lezen helpt."],
)
def test_real_l_words_are_kept(kept):
    assert repair_words(kept) == kept


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("twee zorgcodrdinatoren", "twee zorgcoördinatoren"),
        ("een zorgcodérdinator", "een zorgcoördinator"),
        ("netwerk van zorgcodérdinatie;", "netwerk van zorgcoördinatie;"),
        ("Zorgcodrdinatie", "Zorgcoördinatie"),
        ("het codrdineren van het proces", "het coördineren van het proces"),
    ],
)
def test_o_umlaut_read_as_od(damaged, repaired):
    assert repair_words(damaged) == repaired


def test_coordinator_without_damage_is_left_alone():
    assert repair_words("aanjager en coordinator") == "aanjager en coordinator"


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("samen met een cliént.", "samen met een cliënt."),
        ("financiéle processen", "financiële processen"),
        ("(potentiéle) plegers", "(potentiële) plegers"),
        ("barriéres opwerpen", "barrières opwerpen"),
        ("bewustwording te creéren", "bewustwording te creëren"),
        ("Creéer een kamer", "Creëer een kamer"),
        ("veelbelovende strategieén", "veelbelovende strategieën"),
    ],
)
def test_diaeresis_read_as_acute_after_a_vowel(damaged, repaired):
    assert repair_words(damaged) == repaired


@pytest.mark.parametrize(
    "kept", ["één experience", "opwerpen én opsporen", "een café", "Eén gemeente", "dié man"]
)
def test_real_acute_accents_are_kept(kept):
    assert repair_words(kept) == kept


def test_stray_digit_in_abbreviation():
    assert repair_words("overleggen met o0.a. de VNG") == "overleggen met o.a. de VNG"
    assert repair_words("versie v1.2. is uit") == "versie v1.2. is uit"


def test_unknown_damage_is_not_guessed():
    # No general rule fixes these; we do not invent words or edit single sentences.
    text = "kan je die niet goed dwden? Dan is er in de landelijke opgenomen iets."
    assert repair_words(text) == text


# --- lines and paragraphs -----------------------------------------------------------------------------

# Two full printed lines: the page width is taken from the long lines of the text.
PAGE = (
    "Dit regionaal introductiedossier is opgesteld voor met name nieuwe aandachtsfunctionarissen in\n"
    "de gemeenten van de regio Rotterdam, en voor samenwerkingspartners die ermee werken zo.\n\n"
)


def test_wrapped_lines_are_rejoined_and_blank_lines_separate_paragraphs():
    text = f"{PAGE}De regio werkt samen met veel partners in het\nzorgdomein.\n\nTweede alinea."
    assert paragraphs(text)[1:] == [
        "De regio werkt samen met veel partners in het zorgdomein.",
        "Tweede alinea.",
    ]


def test_list_items_are_paragraphs_of_their_own():
    text = "Afgesproken is dat iedere gemeente:\n- beleid heeft;\n- werkt aan opvang en\nnazorg;\n"
    text += "1. eerst dit\n2. dan dat"
    assert paragraphs(text) == [
        "Afgesproken is dat iedere gemeente:",
        "- beleid heeft;",
        "- werkt aan opvang en nazorg;",
        "1. eerst dit",
        "2. dan dat",
    ]


def test_hyphen_kept_in_compounds_and_dropped_in_split_words():
    text = (
        f"{PAGE}Het ESSM biedt psycho-\nsociale hulp en werkt met het RIEC-\nsamenwerkingsverband aan een "
        "hulpverle-\nningstraject. Elk hulpverleningstraject is anders."
    )
    (joined,) = paragraphs(text)[1:]
    assert "psycho-sociale" in joined
    assert "RIEC-samenwerkingsverband" in joined
    assert "een hulpverleningstraject." in joined


def test_ocr_junk_lines_are_dropped_and_whitespace_collapsed():
    assert paragraphs("Eerste  zin\u00a0hier.\n|\\\n\n  •  \n\nTweede\tzin.") == [
        "Eerste zin hier.",
        "Tweede zin.",
    ]


@pytest.mark.parametrize("footer", ["3", "- 3 -", "Pagina 3", "pagina 3 van 12", "3/12"])
def test_bare_page_numbers_are_dropped(footer):
    assert paragraphs(f"Einde van de pagina.\n\n{footer}\n\nVolgende pagina.") == [
        "Einde van de pagina.",
        "Volgende pagina.",
    ]


def test_numbers_with_words_are_kept():
    assert paragraphs("Bel 010 236 52 56.\n\n1x per jaar\n\n2024") == [
        "Bel 010 236 52 56.",
        "1x per jaar",
        "2024",
    ]


def test_a_blank_line_inside_a_sentence_is_a_page_break():
    text = (
        f"{PAGE}Dit is een lange zin die over de rand van de pagina doorloopt, vaak\n\ntegen hoge betaling."
    )
    assert (
        paragraphs(text)[1]
        == "Dit is een lange zin die over de rand van de pagina doorloopt, vaak tegen hoge betaling."
    )


def test_short_title_lines_stay_apart_from_the_text_under_them():
    text = f"{PAGE}- Fier\n\nis landelijk expert.\n\n- Platform Mensenhandel\n"
    text += "Op tactisch niveau vindt overleg plaats.\nRegionaal\nRegionaal zijn doelen gesteld:"
    assert paragraphs(text)[1:] == [
        "- Fier",
        "is landelijk expert.",
        "- Platform Mensenhandel",
        "Op tactisch niveau vindt overleg plaats.",
        "Regionaal",
        "Regionaal zijn doelen gesteld:",
    ]


def test_an_indented_line_after_a_full_stop_starts_a_paragraph():
    full = "Deze vorm komt bijna niet voor in de cijfers en wordt ook niet meegenomen in de aanpak."
    text = f"{PAGE}{full}\n Definitie mensensmokkel is iets anders."
    assert paragraphs(text)[-1] == "Definitie mensensmokkel is iets anders."


def test_a_label_line_ending_in_a_colon_joins_its_value():
    assert paragraphs("Regionaal accounthouder:\nJantien van Termeij") == [
        "Regionaal accounthouder: Jantien van Termeij"
    ]


# --- on the real dossier ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dossier_clean() -> str:
    return clean_text(DOSSIER.read_text(encoding="utf-8"))


def fold(text: str) -> str:
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", text.lower()))


def test_dossier_damage_is_repaired(dossier_clean):
    for damaged in (
        "ledere",
        "leder ",
        "codrdin",
        "codérdin",
        "cliént",
        "financiéle",
        "barriéres",
        "o0.a.",
        "|\\",
    ):
        assert damaged not in dossier_clean, damaged
    for repaired in (
        "Iedere gemeente",
        "Ieder mogelijk",
        "Iedereen die",
        "zorgcoördinatoren",
        "cliënt",
        "o.a. de VNG",
    ):
        assert repaired in dossier_clean, repaired


def test_cleaning_is_idempotent(dossier_clean):
    assert clean_text(dossier_clean) == dossier_clean


def test_no_word_is_lost(dossier_clean):
    """Every evidence string of the eval set is still in the cleaned dossier (accent-folded)."""
    folded = fold(dossier_clean)
    for line in DEV.read_text(encoding="utf-8").splitlines():
        for evidence in json.loads(line)["evidence"]:
            assert fold(evidence) in folded, evidence
