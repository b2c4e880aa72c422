"""Bad and hostile documents in one corpus: each bad one named with a Dutch reason, the rest indexed.

The corpus mixes files the ingest must refuse (tests/data/hostile/make_hostile.py `BAD`) with hostile
files that are still documents (`READABLE`: script tags, markdown images, control characters, markup
in file names). A good index built before must keep answering; hostile text must reach the index as
text only, and the page's formatting of it must be inert.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import zipfile
from pathlib import Path

import make_hostile
import pytest
from conftest import DOSSIER_BIN, TALLY, clean_env, hash_settings_for, live_markup

from assistant.types import Citation
from index.errors import DocumentError
from index.lexical import tokenize
from index.store import Index
from ingest.build import ingest_corpus
from ingest.load import load_document
from page import present
from tests.fakes import HashEmbedder

GOOD_QUERIES = ["zorgcoördinator regelt opvang", "aandachtsfunctionaris registreert signaal"]
UNEXPECTED = "kon niet gelezen worden ("  # ingest/corpus.py's words for an exception the loader missed
TAG = re.compile(r"<\s*/?\s*[a-zA-Z!]")


def top_ids(settings, queries=GOOD_QUERIES) -> list[list[str]]:
    index = Index.open(settings)
    try:
        return [[cid for cid, _ in index.lexical_search(tokenize(q), 3)] for q in queries]
    finally:
        index.close()


@pytest.fixture
def good_then_hostile(tmp_path):
    """A corpus indexed while good; then every bad and hostile file added. Returns (settings, before)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "goed.txt").write_bytes((make_hostile.HERE / "goed.txt").read_bytes())
    settings = hash_settings_for(tmp_path / "data", corpus, max_file_mb=make_hostile.TEST_LIMIT_MB)
    first = ingest_corpus(settings, HashEmbedder())
    assert first.skipped == [] and first.files == 1
    before = (top_ids(settings), {c.id for c in Index.open(settings).chunks})
    make_hostile.write_bad(corpus)
    make_hostile.write_readable(corpus)
    return settings, before


def without_entity_text(text: str, source: str | None) -> str:
    """`text` without what its document (None: any document) wrote as entities: code samples, not markup."""
    text = " ".join(text.split())
    every = [p for phrases in make_hostile.ENTITY_TEXT.values() for p in phrases]
    for phrase in make_hostile.ENTITY_TEXT.get(source, []) if source else every:
        text = text.replace(phrase, "")
    return text


def check_report(report: dict, index: Index) -> None:
    """Every bad file named with its Dutch reason; every readable one in the index, as text only."""
    skipped = {s["path"]: s["reason"] for s in report["skipped"]}
    assert set(skipped) == set(make_hostile.BAD), skipped
    for name, fragment in make_hostile.BAD.items():
        assert fragment in skipped[name], (name, skipped[name])
        # A reason the loader wrote, not the catch-all that quotes a Python exception.
        assert not skipped[name].startswith(UNEXPECTED) and "Traceback" not in skipped[name], skipped[name]
    TALLY["bad documents tried"] += len(make_hostile.BAD) + len(make_hostile.READABLE)
    assert set(index.manifest["sources"]) == set(make_hostile.READABLE)
    texts = {n: " ".join(c.text for c in index.chunks if c.source == n) for n in make_hostile.READABLE}
    for name, phrase in make_hostile.READABLE.items():
        assert phrase in texts[name], name
    for name, written in make_hostile.ENTITY_TEXT.items():  # text written as entities reads as written
        for phrase in written:
            assert phrase in " ".join(texts[name].split()), (name, phrase)
    for chunk in index.chunks:
        assert not TAG.search(without_entity_text(chunk.text, chunk.source)), (chunk.source, chunk.text[:200])
        assert not TAG.search(chunk.section_path), (chunk.source, chunk.section_path)
        assert not re.search(r"[\x00-\x08\x0b\x0e-\x1f\x7f]", chunk.text), chunk.source
        cited = Citation(1, chunk.id, chunk.source, chunk.section_path, chunk.text, 1.0, chunk.text[:80])
        assert live_markup(present.format_source(cited)) == [], chunk.source
        assert live_markup(present.section_html(chunk.section_path, chunk.text), markdown=False) == []


