"""Ingest into real Chroma under tmp_path with the hash embedder: incremental, rebuilds, failures, reading."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from index.errors import IndexCorrupt, IndexMissing, IngestBusy, SettingsError
from index.generations import GenerationPointer, generation_dir, generations_dir
from index.lexical import tokenize
from index.settings import Settings
from index.store import Index
from ingest.build import ingest_corpus
from ingest.publish import ingest_lock
from tests.fakes import HashEmbedder

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "tests" / "data" / "samples"

SIGNALEN = """# Mensenhandel in de regio

## Signalen van uitbuiting

Signalen van arbeidsuitbuiting zijn lange werkdagen, geen eigen paspoort en hoge schulden bij de werkgever.
Slachtoffers wonen vaak op het terrein van de werkgever en spreken geen Nederlands. Ze weten vaak niet waar
ze precies zijn en hebben geen eigen bankrekening.

Bij seksuele uitbuiting zie je soms dat iemand steeds op een ander adres werkt, weinig kleding heeft en
door een ander wordt gebracht en gehaald. Een loverboy maakt een meisje eerst verliefd en dwingt haar daarna.

## Melden van een vermoeden

Bij een vermoeden van mensenhandel meld je dit bij het meldpunt. Melden kan ook anoniem. Je hoeft niet
zeker te weten dat het om mensenhandel gaat: een vermoeden is genoeg om advies te vragen.

De aandachtsfunctionaris bespreekt de melding daarna in het zorg- en veiligheidsoverleg, samen met de
politie, de arbeidsinspectie en de zorgcoördinator van de regio.

## Criminele uitbuiting

Bij criminele uitbuiting worden mensen gedwongen tot stelen, drugs vervoeren of bedelen. Het gaat vaak om
jongeren met schulden die daarmee onder druk worden gezet door een netwerk dat hen ronselt.
"""

OPVANG = """# Opvang en begeleiding

De zorgcoördinator regelt opvang voor slachtoffers die niet naar huis kunnen. Begeleiding gebeurt door een
vaste hulpverlener, die ook helpt bij het aanvragen van een verblijfsvergunning bij de IND.

Het gemeentelijk beleid beschrijft wie betaalt voor de opvang in de eerste weken, en welke gemeente
verantwoordelijk is wanneer het slachtoffer uit een andere gemeente komt.

## Bedenktijd

Een slachtoffer zonder verblijfsrecht krijgt eerst bedenktijd om te beslissen of hij of zij aangifte doet.
In die tijd is er recht op opvang, medische zorg en juridische bijstand door een advocaat.
"""


class CountingEmbedder(HashEmbedder):
    """The hash embedder, remembering every passage (`seen`) and sentence it was asked to embed.

    A passage's index text starts with its section path on a line of its own; a sentence is one line."""

    def __init__(self, dim: int = 64):
        super().__init__(dim)
        self.seen: list[str] = []
        self.sentences: list[str] = []

    def embed_documents(self, texts):
        for t in texts:
            (self.seen if "\n" in t else self.sentences).append(t)
        return super().embed_documents(texts)


class FailingEmbedder(HashEmbedder):
    def embed_documents(self, texts):
        raise RuntimeError("schijf vol")


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "signalen.md").write_text(SIGNALEN, encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "opvang.txt").write_text(OPVANG, encoding="utf-8")
    (folder / "contacts.toml").write_text('naam = "meldpunt"\n', encoding="utf-8")
    (folder / ".gitkeep").write_text("", encoding="utf-8")
    monkeypatch.setenv("DOSSIER_CORPUS_DIR", str(folder))
    return folder


def ingest(embedder=None, **kw):
    return ingest_corpus(Settings(), embedder or CountingEmbedder(), **kw)


def ids_of(index: Index, source: str) -> set[str]:
    return {c.id for c in index.chunks if c.source == source}


