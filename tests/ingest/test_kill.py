"""SIGKILL during an ingest: the index that readers open stays whole, and the next ingest finishes.

A subprocess rebuilds the index of the real dossier with a slowed-down hash embedder and is killed at
a random moment, anywhere from the start of the ingest to just after its end (reading the corpus,
creating the collection, embedding, writing the lexical index, fsync, switching, pruning). Afterwards
the current generation must open and be whole (every passage found by its own vector and its own
terms), and a generation seen before must answer the same queries exactly as it did then.
(Expectations are kept per generation, not for the corpus: a rebuild by newer chunking code may cut
the dossier differently, and that is not what this test is about.)
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.generations import generations_dir
from index.lexical import tokenize
from index.settings import Settings
from index.store import Index
from ingest.build import ingest_corpus
from tests.fakes import HashEmbedder

REPO = Path(__file__).resolve().parents[2]
DOSSIER = REPO / "corpus" / "dossier-mensenhandel-regio-rotterdam.txt"
QUERIES = [
    "Wat zijn signalen van arbeidsuitbuiting?",
    "Hoe meld ik een vermoeden van mensenhandel?",
    "opvang slachtoffers zorgcoördinator",
    "loverboy seksuele uitbuiting minderjarigen",
]

INGEST = """
import sys, time
from tests.fakes import HashEmbedder
from index.settings import Settings
from ingest.build import ingest_corpus

class Slow(HashEmbedder):
    def embed_documents(self, texts):
        time.sleep(float(sys.argv[1]))
        return super().embed_documents(texts)

print("start", flush=True)
ingest_corpus(Settings(), Slow(), rebuild=True)
print("done", flush=True)
"""
SLEEP_PER_BATCH = "0.02"


@pytest.fixture
def dossier_index(tmp_path, monkeypatch):
    """The real dossier indexed with the hash embedder, in small batches so a kill lands mid-embedding."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / DOSSIER.name).write_bytes(DOSSIER.read_bytes())
    monkeypatch.setenv("DOSSIER_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("DOSSIER_EMBED_BATCH_SIZE", "4")
    ingest_corpus(Settings(), HashEmbedder())
    return Settings()


def check(settings, seen: dict[str, list], where: str) -> str:
    """Open the current index, check it is whole and answers as before; returns its generation."""
    index = Index.open(settings)
    try:
        embedder = HashEmbedder()
        assert len(index.chunks) == index.manifest["chunks"] > 0, where
        for chunk in index.chunks:
            assert index.dense_search(embedder.embed_query(chunk.index_text), 1)[0][0] == chunk.id, where
            assert chunk.id in {i for i, _ in index.lexical_search(tokenize(chunk.index_text), 5)}, where
        hits = [
            (index.dense_search(embedder.embed_query(q), 5), index.lexical_search(tokenize(q), 5))
            for q in QUERIES
        ]
        assert seen.setdefault(index.generation, hits) == hits, where
        return index.generation
    finally:
        index.close()


def start_ingest() -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", INGEST, SLEEP_PER_BATCH],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert proc.stdout.readline().strip() == "start", proc.stderr.read()
    return proc


def full_run_seconds() -> float:
    """How long an unkilled ingest takes from 'start' to its end, so kills can be spread over all of it."""
    proc = start_ingest()
    began = time.monotonic()
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0 and out.strip() == "done", err
    return time.monotonic() - began


def kill_trials(settings, trials: int, seed: int) -> None:
    seen: dict[str, list] = {}
    before = check(settings, seen, "before")
    duration = full_run_seconds()
    assert check(settings, seen, "after a full run") != before
    rng = random.Random(seed)
    switched = 0
    for trial in range(trials):
        delay = rng.uniform(0, duration * 1.1)
        current = check(settings, seen, "before the trial")
        proc = start_ingest()
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        where = f"trial {trial}, killed {delay:.2f} s after start (full run {duration:.2f} s, seed {seed})"
        switched += check(settings, seen, where) != current
    # The next ingest takes the lock (the kernel released it), cleans the leftovers and finishes.
    report = ingest_corpus(settings, HashEmbedder())
    assert report.chunks == len(Index.open(settings).chunks)
    assert len(list(generations_dir(settings.data_dir).iterdir())) <= 2
    assert not list(Path(settings.data_dir).glob(".CURRENT.*"))
    check(settings, seen, "after the last ingest")
    print(f"{trials} kills, {switched} after the switch, full run {duration:.2f} s")


def test_kill_during_ingest_leaves_a_usable_index(dossier_index):
    kill_trials(dossier_index, trials=3, seed=int(time.time()))


@pytest.mark.slow
def test_kill_during_ingest_ten_times(dossier_index):
    kill_trials(dossier_index, trials=10, seed=int(time.time()))
