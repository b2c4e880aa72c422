"""SIGKILL during an ingest that changes the index, and questions asked while an ingest runs.

tests/ingest/test_kill.py kills a rebuild of the *same* content, where a reader cannot tell the old
generation from the new. Here the corpus alternates between two versions with different passages,
so after every kill the index must be exactly the old one or exactly the new one, never a mix.
(Named test_kill_trials.py: a second test_kill.py would clash with the first in pytest's module names.)
The subprocess, the slowed embedder and the query set are reused from tests/ingest/test_kill.py.
"""

from __future__ import annotations

import importlib.util
import random
import shutil
import signal
import time
from pathlib import Path

import pytest
from conftest import REPO, TALLY

from assistant import core
from assistant.core import Assistant
from index.generations import GenerationPointer, generations_dir
from index.lexical import tokenize
from index.settings import Settings
from index.store import Index
from ingest.build import ingest_corpus
from tests.fakes import HashEmbedder


def _load_kill_helpers():
    path = REPO / "tests" / "ingest" / "test_kill.py"
    spec = importlib.util.spec_from_file_location("ingest_kill_helpers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


kill = _load_kill_helpers()

# Version B adds a document that answers the kill queries and drops one of A's: every query's results
# differ between the two, so a mixed or half-switched index shows.
EXTRA = """# Extra werkinstructie

## Signalen van arbeidsuitbuiting

Signalen van arbeidsuitbuiting zijn onder meer een ingehouden paspoort en een schuld bij de werkgever.
Meld een vermoeden van mensenhandel bij het meldpunt; de zorgcoördinator regelt opvang voor slachtoffers.
Een loverboy maakt minderjarigen afhankelijk; seksuele uitbuiting begint vaak zo.
"""
QUESTIONS = kill.QUERIES + ["Wie regelt de opvang van slachtoffers?", "Wat doet een loverboy?"]


def answers(settings) -> tuple[int, list]:
    """What the current index answers: its size and the ids of the top dense and lexical hits per query.

    `kill.check` first: the index opens and is whole (every passage found by its own vector and terms).
    """
    kill.check(settings, {}, "answers")
    index = Index.open(settings)
    try:
        embedder = HashEmbedder()
        # Ids only: vectors copied from an earlier generation may differ from fresh ones in the last bit.
        hits = [
            (
                [cid for cid, _ in index.dense_search(embedder.embed_query(q), 5)],
                [cid for cid, _ in index.lexical_search(tokenize(q), 5)],
            )
            for q in kill.QUERIES
        ]
        return len(index.chunks), hits
    finally:
        index.close()


class Corpus:
    """A corpus folder that can be switched between version A (dossier) and B (dossier + extra)."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir()
        shutil.copy(kill.DOSSIER, folder / kill.DOSSIER.name)

    def set(self, version: str) -> None:
        extra = self.folder / "extra.md"
        if version == "B":
            extra.write_text(EXTRA, encoding="utf-8")
        else:
            extra.unlink(missing_ok=True)


@pytest.fixture
def versions(tmp_path, monkeypatch):
    """Settings, the corpus, and what each version's finished index answers (ids per query)."""
    corpus = Corpus(tmp_path / "corpus")
    monkeypatch.setenv("DOSSIER_CORPUS_DIR", str(corpus.folder))
    monkeypatch.setenv("DOSSIER_EMBED_BATCH_SIZE", "4")
    settings = Settings()
    expected, ids = {}, {}
    for version in ("B", "A"):  # ends on A, the index the trials start from
        corpus.set(version)
        ingest_corpus(settings, HashEmbedder(), rebuild=True)
        expected[version] = answers(settings)
        index = Index.open(settings)
        ids[version] = {c.id for c in index.chunks}
        index.close()
    assert expected["A"] != expected["B"] and ids["A"] != ids["B"]
    return settings, corpus, expected, ids


def alternate_with_kills(settings, corpus, expected, trials: int, seed: int) -> None:
    current = "A"
    corpus.set("B")
    duration = kill.full_run_seconds()  # a finished ingest of B
    assert answers(settings) == expected["B"]
    current = "B"
    rng = random.Random(seed)
    for trial in range(trials):
        target = "A" if current == "B" else "B"
        corpus.set(target)
        delay = rng.uniform(0, duration * 1.1)
        proc = kill.start_ingest()
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        got = answers(settings)
        where = f"trial {trial}: {current}→{target}, killed at {delay:.2f} s of {duration:.2f} s, seed {seed}"
        assert got in (expected[current], expected[target]), where
        current = "A" if got == expected["A"] else "B"
        TALLY["kills survived (index whole, old or new)"] += 1
        TALLY[f"kills that left the {'new' if current == target else 'old'} index"] += 1
    corpus.set("A")
    report = ingest_corpus(settings, HashEmbedder())
    assert answers(settings) == expected["A"], report
    assert len(list(generations_dir(settings.data_dir).iterdir())) <= 2


def test_kill_while_the_content_changes_leaves_old_or_new(versions):
    settings, corpus, expected, _ = versions
    alternate_with_kills(settings, corpus, expected, trials=3, seed=int(time.time()))


@pytest.mark.slow
def test_kill_while_the_content_changes_ten_times(versions):
    settings, corpus, expected, _ = versions
    alternate_with_kills(settings, corpus, expected, trials=10, seed=int(time.time()))


def test_questions_during_an_ingest_are_answered_from_a_whole_index(versions, monkeypatch):
    """Ask over and over while a slow ingest of B runs: every answer cites only A's or only B's passages."""
    settings, corpus, _, ids = versions
    monkeypatch.setattr(core, "REOPEN_CHECK_SECONDS", 0.0)  # look for a new index before every question
    assistant = Assistant(settings, embedder=HashEmbedder())
    corpus.set("B")
    proc = kill.start_ingest()
    during, seen = 0, set()

    def ask_all() -> None:
        for question in QUESTIONS:
            answer = assistant.ask(question)
            cited = {c.chunk_id for c in answer.citations}
            assert cited <= ids["A"] or cited <= ids["B"], question
            assert {c.id for c in assistant.index.chunks} in (ids["A"], ids["B"])
            seen.add("A" if assistant.index.by_id.keys() == ids["A"] else "B")

    while proc.poll() is None:
        ask_all()
        during += 1
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and out.strip() == "done", err
    ask_all()
    TALLY["questions answered during an ingest"] += during * len(QUESTIONS)
    assert during >= 1, "the ingest ended before a question could be asked; slow it down"
    assert assistant.index.generation == GenerationPointer(settings.data_dir).read()
    assert seen == {"A", "B"}  # answered from the old index during, from the new one after


def test_questions_while_ingests_are_killed_keep_being_answered(versions, monkeypatch):
    """A page that stays up through killed ingests: no error, always a whole index."""
    settings, corpus, _, ids = versions
    monkeypatch.setattr(core, "REOPEN_CHECK_SECONDS", 0.0)
    assistant = Assistant(settings, embedder=HashEmbedder())
    rng = random.Random(int(time.time()))
    for target in ("B", "A", "B"):
        corpus.set(target)
        proc = kill.start_ingest()
        deadline = time.monotonic() + rng.uniform(0.0, 3.0)
        while time.monotonic() < deadline and proc.poll() is None:
            for question in QUESTIONS:
                cited = {c.chunk_id for c in assistant.ask(question).citations}
                assert cited <= ids["A"] or cited <= ids["B"]
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        TALLY["kills survived (index whole, old or new)"] += 1
    answer = assistant.ask(QUESTIONS[0])
    assert answer.citations and {c.chunk_id for c in answer.citations} <= (ids["A"] | ids["B"])