def answers(index: Index, queries: list[str], embedder=None) -> list:
    """What the index answers, dense and lexical, for some queries: to compare two openings."""
    embedder = embedder or HashEmbedder()
    return [
        (index.dense_search(embedder.embed_query(q), 3), index.lexical_search(tokenize(q), 3))
        for q in queries
    ]  # noqa: E501


def test_first_ingest_builds_a_searchable_index(corpus):
    embedder = CountingEmbedder()
    report = ingest(embedder)
    assert report.files == 2 and report.skipped == []  # contacts.toml and .gitkeep are ignored silently
    assert report.embedded == report.chunks == len(embedder.seen) > 2
    assert report.removed == 0 and report.rebuilt_because is None

    index = Index.open(Settings())
    assert len(index.chunks) == report.chunks and index.generation == report.generation
    assert {c.source for c in index.chunks} == {"signalen.md", "sub/opvang.txt"}
    assert sorted(embedder.seen) == sorted(c.index_text for c in index.chunks)
    m = index.manifest
    assert m["model"] == "hash-64" and m["generation"] == index.generation and m["built_at"]
    assert m["sources"] == ["signalen.md", "sub/opvang.txt"]
    assert m["chunking"] == {"max_chars": 700, "min_chars": 120}
    gen_dir = generation_dir(Settings().data_dir, index.generation)
    lines = (gen_dir / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [c.id for c in index.chunks]

    # Dense: a passage's own vector finds it, with cosine similarity ~1.
    for chunk in index.chunks:
        best_id, best_sim = index.dense_search(HashEmbedder().embed_query(chunk.index_text), 2)[0]
        assert best_id == chunk.id and best_sim == pytest.approx(1.0, abs=1e-4)
    # Lexical: Dutch stemming matches inflected forms across the corpus.
    hits = index.lexical_search(tokenize("verblijfsvergunningen aanvragen"), 5)
    assert hits and index.by_id[hits[0][0]].source == "sub/opvang.txt"
    assert index.vocabulary[tokenize("slachtoffers")[0]] >= 2
    assert index.lexical_search(tokenize("onbekendwoord"), 5) == []
    assert index.is_current()
    index.close()


def test_chroma_holds_the_metadata(corpus):
    ingest()
    index = Index.open(Settings())
    got = index._collection.get(ids=[c.id for c in index.chunks], include=["metadatas", "documents"])
    by_id = dict(zip(got["ids"], zip(got["metadatas"], got["documents"], strict=True), strict=True))
    for chunk in index.chunks:
        meta, document = by_id[chunk.id]
        assert meta["source"] == chunk.source and meta["section"] == chunk.section_path
        assert meta["ordinal"] == chunk.ordinal and document == chunk.index_text


def test_dense_scores_are_cosine_similarities(corpus):
    ingest()
    index = Index.open(Settings())
    embedder = HashEmbedder()
    query = embedder.embed_query("slachtoffers van uitbuiting melden")
    hits = index.dense_search(query, 4)
    assert len(hits) == 4 and [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    for chunk_id, score in hits:  # in an L2 space the score would be 2*cos - 1, not cos
        vector = embedder.embed_query(index.by_id[chunk_id].index_text)
        assert score == pytest.approx(float(query @ vector), abs=1e-4)


def test_unchanged_corpus_embeds_nothing_and_keeps_the_generation(corpus):
    first = ingest()
    embedder = CountingEmbedder()
    again = ingest(embedder)
    assert (again.embedded, again.removed, again.chunks) == (0, 0, first.chunks)
    assert embedder.seen == [] and again.generation == first.generation


def test_changed_file_replaces_only_its_passages(corpus):
    ingest()
    before = Index.open(Settings())
    old_signalen, old_opvang = ids_of(before, "signalen.md"), ids_of(before, "sub/opvang.txt")
    (corpus / "sub" / "opvang.txt").write_text(
        OPVANG.replace("eerste weken", "eerste drie maanden")
        + "\nNieuwe alinea over terugkeer naar het land van herkomst met steun van de IOM.\n",
        encoding="utf-8",
    )
    embedder = CountingEmbedder()
    report = ingest(embedder)
    after = Index.open(Settings())
    new_opvang = ids_of(after, "sub/opvang.txt")
    assert ids_of(after, "signalen.md") == old_signalen  # untouched file: same passages
    assert report.embedded == len(new_opvang - old_opvang) == len(embedder.seen) > 0
    assert report.removed == len(old_opvang - new_opvang) > 0
    assert all(text in {after.by_id[i].index_text for i in new_opvang - old_opvang} for text in embedder.seen)
    # The copied vectors are the same vectors: a kept passage is still found by its own text.
    kept = next(iter(old_signalen))
    vec = HashEmbedder().embed_query(after.by_id[kept].index_text)
    assert after.dense_search(vec, 1)[0][0] == kept
    assert any("IOM" in after.by_id[i].text for i, _ in after.lexical_search(tokenize("terugkeer IOM"), 3))
    assert not before.is_current() and after.is_current()


def test_deleted_file_has_its_passages_removed(corpus):
    ingest()
    gone = ids_of(Index.open(Settings()), "sub/opvang.txt")
    (corpus / "sub" / "opvang.txt").unlink()
    embedder = CountingEmbedder()
    report = ingest(embedder)
    index = Index.open(Settings())
    assert report.removed == len(gone) and report.embedded == 0 and embedder.seen == []
    assert report.files == 1 and index.manifest["sources"] == ["signalen.md"]
    assert not gone & set(index.by_id)
    assert index._collection.count() == len(index.chunks)
    hits = index.lexical_search(tokenize("zorgcoördinator opvang verblijfsvergunning"), 10)
    assert not {i for i, _ in hits} & gone


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda: {"embedder": CountingEmbedder(dim=32)}, "ander embeddingmodel (hash-64 → hash-32)"),
        (lambda: {"rebuild": True}, "--rebuild"),
    ],
)
def test_model_change_or_rebuild_flag_rebuilds_with_reason(corpus, change, expected):
    first = ingest()
    kwargs = change()
    embedder = kwargs.pop("embedder", CountingEmbedder())
    report = ingest(embedder, **kwargs)
    assert expected in report.rebuilt_because
    assert report.embedded == first.chunks == len(embedder.seen)
    index = Index.open(Settings())
    vec = embedder.embed_query(index.chunks[0].index_text)
    assert index.dense_search(vec, 1)[0][0] == index.chunks[0].id


