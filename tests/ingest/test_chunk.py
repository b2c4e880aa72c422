"""Chunk invariants on the real dossier, at several sizes, and the Dutch sentence splitter."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.settings import Settings
from index.text import split_sentences
from ingest.chunk import PARAGRAPH_SEP, chunk_document, pack_section
from ingest.load import Document, load_document
from ingest.structure import Section, split_sections

ROOT = Path(__file__).resolve().parents[2]
DOSSIER = ROOT / "corpus" / "dossier-mensenhandel-regio-rotterdam.txt"
SIZES = [300, 700, 1500]
TERMINAL = (".", "!", "?")
CLOSERS = "\"'”’)"


@pytest.fixture(scope="module")
def dossier() -> Document:
    return load_document(DOSSIER, DOSSIER.parent, Settings())


@pytest.fixture(scope="module", params=SIZES)
def chunked(request, dossier):
    settings = Settings(chunk_max_chars=request.param, chunk_min_chars=120)
    return settings, chunk_document(dossier, settings)


def test_no_empty_chunk_and_every_chunk_has_a_section(chunked):
    _, chunks = chunked
    assert chunks
    for c in chunks:
        assert c.text.strip() and c.text == c.text.strip()
        assert c.section and all(c.section)
        assert c.source == DOSSIER.name


def test_chunks_tile_their_sections_exactly(chunked, dossier):
    """Within a section the chunks, in order, are its paragraphs: nothing lost, nothing spans two sections."""
    _, chunks = chunked
    runs: list[tuple[tuple[str, ...], list[str]]] = []  # consecutive chunks of one path
    for c in chunks:
        if runs and runs[-1][0] == c.section:
            runs[-1][1].append(c.text)
        else:
            runs.append((c.section, [c.text]))
    sections = split_sections(dossier)
    assert [path for path, _ in runs] == [s.path for s in sections]
    for (path, texts), s in zip(runs, sections, strict=True):
        assert " ".join(" ".join(texts).split()) == " ".join(" ".join(s.paragraphs).split()), path


def test_no_chunk_cuts_a_sentence(chunked, dossier):
    """Each paragraph of a chunk is a whole paragraph, or a run of whole sentences of one."""
    _, chunks = chunked
    paragraphs = [p for s in split_sections(dossier) for p in s.paragraphs]
    for c in chunks:
        for piece in c.text.split(PARAGRAPH_SEP):
            home = next(p for p in paragraphs if piece in p)
            start = home.index(piece)
            assert start == 0 or home[:start].rstrip().endswith(TERMINAL), piece
            end = start + len(piece)
            assert end == len(home) or piece.rstrip(CLOSERS).endswith(TERMINAL), piece


def test_sizes_respect_the_maximum_except_single_long_sentences(chunked):
    settings, chunks = chunked
    for c in chunks:
        if len(c.text) > settings.chunk_max_chars:
            assert PARAGRAPH_SEP not in c.text and len(split_sentences(c.text)) == 1, c.text


def test_short_chunks_only_where_the_section_leaves_no_room(chunked, dossier):
    settings, chunks = chunked
    for i, c in enumerate(chunks):
        if len(c.text) >= settings.chunk_min_chars:
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(chunks) and chunks[j].section == c.section:
                assert len(chunks[j].text) + len(PARAGRAPH_SEP) + len(c.text) > settings.chunk_max_chars


def test_ids_are_stable_across_runs_and_unique(dossier):
    settings = Settings()
    first = chunk_document(dossier, settings)
    again = chunk_document(load_document(DOSSIER, DOSSIER.parent, settings), settings)
    assert [c.id for c in first] == [c.id for c in again]
    assert len({c.id for c in first}) == len(first)
    assert [c.ordinal for c in first] == list(range(len(first)))


def test_the_meldpunt_passage_is_one_chunk_with_its_hours(dossier):
    chunks = chunk_document(dossier, Settings())
    (hit,) = [c for c in chunks if "8:30 uur tot 22:00 uur" in c.text]
    assert "010 - 236 52 56" in hit.text
    assert hit.section[-1] == "Regionaal meld- en adviespunt"


def test_a_list_intro_stays_with_its_first_item():
    intro = "De aandachtfunctionaris heeft de volgende taken:"
    section = Section(
        path=("Rollen",),
        paragraphs=["Een inleidende alinea over de rol van de functionaris in de gemeente." * 3, intro]
        + [f"- Taak nummer {i} wordt hier in een korte zin beschreven;" for i in range(6)],
    )
    passages = pack_section(section, max_chars=300, min_chars=50)
    assert any(p.startswith(intro + PARAGRAPH_SEP + "- Taak nummer 0") for p in passages)
    assert not any(p.endswith(intro) for p in passages)


def test_a_long_paragraph_is_split_between_sentences_into_even_parts():
    sentence = "Dit is een zin van ongeveer zestig tekens lang, met inhoud. "
    section = Section(path=("X",), paragraphs=[(sentence * 12).strip()])
    passages = pack_section(section, max_chars=700, min_chars=120)
    assert len(passages) == 2
    assert all(p.endswith(".") and p.startswith("Dit") for p in passages)
    assert abs(len(passages[0]) - len(passages[1])) <= len(sentence)


def test_short_neighbours_merge_within_a_section_only():
    a = Section(path=("A",), paragraphs=["Kort.", "Ook kort."])
    assert pack_section(a, max_chars=700, min_chars=120) == ["Kort.\n\nOok kort."]
    doc = Document(source="x.md", pages=[(None, "# A\n\nKort.\n\n# B\n\nOok kort.")])
    assert [(c.section, c.text) for c in chunk_document(doc, Settings())] == [
        (("A",), "Kort."),
        (("B",), "Ook kort."),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Eerste zin. Tweede zin!", ["Eerste zin.", "Tweede zin!"]),
        ("Overleg met o.a. de VNG. Daarna meer.", ["Overleg met o.a. de VNG.", "Daarna meer."]),
        ("Denk aan bijv. Fairwork en e.d. Organisaties.", ["Denk aan bijv. Fairwork en e.d. Organisaties."]),
        ("Bel tussen 8:30 en 22:00 uur. Of mail.", ["Bel tussen 8:30 en 22:00 uur.", "Of mail."]),
        ("Het kost 2.5 miljoen. Zo is het.", ["Het kost 2.5 miljoen.", "Zo is het."]),
        (
            "Burgemeester J. W. Boersma zit voor. Hij leidt.",
            ["Burgemeester J. W. Boersma zit voor.", "Hij leidt."],
        ),
        ("Zie nr. 5 en art. 273f. Klaar.", ["Zie nr. 5 en art. 273f.", "Klaar."]),
        ("Kan je het niet duiden? Dan bel je.", ["Kan je het niet duiden?", "Dan bel je."]),
        ("Zoals AVIM, NLA etc. Houdt ook bij.", ["Zoals AVIM, NLA etc. Houdt ook bij."]),
    ],
)
def test_dutch_sentence_splitter(text, expected):
    assert split_sentences(text) == expected


def test_a_list_that_fits_stays_whole_with_its_intro():
    intro = "Afgesproken is dat iedere gemeente:"
    items = ["- beleid heeft;", "- werkt aan opvang;", "- signaleert;", "- een functionaris heeft."]
    section = Section(path=("Lokaal",), paragraphs=["Een inleiding van twee zinnen. " * 8, intro, *items])
    passages = pack_section(section, max_chars=300, min_chars=50)
    assert PARAGRAPH_SEP.join([intro, *items]) in passages
