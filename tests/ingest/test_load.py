"""Loading each supported format, and refusing bad input with a Dutch reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.errors import DocumentError
from index.settings import Settings
from ingest.load import SUPPORTED_SUFFIXES, Document, load_document

DATA = Path(__file__).resolve().parent.parent / "data"
SAMPLES = DATA / "samples"
DOSSIER = Path(__file__).resolve().parents[2] / "corpus" / "dossier-mensenhandel-regio-rotterdam.txt"


def load(name: str, settings=None) -> Document:
    return load_document(SAMPLES / name, SAMPLES, settings or Settings())


def refused(name: str, settings=None) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        load(name, settings)
    return info.value


def test_supported_suffixes_cover_the_issue():
    assert {".txt", ".md", ".pdf", ".docx", ".html"} <= set(SUPPORTED_SUFFIXES)


def test_txt_loads_with_source_relative_to_corpus(tmp_path):
    (tmp_path / "sub").mkdir()
    shutil.copy(SAMPLES / "notitie.txt", tmp_path / "sub" / "notitie.txt")
    doc = load_document(tmp_path / "sub" / "notitie.txt", tmp_path, Settings())
    assert doc.source == "sub/notitie.txt"
    assert doc.pages[0][0] is None
    assert "Iedere gemeente heeft een aandachtsfunctionaris." in doc.pages[0][1]


def test_dossier_loads_as_one_unpaged_text():
    doc = load_document(DOSSIER, DOSSIER.parent, Settings())
    assert doc.source == DOSSIER.name
    assert len(doc.pages) == 1 and doc.pages[0][0] is None
    assert "Crisisopvang" in doc.text


def test_cp1252_text_is_read_when_it_decodes_cleanly():
    assert load("windows.txt").text.strip() == "Eén gemeente, één aanpak: coördinatie."


def test_invalid_utf8_that_is_not_cp1252_either_is_refused():
    assert "UTF-8" in refused("kapot.txt").reason


def test_empty_file_is_refused():
    err = refused("leeg.txt")
    assert "leeg" in err.reason and err.path == "leeg.txt"


def test_binary_renamed_to_pdf_is_refused():
    assert "PDF" in refused("nep.pdf").reason


def test_truncated_pdf_is_refused(tmp_path):
    data = (SAMPLES / "twee-paginas.pdf").read_bytes()
    (tmp_path / "half.pdf").write_bytes(data[:400])
    with pytest.raises(DocumentError):
        load_document(tmp_path / "half.pdf", tmp_path, Settings())


def test_encrypted_pdf_is_refused_naming_the_password():
    assert "wachtwoord" in refused("beveiligd.pdf").reason


def test_pdf_keeps_page_numbers():
    doc = load("twee-paginas.pdf")
    assert [number for number, _ in doc.pages] == [1, 2]
    assert "meld- en adviespunt" in doc.pages[0][1]
    assert "crisisopvang" in doc.pages[1][1]


def test_docx_heading_styles_become_markdown_headings():
    text = load("koppen.docx").text
    assert "# Samenwerking" in text.splitlines()
    assert "## Politie" in text.splitlines()
    assert "- Aangifte doen kan altijd." in text.splitlines()
    assert "Meldpunt | Dagelijks" in text  # tables are read too


def test_html_keeps_headings_and_drops_script_style_and_attributes():
    text = load("pagina.html").text
    lines = text.splitlines()
    assert "# Aanpak mensenhandel" in lines and "## Meldpunt" in lines
    assert "Iedere gemeente doet mee." in text
    assert "- Anoniem melden kan." in lines
    for bad in ("alert('img')", 'alert("kop")', "onerror", "ingevoegd", "color", "Voorbeeld"):
        assert bad not in text, bad
    # Written as entities, shown as written: the author's text, escaped by the page when shown.
    assert "Let op: <script>alert(1)</script> is tekst, geen code." in lines


def test_markdown_with_raw_html_comes_out_as_text():
    text = load("handleiding.md").text
    assert "## Melden" in text and "alert" not in text and "<" not in text


def test_other_file_types_are_refused_naming_the_supported_ones():
    err = refused("notities.rtf")
    assert "'.rtf'" in err.reason
    for suffix in (".txt", ".md", ".pdf", ".docx", ".html"):
        assert suffix in err.reason


def test_file_above_the_size_limit_is_refused_naming_the_setting():
    err = refused("handleiding.md", Settings(max_file_mb=0.0001))
    assert "DOSSIER_MAX_FILE_MB" in err.reason and "0.0001 MB" in err.reason


def test_pdf_with_only_an_owner_password_is_read():
    doc = load("alleen-eigenaar.pdf")
    assert "crisisopvang" in doc.pages[0][1]


def test_random_bytes_named_docx_are_refused(tmp_path):
    (tmp_path / "nep.docx").write_bytes(b"PK\x03\x04 geen echt zip-archief")
    with pytest.raises(DocumentError, match="Word"):
        load_document(tmp_path / "nep.docx", tmp_path, Settings())


@pytest.mark.parametrize(
    ("name", "content"),
    [("wit.txt", "  \n\n \t \n"), ("script.html", "<html><body><script>alert(1)</script></body></html>")],
)
def test_a_file_without_readable_text_is_refused(tmp_path, name, content):
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(DocumentError, match="geen leesbare tekst"):
        load_document(tmp_path / name, tmp_path, Settings())


BYPASS = '<img src=x onerror=alert(1) title="<">'


def test_a_quote_in_an_attribute_does_not_leave_the_tag_in_markdown_or_text(tmp_path):
    (tmp_path / "a.md").write_text(f"# Kop {BYPASS} twee\n\nZin {BYPASS}een.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(f"Regel {BYPASS}drie.\n", encoding="utf-8")
    md = load_document(tmp_path / "a.md", tmp_path, Settings()).text
    assert md.splitlines()[0] == "# Kop  twee" and "Zin een." in md and "<" not in md and "onerror" not in md
    txt = load_document(tmp_path / "b.txt", tmp_path, Settings()).text
    assert txt.strip() == "Regel drie."


def test_html_decodes_entities_and_keeps_text_written_as_entities(tmp_path):
    (tmp_path / "p.html").write_text(
        f"<h2>Caf&eacute; {BYPASS}</h2><p>a &lt; b &amp;&nbsp;c: &lt;b&gt;vet&lt;/b&gt;"
        "<script>alert(1)</script><style>p{}</style></p>",
        encoding="utf-8",
    )
    text = load_document(tmp_path / "p.html", tmp_path, Settings()).text
    assert text.splitlines()[0] == "## Café"
    assert "a < b & c: <b>vet</b>" in text and "alert" not in text and "p{}" not in text


def test_markdown_decodes_entities_but_text_keeps_them(tmp_path):
    (tmp_path / "a.md").write_text("Caf&eacute; &amp; &lt;b&gt; en a < b.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("R&amp;D schrijft &lt;b&gt; en a < b.\n", encoding="utf-8")
    assert load_document(tmp_path / "a.md", tmp_path, Settings()).text.strip() == "Café & <b> en a < b."
    text = load_document(tmp_path / "b.txt", tmp_path, Settings()).text
    assert text.strip() == "R&amp;D schrijft &lt;b&gt; en a < b."