def test_one_corpus_of_bad_documents_through_ingest_corpus(good_then_hostile):
    settings, (before_top, before_ids) = good_then_hostile
    started = time.monotonic()
    report = ingest_corpus(settings, HashEmbedder())
    assert time.monotonic() - started < 60
    index = Index.open(settings)
    check_report(report.to_dict(), index)
    assert before_ids <= {c.id for c in index.chunks}  # the good document's passages are untouched
    assert top_ids(settings)[0][0] == before_top[0][0]  # and still answer first for their own words
    # A second run over the same corpus reports the same files and changes nothing.
    again = ingest_corpus(settings, HashEmbedder())
    assert again.skipped == report.skipped and again.embedded == 0 and again.generation == report.generation


def test_hostile_passages_are_answered_as_inert_text(good_then_hostile):
    from assistant.core import Assistant

    settings, _ = good_then_hostile
    ingest_corpus(settings, HashEmbedder())
    assistant = Assistant(settings, embedder=HashEmbedder())
    for question in [
        "Wat is een signaal van arbeidsuitbuiting bij het paspoort?",
        "Hoe lang bewaart het registratiesysteem een signaal?",
        "Mag een afbeelding uit een andere bron laden?",
        "handreiking autolink referentielink",
        "Wat is woord7?",  # eindeloos.txt: 3,000 words without a full stop
    ]:
        answer = assistant.ask(question)
        shown = present.format_answer(answer)
        assert live_markup(shown) == [], question
        assert len(shown) < 20_000, (question, len(shown))  # a run-on "sentence" is not quoted whole
    # The `title="<"` bypass: no tag in any quoted passage, highlight or section title, end to end.
    for question, source in [
        ("Krijgt een slachtoffer bedenktijd?", "titel-truc.html"),
        ("Gaat een begeleider mee naar de opvang?", "titel-truc.md"),
        ("Kan terugkeer via vrijwillig vertrek?", "titel-truc.txt"),
    ]:
        answer = assistant.ask(question)
        assert source in {c.source for c in answer.citations}, (question, answer.citations)
        for cited in answer.citations:
            for shown in (cited.text, cited.highlight, cited.section):
                assert not TAG.search(without_entity_text(shown, cited.source)), (question, shown)
        assert not TAG.search(without_entity_text(answer.answer, None)), (question, answer.answer)
        assert live_markup(present.format_answer(answer)) == [], question
    run_on = [c for c in assistant.index.chunks if c.source == "eindeloos.txt"]
    assert len(run_on) > 20 and all(len(c.text) <= settings.chunk_max_chars for c in run_on)