def test_model_weights_hash_is_part_of_the_model(corpus):
    class Weighted(CountingEmbedder):
        weights_sha256 = "a" * 64

    ingest(Weighted())
    assert Index.open(Settings()).manifest["model_sha256"] == "a" * 64
    Weighted.weights_sha256 = "b" * 64
    report = ingest(Weighted())
    assert "sha256 aaaaaaaaaaaa → hash-64 sha256 bbbbbbbbbbbb" in report.rebuilt_because


def test_chunking_change_rebuilds_with_reason(corpus, monkeypatch):
    first = ingest()
    monkeypatch.setenv("DOSSIER_CHUNK_MAX_CHARS", "300")
    embedder = CountingEmbedder()
    report = ingest(embedder)
    assert "knippen in passages" in report.rebuilt_because and "300" in report.rebuilt_because
    assert report.embedded == report.chunks == len(embedder.seen) and report.chunks >= first.chunks
    assert Index.open(Settings()).manifest["chunking"]["max_chars"] == 300


def test_unreadable_files_are_reported_and_others_indexed(corpus):
    (corpus / "kapot.txt").write_bytes(b"\x00\x01\x02 binair")
    (corpus / "notities.xyz").write_text("iets", encoding="utf-8")
    report = ingest()
    assert report.files == 2
    assert [s["path"] for s in report.skipped] == ["kapot.txt", "notities.xyz"]
    assert "binair" in report.skipped[0]["reason"] and ".xyz" in report.skipped[1]["reason"]
    assert {c.source for c in Index.open(Settings()).chunks} == {"signalen.md", "sub/opvang.txt"}


