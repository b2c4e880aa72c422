"""Sentence vectors: every unit of every passage embedded at ingest, reused by text, read per passage."""

from __future__ import annotations

import json

import numpy as np
import pytest

from index import sentences as index_sentences
from index.errors import IndexCorrupt, IndexOutdated
from index.generations import GenerationPointer, generation_dir
from index.settings import Settings
from index.store import MANIFEST, Index
from index.text import Unit, split_units
from ingest.build import ingest_corpus
from tests.fakes import HashEmbedder

DOC = """# Fietsen in de gemeente

## Stallen

De fietsenstalling bij het station is gratis. Na 28 dagen wordt een fiets verwijderd. Een verwijderde
fiets haalt u op bij het depot aan de Kade 3.

## Huren

Een huurfiets kost vijf euro per dag:
- met een pas van de bibliotheek betaalt u de helft;
- kinderen onder 12 jaar huren gratis.
"""
EXTRA = """# Parkeren

Een bewonersvergunning vraagt u aan bij de balie. Bezoekers parkeren drie uur gratis met een kaart.
"""


class SentenceCounter(HashEmbedder):
    """The hash fake; remembers the single-line texts (sentences) it embedded."""

    def __init__(self):
        super().__init__(dim=32)
        self.sentences: list[str] = []

    def embed_documents(self, texts):
        self.sentences += [t for t in texts if "\n" not in t]
        return super().embed_documents(texts)


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "fietsen.md").write_text(DOC, encoding="utf-8")
    monkeypatch.setenv("DOSSIER_CORPUS_DIR", str(folder))
    return folder


def current_dir(settings) -> object:
    return generation_dir(settings.data_dir, GenerationPointer(settings.data_dir).read())


def test_every_passage_has_its_units_with_passage_side_vectors(corpus):
    settings, embedder = Settings(), SentenceCounter()
    report = ingest_corpus(settings, embedder)
    index = Index.open(settings)
    total = 0
    for chunk in index.chunks:
        sentences, matrix = index.sentence_vectors(chunk.id)
        assert sentences == [u.text for u in split_units(chunk.text)] and sentences
        assert matrix.shape == (len(sentences), 32) and matrix.dtype == np.float32
        np.testing.assert_allclose(matrix, HashEmbedder(32).embed_documents(sentences), atol=1e-6)
        total += len(sentences)
    assert report.sentences == total == index.manifest["sentences"]["count"]
    assert report.sentences_embedded == len(set(embedder.sentences)) == len(embedder.sentences)
    assert any(s.startswith("Een huurfiets kost vijf euro per dag: - met") for s in embedder.sentences)
    many = index.sentence_vectors_many([c.id for c in index.chunks])
    assert list(many) == [c.id for c in index.chunks]
    with pytest.raises(KeyError):
        index.sentence_vectors("geen-passage")
    index.close()


def test_unchanged_sentences_are_reused_and_only_new_ones_embedded(corpus):
    settings = Settings()
    first = ingest_corpus(settings, SentenceCounter())
    again = SentenceCounter()
    unchanged = ingest_corpus(settings, again)
    assert again.sentences == [] and unchanged.generation == first.generation

    (corpus / "parkeren.md").write_text(EXTRA, encoding="utf-8")
    more = SentenceCounter()
    report = ingest_corpus(settings, more)
    new = [u.text for u in split_units(EXTRA.split("\n", 2)[2])]
    assert sorted(more.sentences) == sorted(new) and report.sentences_embedded == len(new)
    assert report.sentences == first.sentences + len(new)
    index = Index.open(settings)
    for chunk in index.chunks:
        sentences, matrix = index.sentence_vectors(chunk.id)
        np.testing.assert_allclose(matrix, HashEmbedder(32).embed_documents(sentences), atol=1e-6)
    index.close()


def test_a_changed_splitter_resplits_without_embedding_passages_again(corpus, monkeypatch):
    settings = Settings()
    first = ingest_corpus(settings, SentenceCounter())

    # Another splitter: the whole passage is one unit.
    monkeypatch.setattr(index_sentences, "split_units", lambda text: [Unit(" ".join(text.split()))])
    embedder = SentenceCounter()
    report = ingest_corpus(settings, embedder)
    assert report.generation != first.generation and report.embedded == 0
    index = Index.open(settings)
    for chunk in index.chunks:
        assert index.sentence_vectors(chunk.id)[0] == [" ".join(chunk.text.split())]
    index.close()


def test_damaged_sentence_files_are_reported_and_repaired(corpus):
    settings = Settings()
    ingest_corpus(settings, SentenceCounter())
    gen = current_dir(settings)
    (gen / index_sentences.SENTENCE_VECTORS).write_bytes(b"\x93NUMPY kapot")
    with pytest.raises(IndexCorrupt, match="zinnen of hun vectoren onleesbaar"):
        Index.open(settings)
    report = ingest_corpus(settings, SentenceCounter())
    assert "onleesbaar" in report.rebuilt_because
    Index.open(settings).close()

    gen = current_dir(settings)
    lines = (gen / index_sentences.SENTENCES).read_text(encoding="utf-8").splitlines()
    (gen / index_sentences.SENTENCES).write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(IndexCorrupt, match="hoort niet bij de passages"):
        Index.open(settings)


def test_an_index_of_an_older_format_is_outdated_and_rebuilt(corpus):
    settings = Settings()
    ingest_corpus(settings, SentenceCounter())
    path = current_dir(settings) / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**manifest, "format": 2}), encoding="utf-8")
    with pytest.raises(IndexOutdated, match="indexformaat 2 van een eerdere versie"):
        Index.open(settings)
    report = ingest_corpus(settings, SentenceCounter())
    assert "indexformaat is veranderd (2 → 3)" in report.rebuilt_because
    Index.open(settings).close()


@pytest.mark.integration
def test_sentence_rows_belong_to_their_texts_with_the_real_model(dossier_index):
    from index.embed import load_embedder

    embedder = load_embedder(dossier_index)
    index = Index.open(dossier_index)
    try:
        chunks = [c for c in index.chunks if len(split_units(c.text)) >= 3][:6]
        assert len(chunks) == 6
        for chunk in chunks:
            sentences, matrix = index.sentence_vectors(chunk.id)
            assert matrix.shape == (len(sentences), 384)
            np.testing.assert_allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-5)
            np.testing.assert_array_equal(matrix[1], embedder.embed_documents([sentences[1]])[0])
            for i, sentence in enumerate(sentences):  # each sentence, asked as a question, finds itself
                assert int(np.argmax(matrix @ embedder.embed_query(sentence))) == i
    finally:
        index.close()
