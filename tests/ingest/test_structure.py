"""Section detection: the dossier's own headings, nesting, and the per-format heading sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.settings import Settings
from ingest.load import Document, load_document
from ingest.structure import announced_parts, group_name, split_sections

ROOT = Path(__file__).resolve().parents[2]
DOSSIER = ROOT / "corpus" / "dossier-mensenhandel-regio-rotterdam.txt"
SAMPLES = ROOT / "tests" / "data" / "samples"
ESSM = "Expertisecentrum Seksualiteit, Sekswerk en Mensenhandel (ESSM)"


@pytest.fixture(scope="module")
def sections():
    return split_sections(load_document(DOSSIER, DOSSIER.parent, Settings()))


@pytest.fixture(scope="module")
def headings(sections) -> set[str]:
    return {name for s in sections for name in s.path}


def path_of(sections, text: str) -> tuple[str, ...]:
    """The path of the section holding the paragraph that starts with `text`."""
    for s in sections:
        for p in s.paragraphs:
            if p.startswith(text):
                return s.path
    raise AssertionError(f"no paragraph starts with {text!r}")


@pytest.mark.parametrize(
    "heading",
    [
        "Landelijk",
        "Regionaal",
        "Lokaal",
        "Regionale portefeuillehouder",
        "Regionaal beleidsadviseur Mensenhandel",
        "Lokale aandachtsfunctionaris Mensenhandel",
        "Regionale Tafel Mensenhandel",
        "Platform Mensenhandel",
        "Netwerk aandachtsfunctionarissen",
        ESSM,
        "Zorgcoördinatie",
        "Regionaal meld- en adviespunt",
        "Individuele hulpverlening",
        "Crisisopvang",
        "Voorlichting",
        "Regionaal Informatie en Expertise Centrum (RIEC) Rotterdam",
        "Afdeling Vreemdelingenpolitie, Identificatie en Mensenhandel (AVIM)",
        "Openbaar Ministerie (OM) Rotterdam",
        "Nederlandse Arbeidsinspectie (NLA)",
        "Training: ‘Hoe vul je jouw rol in als aandachtsfunctionaris van mensenhandel?’",
        "Virtual Reality Experience (VR-brillen)",
        "‘Koffer Verkeerd, hoe dromen anders kunnen uitpakken’",
        "Bewustwordingsplatform",
        "Korte gratis e-learning",
        "Project Kind en uitbuiting - gratis training voor professionals",
        "Training 'No Room for Sex Trafficking'",
        "Nationaal Rapporteur Mensenhandel en Seksueel Geweld tegen Kinderen",
        "CoMensha",
        "Fier",
        "Fairwork",
    ],
)
def test_dossier_headings_are_found(headings, heading):
    assert heading in headings


def test_at_least_twenty_distinct_sections(sections):
    assert len({s.path for s in sections}) >= 20


def test_every_section_has_a_path_and_text(sections):
    for s in sections:
        assert s.path and all(s.path) and s.paragraphs and all(p.strip() for p in s.paragraphs)
        assert s.page is None  # a text file has no pages


def test_essm_services_nest_under_essm_under_the_partner_group(sections):
    for sub in (
        "Zorgcoördinatie",
        "Regionaal meld- en adviespunt",
        "Individuele hulpverlening",
        "Crisisopvang",
    ):
        assert any(s.path[-2:] == (ESSM, sub) for s in sections), sub
    crisis = path_of(sections, "In de crisisopvang worden")
    assert crisis == ("Ketenpartners", ESSM, "Crisisopvang")
    # the next organisation closes ESSM again
    assert path_of(sections, "Tien Regionale Informatie")[-2:] == (
        "Ketenpartners",
        "Regionaal Informatie en Expertise Centrum (RIEC) Rotterdam",
    )


def test_groups_are_named_from_the_paragraph_announcing_them(sections):
    assert path_of(sections, "Mensenhandel is in de landelijke")[-2:] == ("Aanpak", "Landelijk")
    assert path_of(sections, "Op tactisch niveau")[0] != "Ketenpartners"
    assert (
        path_of(sections, "Als aandachtsfunctionaris mensenhandel ben jij")[0] == "Opleidingen en trainingen"
    )
    assert path_of(sections, "is landelijk expert")[-2:] == ("Websites of handige documenten", "Fier")


def test_a_group_ends_after_the_parts_its_announcement_names(sections):
    # "... ingezoomd op de landelijke, regionale en lokale aanpak": three parts, then the roles follow.
    assert path_of(sections, "Het Interbestuurlijk Programma")[-2:] == ("Aanpak", "Lokaal")
    assert path_of(sections, "Vanuit het Regionaal Veiligheidsoverleg") == ("Regionale portefeuillehouder",)
    assert announced_parts("op de landelijke, regionale en lokale aanpak.") == {
        "landelijk",
        "regional",
        "lokal",
    }


def test_an_entry_ends_where_the_text_names_other_entries_and_not_its_own(sections):
    assert path_of(sections, "Alle opsporingsonderzoeken")[-1] == "Nederlandse Arbeidsinspectie (NLA)"
    # "Regionaal is er een [meldroutekaart] opgesteld door het ESSM, RIEC Rotterdam en de VAR."
    assert path_of(sections, "Regionaal is er een opgesteld") == ("Ketenpartners",)
    assert path_of(sections, "Twijfel je over een signaal") == ("Ketenpartners",)
    # naming another entry next to its own keeps the text in its entry
    text = (
        "Binnen onze regio zijn de volgende partners actief:\n\n- Politie (POL)\nDe POL spoort op.\n\n"
        "De POL werkt met het OM samen.\n\n- Openbaar Ministerie (OM)\nHet OM vervolgt.\n\n"
        "Samen met de POL is er een kaart."
    )
    found = split_sections(Document(source="x.txt", pages=[(None, text)]))
    assert [(s.path, s.paragraphs) for s in found][1:] == [
        (("Partners", "Politie (POL)"), ["De POL spoort op.", "De POL werkt met het OM samen."]),
        (("Partners", "Openbaar Ministerie (OM)"), ["Het OM vervolgt."]),
        (("Partners",), ["Samen met de POL is er een kaart."]),
    ]


def test_group_names_from_cue_phrases():
    assert group_name("Binnen onze regio zijn de volgende ketenpartners actief:") == "Ketenpartners"
    assert group_name("Er zijn diverse opleidingen en trainingen beschikbaar in het land.") == (
        "Opleidingen en trainingen"
    )
    assert group_name("Hieronder wordt ingezoomd op de landelijke en lokale aanpak.") == "Aanpak"


def test_lead_ins_name_sub_sections(sections):
    assert path_of(sections, "Definitie mensenhandel is")[-1] == "Definitie mensenhandel"
    assert path_of(sections, "Criminele uitbuiting: Vindt")[-1] == "Criminele uitbuiting"
    # a label with a bare value is no sub-section: it stays with the introduction
    assert path_of(sections, "Regionaal accounthouder") == path_of(sections, "Dit regionaal")


def test_loose_short_lines_are_not_headings(headings, sections):
    # the tail of a list whose numbering the OCR lost, a dangling link word, a subtitle
    for line in (
        "Bevorderen regionale samenwerking",
        "Aanpakken van faciliteerders en mensenhandelaren",
        "Via",
    ):
        assert line not in headings
        assert path_of(sections, line)
    assert "Politie eenheid Rotterdam" not in headings
    assert path_of(sections, "Politie eenheid Rotterdam")[-1].endswith("(AVIM)")


def test_markdown_headings_give_the_path():
    doc = load_document(SAMPLES / "handleiding.md", SAMPLES, Settings())
    assert [s.path for s in split_sections(doc)] == [
        ("Handleiding",),
        ("Handleiding", "Melden"),
        ("Handleiding", "Opvang"),
    ]


def test_docx_heading_styles_give_the_path():
    doc = load_document(SAMPLES / "koppen.docx", SAMPLES, Settings())
    paths = {s.path: s.paragraphs for s in split_sections(doc)}
    assert paths[("Samenwerking", "Politie")] == [
        "De politie spoort daders op.",
        "- Aangifte doen kan altijd.",
    ]


def test_html_headings_give_the_path():
    doc = load_document(SAMPLES / "pagina.html", SAMPLES, Settings())
    assert [s.path for s in split_sections(doc)] == [
        ("Aanpak mensenhandel",),
        ("Aanpak mensenhandel", "Meldpunt"),
    ]


def test_pdf_sections_keep_their_page():
    doc = load_document(SAMPLES / "twee-paginas.pdf", SAMPLES, Settings())
    assert [(s.path, s.page) for s in split_sections(doc)] == [(("Meldroute",), 1), (("Opvang",), 2)]


def test_pages_without_a_heading_are_named_after_the_page():
    doc = Document(
        source="map/verslag_2024.pdf",
        pages=[(1, "Een zin zonder kop erboven."), (2, "Nog een zin.")],
    )
    assert [(s.path, s.page) for s in split_sections(doc)] == [
        (("Verslag 2024", "Pagina 1"), 1),
        (("Verslag 2024", "Pagina 2"), 2),
    ]


def test_text_before_any_heading_falls_under_the_document_title():
    doc = Document(source="notitie.txt", pages=[(None, "Gewoon een korte notitie.")])
    assert split_sections(doc)[0].path == ("Notitie",)


def test_a_sentence_running_over_a_page_break_stays_whole():
    doc = Document(
        source="verslag.pdf",
        pages=[
            (1, "Opvang\n\nDe crisisopvang is een geheime plek waar altijd een"),
            (2, "medewerker is.\n\nNieuw."),
        ],
    )
    first, second = split_sections(doc)
    assert (first.path, first.page) == (("Opvang",), 1)
    assert first.paragraphs == ["De crisisopvang is een geheime plek waar altijd een medewerker is."]
    assert (second.path, second.page, second.paragraphs) == (("Opvang",), 2, ["Nieuw."])