def test_previously_indexed_file_that_breaks_keeps_its_passages(corpus):
    ingest()
    before = Index.open(Settings())
    kept, old_signalen = ids_of(before, "sub/opvang.txt"), ids_of(before, "signalen.md")
    (corpus / "sub" / "opvang.txt").write_bytes(b"\x00\x00 kapot")
    (corpus / "signalen.md").write_text(SIGNALEN + "\nExtra alinea over loverboys en jonge slachtoffers.\n")
    report = ingest()
    assert [s["path"] for s in report.skipped] == ["sub/opvang.txt"]
    assert "blijft in de index" in report.skipped[0]["reason"]
    index = Index.open(Settings())
    assert ids_of(index, "sub/opvang.txt") == kept
    assert report.removed == len(old_signalen - ids_of(index, "signalen.md")) < len(old_signalen)
    assert any("loverboys" in c.text for c in index.chunks)


def test_every_format_is_indexed_and_every_bad_sample_reported(small_corpus):
    readable = sorted(p.name for p in small_corpus.iterdir())
    report = ingest()
    assert report.files == len(readable) and report.skipped == []
    index = Index.open(Settings())
    assert index.manifest["sources"] == readable
    pages = sorted(c.page for c in index.chunks if c.source == "twee-paginas.pdf")
    assert set(pages) == {1, 2}
    got = index._collection.get(where={"source": "twee-paginas.pdf"}, include=["metadatas"])
    assert sorted(m["page"] for m in got["metadatas"]) == pages

    bad = sorted(set(p.name for p in SAMPLES.iterdir()) - set(readable))
    for name in bad:
        shutil.copy(SAMPLES / name, small_corpus / name)
    report = ingest()
    assert [s["path"] for s in report.skipped] == bad and all(s["reason"] for s in report.skipped)
    assert report.files == len(readable) and report.embedded == 0


def test_second_ingest_is_refused_while_one_runs(corpus, settings):
    with ingest_lock(settings.data_dir), pytest.raises(IngestBusy) as err:
        ingest()
    assert "Er loopt al een ingest" in str(err.value) and str(os.getpid()) in str(err.value)
    assert ingest().chunks > 0  # the lock is free again


def test_missing_corpus_folder_is_a_settings_error(tmp_path, monkeypatch):
    monkeypatch.setenv("DOSSIER_CORPUS_DIR", str(tmp_path / "bestaat-niet"))
    with pytest.raises(SettingsError, match="bestaat-niet"):
        ingest()


def test_missing_index_says_how_to_build_it(settings):
    with pytest.raises(IndexMissing, match="Er is nog geen index. Bouw die met: dossier ingest"):
        Index.open(settings)


@pytest.mark.parametrize("damage", ["chunks.jsonl", "manifest.json", "lexical", "generation"])
def test_corrupt_index_says_how_to_rebuild_and_ingest_repairs_it(corpus, settings, damage):
    first = ingest()
    gen_dir = generation_dir(settings.data_dir, first.generation)
    if damage == "chunks.jsonl":
        (gen_dir / damage).write_text('{"kapot', encoding="utf-8")
    elif damage == "manifest.json":
        (gen_dir / damage).write_text("[]", encoding="utf-8")
    elif damage == "lexical":
        (gen_dir / "lexical" / "lexical.json").unlink()
    else:
        GenerationPointer(settings.data_dir).switch("bestaat-niet")
    with pytest.raises(IndexCorrupt, match="dossier ingest --rebuild"):
        Index.open(settings)
    report = ingest()
    assert report.chunks == first.chunks
    assert "onleesbaar" in report.rebuilt_because
    assert len(Index.open(settings).chunks) == first.chunks