@pytest.mark.integration
def test_one_corpus_of_bad_documents_through_dossier_ingest_json(tmp_path):
    corpus = tmp_path / "corpus"
    make_hostile.write_bad(corpus)
    make_hostile.write_readable(corpus)
    env = clean_env(tmp_path / "data", corpus, DOSSIER_MAX_FILE_MB=str(make_hostile.TEST_LIMIT_MB))
    run = subprocess.run(
        [str(DOSSIER_BIN), "ingest", "--json"], env=env, cwd=tmp_path, capture_output=True, timeout=400
    )
    assert run.returncode == 1, run.stderr.decode(errors="replace")  # 1: some files were not read
    assert b"Traceback" not in run.stderr
    report = json.loads(run.stdout.decode("utf-8"))  # one JSON object, valid UTF-8
    settings = hash_settings_for(tmp_path / "data", corpus)
    check_report(report, Index.open(settings))
    ask = subprocess.run(
        [str(DOSSIER_BIN), "ask", "--json", "Bij wie kan een cliënt terecht voor hulp?"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        timeout=300,
    )
    assert ask.returncode == 0, ask.stderr.decode(errors="replace")
    assert json.loads(ask.stdout)["answer"]


# ---------------------------------------------------------------- single hostile files


def refused(path: Path, corpus: Path, **overrides) -> str:
    settings = hash_settings_for(corpus.parent / "data", corpus, **overrides)
    TALLY["bad documents tried"] += 1
    with pytest.raises(DocumentError) as info:
        load_document(path, corpus, settings)
    return info.value.reason


def test_a_link_to_a_file_outside_the_corpus_is_not_read(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    secret = tmp_path / "geheim.txt"
    secret.write_text("wachtwoord van de beheerder: hunter2\n", encoding="utf-8")
    (corpus / "gewoon.txt").symlink_to(secret)
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    reason = refused(corpus / "gewoon.txt", corpus)
    assert "buiten de corpusmap" in reason
    settings = hash_settings_for(tmp_path / "data", corpus)
    report = ingest_corpus(settings, HashEmbedder())
    assert {s["path"] for s in report.skipped} == {"gewoon.txt", "passwd.txt"}
    assert report.chunks == 0


def test_a_link_inside_the_corpus_is_read(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "map").mkdir(parents=True)
    (corpus / "map" / "echt.txt").write_text("Het meldpunt is anoniem bereikbaar.\n", encoding="utf-8")
    (corpus / "verwijzing.txt").symlink_to(corpus / "map" / "echt.txt")
    settings = hash_settings_for(tmp_path / "data", corpus)
    assert load_document(corpus / "verwijzing.txt", corpus, settings).text.startswith("Het meldpunt")


def test_a_file_name_that_is_not_utf8_gets_a_dutch_reason(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    name = os.fsdecode(b"notitie-\xff.txt")
    (corpus / name).write_text("Het meldpunt is anoniem bereikbaar.\n", encoding="utf-8")
    (corpus / "goed.txt").write_text("De zorgcoördinator regelt opvang.\n", encoding="utf-8")
    report = ingest_corpus(hash_settings_for(tmp_path / "data", corpus), HashEmbedder())
    TALLY["bad documents tried"] += 1
    assert report.files == 1 and len(report.skipped) == 1
    assert "bestandsnaam" in report.skipped[0]["reason"] and "Error" not in report.skipped[0]["reason"]


def _docx_with_paragraphs(path: Path, n: int, size: int = 1) -> None:
    """A real .docx (python-docx) whose body holds `n` paragraphs of `size` words."""
    import docx

    document = docx.Document()
    document.add_heading("Signalen", level=1)
    document.add_paragraph("Het meldpunt is dagelijks bereikbaar.")
    document.save(str(path))
    with zipfile.ZipFile(path) as z:
        parts = {i: z.read(i.filename) for i in z.infolist()}
    body = b"<w:p><w:r><w:t>" + b" ".join([b"woord"] * size) + b"</w:t></w:r></w:p>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts.items():
            if info.filename == "word/document.xml":
                data = data.replace(b"</w:body>", body * n + b"</w:body>")
            z.writestr(info, data)


def test_a_long_docx_loads_in_seconds(tmp_path):
    # 20,000 paragraphs is a 400-page document; python-docx's style lookup per paragraph made it minutes.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _docx_with_paragraphs(corpus / "lang.docx", 20_000)
    settings = hash_settings_for(tmp_path / "data", corpus)
    started = time.monotonic()
    doc = load_document(corpus / "lang.docx", corpus, settings)
    assert time.monotonic() - started < 15
    assert doc.text.startswith("# Signalen") and doc.text.count("woord") == 20_000


def test_a_docx_that_unpacks_far_beyond_the_limit_is_refused(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _docx_with_paragraphs(corpus / "bom.docx", 5_000, size=200)  # ~30 kB packed, ~6 MB unpacked
    assert (corpus / "bom.docx").stat().st_size < make_hostile.TEST_LIMIT_MB * 1024 * 1024
    reason = refused(corpus / "bom.docx", corpus, max_file_mb=make_hostile.TEST_LIMIT_MB)
    assert "uitgepakt" in reason and "DOSSIER_MAX_FILE_MB" in reason
