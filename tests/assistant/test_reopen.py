"""A long-running assistant picks up a new ingest (the index generation changes) by itself."""

import pytest

from tests.fakes import HashEmbedder


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Opvang\n\nDe crisisopvang is voor personen die zich identificeren als vrouw en hun kinderen.\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("DOSSIER_CORPUS_DIR", str(folder))
    return folder


def test_assistant_reopens_after_a_new_ingest(corpus, monkeypatch):
    from assistant import core
    from assistant.core import Assistant
    from index.settings import Settings
    from ingest.build import ingest_corpus

    settings = Settings()
    ingest_corpus(settings, HashEmbedder())
    assistant = Assistant(settings, embedder=HashEmbedder())
    before = assistant.index.generation
    assert not any("Koffer" in c.text for c in assistant.index.chunks)

    (corpus / "b.txt").write_text(
        "Koffer Verkeerd\n\nDe Koffer Verkeerd is gratis beschikbaar voor alle netwerkpartners.\n",
        encoding="utf-8",
    )
    ingest_corpus(settings, HashEmbedder())

    # Within the check interval the assistant keeps its index (no disk access per question)...
    assert assistant.index.generation == before
    # ...after it, the next question sees the new generation.
    monkeypatch.setattr(core, "REOPEN_CHECK_SECONDS", 0.0)
    answer = assistant.ask("Is de Koffer Verkeerd gratis?")
    assert assistant.index.generation != before
    assert "gratis beschikbaar" in answer.answer


def test_an_index_of_another_model_is_refused_until_rebuilt(corpus, monkeypatch):
    """Questions of one model against passages of another find nothing sensible: say so, then rebuild."""
    from assistant import core
    from assistant.core import Assistant
    from index.errors import IndexMissing, IndexOutdated
    from index.settings import Settings
    from ingest.build import ingest_corpus

    settings = Settings()
    ingest_corpus(settings, HashEmbedder(dim=64))
    with pytest.raises(IndexOutdated) as err:
        Assistant(settings, embedder=HashEmbedder(dim=32))
    assert isinstance(err.value, IndexMissing)  # the page builds it, as for a missing index
    assert "hash-64" in str(err.value) and "hash-32" in str(err.value) and "dossier ingest" in str(err.value)

    report = ingest_corpus(settings, HashEmbedder(dim=32))
    assert "ander embeddingmodel" in report.rebuilt_because
    assistant = Assistant(settings, embedder=HashEmbedder(dim=32))
    assert assistant.index.manifest["model"] == "hash-32"
    assistant.ask("Wat biedt de crisisopvang?")  # answered (with the hash fake: refused), no error

    # A running assistant that finds a newer index of another model says so instead of answering.
    ingest_corpus(settings, HashEmbedder(dim=16))
    monkeypatch.setattr(core, "REOPEN_CHECK_SECONDS", 0.0)
    with pytest.raises(IndexOutdated):
        assistant.ask("Wat biedt de crisisopvang?")