def test_failed_ingest_leaves_the_previous_index_and_no_leftovers(corpus, settings):
    first = ingest()
    before = answers(Index.open(settings), ["signalen arbeidsuitbuiting", "opvang slachtoffers"])
    (corpus / "nieuw.md").write_text("# Nieuw\n\nEen nieuwe tekst over mensenhandel en uitbuiting.\n")
    with pytest.raises(RuntimeError, match="schijf vol"):
        ingest(FailingEmbedder())
    index = Index.open(settings)
    assert index.generation == first.generation
    assert answers(index, ["signalen arbeidsuitbuiting", "opvang slachtoffers"]) == before
    assert [p.name for p in generations_dir(settings.data_dir).iterdir()] == [first.generation]


def test_old_generations_are_pruned_but_the_previous_stays_readable(corpus, settings):
    first = ingest()
    old = Index.open(settings)
    queries = ["signalen arbeidsuitbuiting", "opvang slachtoffers"]
    before = answers(old, queries)
    leftover = generations_dir(settings.data_dir) / "20000101T000000000000-dead00"
    (leftover / "chroma").mkdir(parents=True)  # as a killed ingest leaves it
    (corpus / "a.md").write_text("# A\n\nEerste toevoeging over prostitutie en seksuele uitbuiting.\n")
    second = ingest()
    assert not leftover.exists()
    assert old.generation == first.generation and not old.is_current()
    assert answers(old, queries) == before  # a reader holding the previous generation still works
    (corpus / "b.md").write_text("# B\n\nTweede toevoeging over criminele uitbuiting en drugs.\n")
    third = ingest()
    kept = sorted(p.name for p in generations_dir(settings.data_dir).iterdir())
    assert kept == sorted([second.generation, third.generation])
    assert Index.open(settings).manifest["previous_generation"] == second.generation


def test_progress_bars_count_files_and_embedded_passages(corpus):
    bars = []

    class Bar:
        def __init__(self, total, desc, unit):
            self.total, self.desc, self.done, self.closed = total, desc, 0, False
            bars.append(self)

        def update(self, n=1):
            self.done += n

        def close(self):
            self.closed = True

    report = ingest(progress=Bar)
    seen = {b.desc: (b.total, b.done, b.closed) for b in bars}
    assert seen["bestanden"] == (2, 2, True)
    assert seen["embedden"] == (report.chunks, report.chunks, True)
    (corpus / "nieuw.md").write_text(
        "# Nieuw\n\nEen nieuwe alinea over mensenhandel in de haven van Rotterdam.\n"
    )
    bars.clear()
    report = ingest(progress=Bar)
    seen = {b.desc: (b.total, b.done, b.closed) for b in bars}
    assert seen["passages overnemen"][0] == seen["passages overnemen"][1] == report.chunks - report.embedded
    assert seen["embedden"] == (report.embedded, report.embedded, True) and report.embedded >= 1


def test_reading_the_index_imports_no_model_libraries(corpus, settings):
    ingest()
    code = (
        "import sys, numpy as np\n"
        "from index.settings import Settings\n"
        "from index.store import Index\n"
        "from index.lexical import tokenize\n"
        "index = Index.open(Settings())\n"
        "assert index.dense_search(np.ones(64, np.float32) / 8, 3)\n"
        "assert index.lexical_search(tokenize('slachtoffers opvang'), 3)\n"
        "heavy = ['torch', 'sentence_transformers', 'transformers', 'langchain_core', 'bm25s', 'scipy']\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_empty_corpus_gives_an_empty_index(tmp_path, monkeypatch, settings):
    empty = tmp_path / "leeg"
    empty.mkdir()
    monkeypatch.setenv("DOSSIER_CORPUS_DIR", str(empty))
    report = ingest()
    assert (report.files, report.chunks) == (0, 0)
    index = Index.open(settings)
    assert index.chunks == [] and index.dense_search(HashEmbedder().embed_query("x"), 5) == []
    assert index.lexical_search(tokenize("mensenhandel"), 5) == []
