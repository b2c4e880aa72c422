"""Running for a region: ingest and page processes sharing one real `chroma run` server.

Each test starts its own server on 127.0.0.1 (a free port, a tmp folder) and stops it in a finally.
The hash embedder covers the store's behaviour; one test goes the whole way with the bundled model,
`dossier ingest` and two `dossier ask` processes that have nothing in their own data folders.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from index import chroma
from index.chroma import client as chroma_client
from index.errors import IndexCorrupt, IndexMissing, IndexUnavailable, IngestBusy, SettingsError
from index.generations import collection_name
from index.lexical import tokenize
from index.sentences import sentence_collection_name
from index.settings import Settings
from index.store import Index
from ingest import publish
from ingest.build import ingest_corpus
from tests.chroma_run import ChromaServer, free_port
from tests.fakes import HashEmbedder

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DOSSIER = REPO / "corpus" / "dossier-mensenhandel-regio-rotterdam.txt"
CONTACTS = REPO / "corpus" / "contacts.toml"
QUERIES = ["Waar meld ik arbeidsuitbuiting?", "opvang slachtoffers zorgcoördinator", "loverboy minderjarigen"]
NEW_DOC = """# Proefproject Zeevonk

Het proefproject Zeevonk laat havenbedrijven in Rotterdam signalen van arbeidsuitbuiting bij
uitzendkrachten doorgeven aan één vast contactpunt bij de gemeente.
"""

@pytest.fixture
def chroma_server(tmp_path, monkeypatch):
    """A `chroma run` on 127.0.0.1 with its data under tmp_path; DOSSIER_CHROMA_URL points at it."""
    port = free_port()
    running = ChromaServer(
        f"http://127.0.0.1:{port}", port, tmp_path / "chroma-server", tmp_path / "chroma.log"
    )
    try:
        running.start()
        monkeypatch.setenv("DOSSIER_CHROMA_URL", running.url)
        yield running
    finally:
        running.stop()


@pytest.fixture
def corpus(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(DOSSIER, folder / DOSSIER.name)
    shutil.copy(CONTACTS, folder / CONTACTS.name)
    monkeypatch.setenv("DOSSIER_CORPUS_DIR", str(folder))
    return folder


def of(generation: str) -> set[str]:
    """The collections of one generation: its passages and its sentences."""
    return {collection_name(generation), sentence_collection_name(generation)}


def collections(url: str) -> set[str]:
    client = chroma_client(Settings(chroma_url=url))
    try:
        return {c.name for c in client.list_collections()}
    finally:
        client.close()


def answers(index: Index) -> list:
    embedder = HashEmbedder()
    return [
        (index.dense_search(embedder.embed_query(q), 5), index.lexical_search(tokenize(q), 5))
        for q in QUERIES
    ]


# ---------------------------------------------------------------- the store against a server


@pytest.mark.integration
def test_server_index_reads_and_scores_like_the_local_one(chroma_server, corpus, tmp_path):
    local = Settings(chroma_url=None, data_dir=tmp_path / "lokaal")
    ingest_corpus(local, HashEmbedder())
    report = ingest_corpus(Settings(), HashEmbedder())
    assert report.chunks > 50 and report.embedded == report.chunks

    # A page process whose data folder does not exist: everything comes from the server.
    reader = Settings(data_dir=tmp_path / "elders" / "leeg")
    on_server, on_disk = Index.open(reader), Index.open(local)
    try:
        assert on_server.generation == report.generation and on_server.is_current()
        assert [c.to_dict() for c in on_server.chunks] == [c.to_dict() for c in on_disk.chunks]
        assert on_server.vocabulary == on_disk.vocabulary
        for (dense, lexical), (dense_disk, lexical_disk) in zip(
            answers(on_server), answers(on_disk), strict=True
        ):
            assert lexical == lexical_disk  # the same BM25 code over the same passages: equal scores
            assert [i for i, _ in dense] == [i for i, _ in dense_disk]  # the same vectors
            assert [s for _, s in dense] == pytest.approx([s for _, s in dense_disk], abs=1e-6)
        assert on_server.sections == on_disk.sections
        ids = [c.id for c in on_disk.chunks[:12]]
        got, want = on_server.sentence_vectors_many(ids), on_disk.sentence_vectors_many(ids)
        for cid in ids:  # the sentences and their vectors, from the second collection
            assert got[cid][0] == want[cid][0] and len(got[cid][0]) == len(got[cid][1]) > 0
            np.testing.assert_allclose(got[cid][1], want[cid][1], atol=1e-6)
        assert (
            on_server.sentence_vectors(on_disk.chunks[-1].id)[0]
            == on_disk.sentence_vectors(on_disk.chunks[-1].id)[0]
        )
        assert report.sentences == on_server.manifest["sentences"]["count"] > report.chunks
        m = on_server.manifest
        assert m["collection"] == collection_name(on_server.generation) and m["sources"] == [DOSSIER.name]
    finally:
        on_server.close()
        on_disk.close()
    assert not (tmp_path / "elders").exists()
    assert collections(chroma_server.url) == {chroma.META, *of(report.generation)}


@pytest.mark.integration
def test_status_names_the_server(chroma_server, corpus, capsys):
    from ingest import cli

    ingest_corpus(Settings(), HashEmbedder())
    assert cli.cmd_status(argparse.Namespace(json=True), Settings()) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["chroma_url"] == chroma_server.url and status["sources"] == [DOSSIER.name]
    assert cli.cmd_status(argparse.Namespace(json=False), Settings()) == 0
    assert capsys.readouterr().out.startswith(f"Index op de Chroma-server {chroma_server.url} met ")


@pytest.mark.integration
def test_reingest_reuses_vectors_switches_and_prunes(chroma_server, corpus):
    first = ingest_corpus(Settings(), HashEmbedder())
    old = Index.open(Settings())
    before = answers(old)
    unchanged = ingest_corpus(Settings(), HashEmbedder())
    assert (unchanged.embedded, unchanged.generation) == (0, first.generation) and old.is_current()

    (corpus / "zeevonk.md").write_text(NEW_DOC, encoding="utf-8")
    second = ingest_corpus(Settings(), HashEmbedder())
    assert 0 < second.embedded < 3 and second.chunks == first.chunks + second.embedded
    assert second.sentences == first.sentences + second.sentences_embedded  # the others were reused
    assert 0 < second.sentences_embedded <= 3
    assert not old.is_current() and answers(old) == before  # the previous generation stays readable
    new = Index.open(Settings())
    assert new.generation == second.generation and new.manifest["previous_generation"] == first.generation
    hits = new.lexical_search(tokenize("proefproject Zeevonk"), 3)
    assert hits and new.by_id[hits[0][0]].source == "zeevonk.md"

    # A leftover of a killed ingest, then a third generation: only the current and the previous remain.
    client = chroma_client(Settings())
    for leftover in of("20000101T000000000000-dead00"):
        client.create_collection(leftover, embedding_function=None)
    client.close()
    (corpus / "zeevonk.md").unlink()
    third = ingest_corpus(Settings(), HashEmbedder())
    assert third.removed == second.embedded and third.embedded == 0
    expected = {chroma.META, *of(second.generation), *of(third.generation)}
    assert collections(chroma_server.url) == expected
    for index in (old, new):
        index.close()


@pytest.mark.integration
def test_failed_ingest_switches_nothing_and_leaves_nothing(chroma_server, corpus):
    class Failing(HashEmbedder):
        def embed_documents(self, texts):
            raise RuntimeError("schijf vol")

    first = ingest_corpus(Settings(), HashEmbedder())
    (corpus / "nieuw.md").write_text("# Nieuw\n\nEen nieuwe tekst over uitbuiting in de haven.\n")
    with pytest.raises(RuntimeError, match="schijf vol"):
        ingest_corpus(Settings(), Failing())
    index = Index.open(Settings())
    assert index.generation == first.generation and index.is_current()
    assert collections(chroma_server.url) == {chroma.META, *of(first.generation)}
    index.close()


@pytest.mark.integration
def test_a_second_ingest_is_refused_while_one_holds_the_server_lock(chroma_server, corpus):
    client = chroma_client(Settings())
    try:
        with publish.server_lock(client, chroma_server.url) as held:
            with pytest.raises(IngestBusy) as err:
                ingest_corpus(Settings(), HashEmbedder())
            assert "Er loopt al een ingest op de Chroma-server" in str(err.value)
            assert held.owner in str(err.value)
        assert publish.LOCK not in collections(chroma_server.url)  # released
        assert ingest_corpus(Settings(), HashEmbedder()).chunks > 0
    finally:
        client.close()


@pytest.mark.integration
def test_an_abandoned_lock_is_taken_over(chroma_server, corpus):
    client = chroma_client(Settings())
    try:
        stale = client.heartbeat() // 1_000_000_000 - int(publish.STALE_SECONDS) - 5
        info = {
            "owner": "oude-machine, proces 1",
            "token": "dood",
            "started_at": "gisteren",
            "heartbeat": stale,
        }
        client.create_collection(publish.LOCK, metadata=info, embedding_function=None)
        report = ingest_corpus(Settings(), HashEmbedder())
        assert report.generation is not None
        assert publish.LOCK not in collections(chroma_server.url)
    finally:
        client.close()


@pytest.mark.integration
def test_an_ingest_that_lost_its_lock_does_not_switch(chroma_server, corpus):
    first = ingest_corpus(Settings(), HashEmbedder())
    (corpus / "zeevonk.md").write_text(NEW_DOC, encoding="utf-8")
    thief = chroma_client(Settings())

    class Stealing(HashEmbedder):
        """While this ingest embeds, another one takes its lock over (as if this one had hung)."""

        def embed_documents(self, texts):
            thief.delete_collection(publish.LOCK)
            info = {"owner": "andere-machine", "token": "ander", "started_at": "nu", "heartbeat": 0}
            thief.create_collection(publish.LOCK, metadata=info, embedding_function=None)
            return super().embed_documents(texts)

    try:
        with pytest.raises(IngestBusy, match="is overgenomen door andere-machine"):
            ingest_corpus(Settings(), Stealing())
        index = Index.open(Settings())
        assert index.generation == first.generation  # no switch
        assert "zeevonk.md" not in index.manifest["sources"]
        # Its half-built collection is gone; the other owner's lock is left alone.
        assert collections(chroma_server.url) == {chroma.META, publish.LOCK, *of(first.generation)}
        index.close()
    finally:
        thief.close()


KILLED_INGEST = """
import sys, time
from tests.fakes import HashEmbedder
from index.settings import Settings
from ingest.build import ingest_corpus

