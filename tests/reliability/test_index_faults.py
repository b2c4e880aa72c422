"""A damaged or missing index: a clear Dutch message saying how to rebuild, never a stack trace.

Every file of a finished generation is deleted, truncated or overwritten in turn; the assistant must
then either refuse to start with IndexCorrupt (naming `dossier ingest --rebuild`) or keep answering
correctly (a part it does not need), never raise anything else. The command line turns the same
errors into one line on stderr and exit code 2, for `dossier ask`, `dossier status` and `dossier serve`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import DOSSIER_BIN, TALLY, clean_env, hash_settings_for

from assistant.core import Assistant
from index.errors import DossierError, IndexCorrupt, IndexMissing
from index.generations import GenerationPointer, generation_dir
from ingest.build import ingest_corpus
from tests.fakes import HashEmbedder

NOTES = {
    "signalen.md": "# Signalen\n\nSignalen van arbeidsuitbuiting zijn een ingehouden paspoort en schulden "
    "bij de werkgever.\n\n## Melden\n\nEen vermoeden meld je bij het meldpunt; melden kan ook anoniem.\n",
    "opvang.txt": "De zorgcoördinator regelt opvang voor slachtoffers die niet naar huis kunnen.\n",
}
QUESTIONS = ["Wat zijn signalen van arbeidsuitbuiting?", "Wie regelt opvang?"]
REBUILD = "dossier ingest --rebuild"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """A small finished index (hash embedder) to copy and damage, and what it answers."""
    root = tmp_path_factory.mktemp("pristine")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in NOTES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = hash_settings_for(root / "data", corpus)
    ingest_corpus(settings, HashEmbedder())
    assistant = Assistant(settings, embedder=HashEmbedder())
    expected = [[c.chunk_id for c in assistant.ask(q).citations] for q in QUESTIONS]
    return settings, expected


def copy_of(pristine, tmp_path: Path, name: str):
    settings, _ = pristine
    target = tmp_path / name
    shutil.copytree(settings.data_dir, target)  # a new path: chromadb caches clients per path
    return hash_settings_for(target, settings.corpus_dir)


def generation_files(settings) -> list[Path]:
    gen = generation_dir(settings.data_dir, GenerationPointer(settings.data_dir).read())
    return sorted(p.relative_to(gen) for p in gen.rglob("*") if p.is_file())


def damage(path: Path, how: str) -> None:
    if how == "deleted":
        path.unlink()
    elif how == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif how == "garbage":
        size = max(path.stat().st_size, 64)
        path.write_bytes(os.urandom(size))
    elif how == "empty":
        path.write_bytes(b"")


def outcome(settings, expected) -> str:
    """'refused' (IndexCorrupt with the rebuild hint) or 'answers' (and answers as before)."""
    try:
        assistant = Assistant(settings, embedder=HashEmbedder())
    except IndexCorrupt as err:
        assert REBUILD in str(err), str(err)
        return "refused"
    try:
        got = [[c.chunk_id for c in assistant.ask(q).citations] for q in QUESTIONS]
    except DossierError as err:
        assert REBUILD in str(err), str(err)
        return "refused while answering"
    assert got == expected
    return "answers"


def test_every_file_of_the_index_damaged_in_every_way(pristine, tmp_path):
    settings, expected = pristine
    results, leaks = {}, []
    for i, rel in enumerate(generation_files(settings)):
        for how in ("deleted", "truncated", "garbage", "empty"):
            case = copy_of(pristine, tmp_path, f"case{i}-{how}")
            gen = generation_dir(case.data_dir, GenerationPointer(case.data_dir).read())
            damage(gen / rel, how)
            try:
                results[f"{rel} {how}"] = outcome(case, expected)
            except AssertionError:
                raise
            except Exception as err:  # noqa: BLE001 — the point: name every damage that leaks an exception
                leaks.append(f"{rel} {how}: {type(err).__name__}: {str(err)[:120]}")
            TALLY["index damages tried"] += 1
    assert leaks == []
    # The parts that hold the passages and the manifest can never be damaged unnoticed.
    for key, value in results.items():
        if key.startswith(("manifest.json", "chunks.jsonl")):
            assert value == "refused", key


@pytest.mark.parametrize(
    "pointer", [b"", b"bestaat-niet\n", b"../../..\n", b"\x00\xff\xfe binair", b"a" * 5000, b"/etc\n"]
)
def test_a_damaged_pointer_is_refused_with_the_rebuild_hint(pristine, tmp_path, pointer):
    case = copy_of(pristine, tmp_path, "pointer")
    (Path(case.data_dir) / "CURRENT").write_bytes(pointer)
    TALLY["index damages tried"] += 1
    with pytest.raises((IndexCorrupt, IndexMissing)) as info:
        Assistant(case, embedder=HashEmbedder())
    assert "dossier ingest" in str(info.value)


def test_the_next_ingest_repairs_a_damaged_index(pristine, tmp_path):
    settings, expected = pristine
    case = copy_of(pristine, tmp_path, "repair")
    gen = generation_dir(case.data_dir, GenerationPointer(case.data_dir).read())
    (gen / "chunks.jsonl").write_bytes(b"\xff\xfe{kapot")
    report = ingest_corpus(case, HashEmbedder())
    assert "onleesbaar" in report.rebuilt_because
    assert outcome(case, expected) == "answers"


# ---------------------------------------------------------------- the command line


def run(command: list[str], data_dir: Path, corpus: Path, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(DOSSIER_BIN), *command],
        env=clean_env(data_dir, corpus),
        cwd=data_dir.parent,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def one_dutch_line(result: subprocess.CompletedProcess, hint: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("dossier: "), result.stderr
    assert hint in lines[0] and "Traceback" not in result.stderr


def test_ask_status_and_serve_without_an_index(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for command in (["ask", "Wat is mensenhandel?"], ["status"]):
        one_dutch_line(run(command, data, tmp_path), "Er is nog geen index. Bouw die met: dossier ingest")


@pytest.mark.parametrize("damaged", ["pointer", "chunks.jsonl", "manifest.json", "chroma", "lexical"])
def test_ask_with_a_damaged_index_is_one_line_and_exit_2(pristine, tmp_path, damaged):
    case = copy_of(pristine, tmp_path, "cli")
    gen = generation_dir(case.data_dir, GenerationPointer(case.data_dir).read())
    if damaged == "pointer":
        (Path(case.data_dir) / "CURRENT").write_text("bestaat-niet\n", encoding="utf-8")
    elif damaged in ("chroma", "lexical"):
        shutil.rmtree(gen / damaged)
    else:
        (gen / damaged).write_bytes(b"{kapot")
    TALLY["index damages tried"] += 1
    one_dutch_line(run(["ask", "Wat is mensenhandel?"], Path(case.data_dir), case.corpus_dir), REBUILD)


def test_serve_with_a_damaged_index_is_one_line_and_exit_2(pristine, tmp_path):
    case = copy_of(pristine, tmp_path, "serve")
    gen = generation_dir(case.data_dir, GenerationPointer(case.data_dir).read())
    (gen / "manifest.json").write_text("[]", encoding="utf-8")
    result = run(["serve", "--port", "1"], Path(case.data_dir), case.corpus_dir)
    one_dutch_line(result, REBUILD)