class Slow(HashEmbedder):
    def embed_documents(self, texts):
        print("embedding", flush=True)
        time.sleep(0.5)
        return super().embed_documents(texts)

ingest_corpus(Settings(), Slow(), rebuild=True)
"""


@pytest.mark.integration
def test_a_killed_ingest_leaves_the_index_whole_and_its_lock_is_taken_over_later(
    chroma_server, corpus, tmp_path, monkeypatch
):
    first = ingest_corpus(Settings(), HashEmbedder())
    before = answers(Index.open(Settings()))
    env = {
        **os.environ,
        "DOSSIER_DATA_DIR": str(tmp_path / "andere-machine"),
        "DOSSIER_EMBED_BATCH_SIZE": "4",
    }
    proc = subprocess.Popen([sys.executable, "-c", KILLED_INGEST], env=env, cwd=REPO, stdout=subprocess.PIPE)
    try:
        assert proc.stdout.readline().strip() == b"embedding"  # lock taken, collection being filled
        proc.kill()
    finally:
        proc.kill()
        proc.wait(timeout=30)
    index = Index.open(Settings())
    assert index.generation == first.generation and answers(index) == before
    half_built = collections(chroma_server.url) - {chroma.META, publish.LOCK, *of(first.generation)}
    assert len(half_built) == 1
    with pytest.raises(IngestBusy, match="vanzelf overgenomen"):
        ingest_corpus(Settings(), HashEmbedder())
    monkeypatch.setattr(publish, "STALE_SECONDS", 1.0)  # instead of waiting two minutes
    time.sleep(2.1)
    report = ingest_corpus(Settings(), HashEmbedder(), rebuild=True)
    assert collections(chroma_server.url) == {chroma.META, *of(first.generation), *of(report.generation)}
    assert not index.is_current() and len(Index.open(Settings()).chunks) == first.chunks


@pytest.mark.integration
def test_damaged_server_index_says_how_to_rebuild_and_ingest_repairs_it(chroma_server, corpus):
    first = ingest_corpus(Settings(), HashEmbedder())
    client = chroma_client(Settings())
    try:
        generation = client.get_collection(collection_name(first.generation), embedding_function=None)
        victim = generation.get(limit=1)["ids"]
        generation.delete(ids=victim)
    finally:
        client.close()
    with pytest.raises(IndexCorrupt) as err:
        Index.open(Settings())
    assert f"DOSSIER_CHROMA_URL={chroma_server.url} dossier ingest --rebuild" in str(err.value)
    report = ingest_corpus(Settings(), HashEmbedder())
    assert "de vorige index was onleesbaar: de vectoropslag heeft" in report.rebuilt_because
    assert report.embedded == report.chunks == first.chunks
    assert len(Index.open(Settings()).chunks) == first.chunks


@pytest.mark.integration
def test_empty_server_and_stopped_server_give_dutch_messages(chroma_server, corpus):
    with pytest.raises(IndexMissing, match="Er is nog geen index op de Chroma-server"):
        Index.open(Settings())
    ingest_corpus(Settings(), HashEmbedder())
    index = Index.open(Settings())
    chroma_server.stop()
    assert index.is_current()  # cannot tell: keep serving the passages in memory
    assert index.lexical_search(tokenize("arbeidsuitbuiting"), 3)
    with pytest.raises(IndexUnavailable, match="niet bereikbaar"):
        index.dense_search(HashEmbedder().embed_query("uitbuiting"), 3)
    with pytest.raises(IndexUnavailable, match=r"Start die \(chroma run"):
        Index.open(Settings())
    with pytest.raises(IndexUnavailable):
        ingest_corpus(Settings(), HashEmbedder())
    # Back again (same folder, same port): the running reader answers without being reopened.
    chroma_server.start()
    assert index.is_current()
    assert index.dense_search(HashEmbedder().embed_query("uitbuiting"), 3)
    index.close()


@pytest.mark.integration
def test_clean_index_removes_the_folders_chroma_leaves_behind(chroma_server, corpus, capsys):
    from ingest import cli
    from ingest.housekeeping import orphan_segments

    for _ in range(3):
        ingest_corpus(Settings(), HashEmbedder(), rebuild=True)
    before = answers(Index.open(Settings()))
    chroma_server.stop()
    orphans = orphan_segments(chroma_server.path)
    assert orphans and all(o.bytes > 0 for o in orphans)  # chromadb#5520: deleted collections' folders
    assert cli.cmd_clean_index(argparse.Namespace(path=chroma_server.path, yes=False), Settings()) == 0
    assert "--yes" in capsys.readouterr().out and all(o.path.exists() for o in orphans)
    assert cli.cmd_clean_index(argparse.Namespace(path=chroma_server.path, yes=True), Settings()) == 0
    assert not any(o.path.exists() for o in orphans) and orphan_segments(chroma_server.path) == []
    chroma_server.start()
    assert answers(Index.open(Settings())) == before
    (corpus / "zeevonk.md").write_text(NEW_DOC, encoding="utf-8")
    assert ingest_corpus(Settings(), HashEmbedder()).embedded > 0


def test_clean_index_refuses_a_folder_that_is_not_chromas(tmp_path):
    from ingest.housekeeping import orphan_segments

    with pytest.raises(SettingsError, match="chroma run --path"):
        orphan_segments(tmp_path)


# ---------------------------------------------------------------- the whole way, real model


def run(args: list[str], env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout)


@pytest.mark.integration
@pytest.mark.slow
def test_two_page_processes_share_the_server_index_and_see_a_new_ingest(chroma_server, corpus, tmp_path):
    env = {**os.environ, "DOSSIER_CHROMA_URL": chroma_server.url}
    done = run(
        [str(BIN / "dossier"), "ingest", "--json"], {**env, "DOSSIER_DATA_DIR": str(tmp_path / "ingest")}
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["chunks"] > 50

    # A long-running page in this process, opened before the corpus changes.
    from assistant.core import REOPEN_CHECK_SECONDS, Assistant

    assistant = Assistant(Settings(data_dir=tmp_path / "pagina"))
    index = assistant.index
    ids = {c.id for c in index.chunks}

    # Two page processes "on other hosts": empty data folders of their own, no corpus folder.
    askers = []
    for name in ("host-a", "host-b"):
        own = {**env, "DOSSIER_DATA_DIR": str(tmp_path / name), "DOSSIER_CORPUS_DIR": str(tmp_path / "geen")}
        command = [str(BIN / "dossier"), "ask", "--json", "Waar meld ik arbeidsuitbuiting?"]
        askers.append(
            subprocess.Popen(command, env=own, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        )
    for proc in askers:
        try:
            out, err = proc.communicate(timeout=180)
        finally:
            proc.kill()
        assert proc.returncode == 0, err.decode()
        answer = json.loads(out)
        assert answer["citations"] and {c["chunk_id"] for c in answer["citations"]} <= ids
        assert answer["situational"] and answer["meldpunt"]["phone"] == "010 - 236 52 56"
    for name in ("host-a", "host-b"):
        assert not (tmp_path / name / "generations").exists() and not (tmp_path / name / "CURRENT").exists()

    # A new document, a new ingest through the server: the running page picks it up without restart.
    (corpus / "zeevonk.md").write_text(NEW_DOC, encoding="utf-8")
    again = run(
        [str(BIN / "dossier"), "ingest", "--json"], {**env, "DOSSIER_DATA_DIR": str(tmp_path / "ingest")}
    )
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["embedded"] >= 1
    assert not index.is_current()
    time.sleep(REOPEN_CHECK_SECONDS + 0.2)
    answer = assistant.ask("Wat is het proefproject Zeevonk?")
    assert assistant.index is not index and assistant.index.is_current()
    assert "zeevonk.md" in assistant.index.manifest["sources"]
    assert answer.citations and answer.citations[0].source == "zeevonk.md"
    assert "Zeevonk" in answer.answer


def test_page_start_on_an_empty_server_leaves_ingesting_to_the_operator(chroma_server, corpus):
    """Several page processes share one server: none of them starts an ingest of its own."""
    from ui import load_assistant

    with pytest.raises(IndexMissing, match="Chroma-server"):
        load_assistant(Settings())
    assert not any(name.startswith("dossier-") for name in collections(chroma_server.url))
