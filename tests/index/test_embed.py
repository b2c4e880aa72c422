"""Embedders: the hash fake, the weight check, the numpy encoder, its agreement with sentence-transformers."""

from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path

import numpy as np
import pytest

from index import embed
from index.embed import Embedder, HashEmbedder, NumpyEmbedder, file_sha256, load_embedder, verify_weights
from index.errors import ModelError
from index.minilm import UnsupportedModel, _gelu, read_config
from index.settings import BUNDLED_MODEL_SHA256, Settings

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "mensen", "handel", "uitbuiting", "meld", "##punt", "de", "het"]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    """Settings come from the test alone, not from the developer's DOSSIER_* variables."""
    for var in list(os.environ):
        if var.startswith("DOSSIER_"):
            monkeypatch.delenv(var)


def settings(**kw) -> Settings:
    return Settings(_env_file=None, **kw)


def make_tiny_bert(folder: Path, *, model_type: str = "bert", hidden: int = 8, seed: int = 0) -> Path:
    """A real (tiny, random) sentence-transformers BERT folder: config, tokenizer, pooling, safetensors."""
    from safetensors.numpy import save_file
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

    folder.mkdir(parents=True, exist_ok=True)
    vocab = {t: i for i, t in enumerate(VOCAB)}
    tok = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    tok.save(str(folder / "tokenizer.json"))
    inter, layers = 2 * hidden, 2
    config = {
        "model_type": model_type,
        "hidden_act": "gelu",
        "hidden_size": hidden,
        "num_attention_heads": 2,
        "num_hidden_layers": layers,
        "intermediate_size": inter,
        "layer_norm_eps": 1e-12,
        "max_position_embeddings": 16,
        "vocab_size": len(VOCAB),
    }
    (folder / "config.json").write_text(json.dumps(config))
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ]
    (folder / "modules.json").write_text(json.dumps(modules))
    (folder / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 6}))
    (folder / "1_Pooling").mkdir(exist_ok=True)
    (folder / "1_Pooling" / "config.json").write_text(
        json.dumps({"word_embedding_dimension": hidden, "pooling_mode_mean_tokens": True})
    )
    rng = np.random.default_rng(seed)

    def r(*shape):
        return rng.standard_normal(shape).astype(np.float32) * 0.5

    w = {
        "embeddings.word_embeddings.weight": r(len(VOCAB), hidden),
        "embeddings.position_embeddings.weight": r(16, hidden),
        "embeddings.token_type_embeddings.weight": r(2, hidden),
        "embeddings.LayerNorm.weight": np.ones(hidden, np.float32),
        "embeddings.LayerNorm.bias": np.zeros(hidden, np.float32),
    }
    for i in range(layers):
        p = f"encoder.layer.{i}."
        for n in ("query", "key", "value"):
            w[p + f"attention.self.{n}.weight"], w[p + f"attention.self.{n}.bias"] = (
                r(hidden, hidden),
                r(hidden),
            )
        w[p + "attention.output.dense.weight"], w[p + "attention.output.dense.bias"] = (
            r(hidden, hidden),
            r(hidden),
        )
        w[p + "intermediate.dense.weight"], w[p + "intermediate.dense.bias"] = r(inter, hidden), r(inter)
        w[p + "output.dense.weight"], w[p + "output.dense.bias"] = r(hidden, inter), r(hidden)
        for ln in ("attention.output.LayerNorm", "output.LayerNorm"):
            w[p + ln + ".weight"], w[p + ln + ".bias"] = (
                np.ones(hidden, np.float32),
                np.zeros(hidden, np.float32),
            )
    save_file(w, str(folder / "model.safetensors"))
    return folder


# --- the hash fake --------------------------------------------------------------------------------------


def test_hash_embedder_is_deterministic_normalised_and_follows_shared_words():
    e = HashEmbedder(dim=64)
    assert isinstance(e, Embedder)
    docs = e.embed_documents(["meldpunt mensenhandel rotterdam", "fiets parkeren station"])
    assert docs.shape == (2, 64) and docs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(docs, axis=1), 1.0, rtol=1e-5)
    q = e.embed_query("meldpunt mensenhandel")
    np.testing.assert_array_equal(q, HashEmbedder(dim=64).embed_query("meldpunt mensenhandel"))
    assert q @ docs[0] > q @ docs[1]
    assert e.embed_documents([]).shape == (0, 64)


# --- the weight check -----------------------------------------------------------------------------------


def test_wrong_hash_stops_with_a_dutch_message_naming_file_hashes_and_fix(tmp_path):
    folder = make_tiny_bert(tmp_path / "model")
    actual = file_sha256(folder / "model.safetensors")
    wrong = "0" * 64
    with pytest.raises(ModelError) as err:
        load_embedder(settings(embedding_model=str(folder), model_sha256=wrong), for_queries=True)
    msg = str(err.value)
    assert str(folder / "model.safetensors") in msg
    assert wrong in msg and actual in msg
    assert "DOSSIER_MODEL_SHA256" in msg and "skip" in msg and "opnieuw" in msg


def test_right_hash_loads_and_is_recorded(tmp_path):
    folder = make_tiny_bert(tmp_path / "model")
    actual = file_sha256(folder / "model.safetensors")
    e = load_embedder(settings(embedding_model=str(folder), model_sha256=actual.upper()), for_queries=True)
    assert isinstance(e, NumpyEmbedder)
    assert e.weights_sha256 == actual and e.name == str(folder) and e.dim == 8


def test_skip_loads_a_model_whose_hash_would_not_match(tmp_path, monkeypatch):
    folder = make_tiny_bert(tmp_path / "model")
    hashed = []
    monkeypatch.setattr(embed, "file_sha256", lambda p: hashed.append(p) or "x")
    e = load_embedder(settings(embedding_model=str(folder), model_sha256="skip"), for_queries=True)
    assert hashed == []  # opted out: not even read for hashing
    assert e.weights_sha256 is None
    v = e.embed_query("mensenhandel en uitbuiting")
    assert v.shape == (8,) and abs(float(np.linalg.norm(v)) - 1.0) < 1e-5


def test_bundled_hash_is_expected_by_default_and_own_models_are_hashed_not_checked(tmp_path):
    assert settings().expected_model_sha256 == BUNDLED_MODEL_SHA256
    folder = make_tiny_bert(tmp_path / "model")
    assert verify_weights(folder, None) == file_sha256(folder / "model.safetensors")


def test_missing_weights_file_with_an_expected_hash_is_an_error(tmp_path):
    folder = make_tiny_bert(tmp_path / "model")
    (folder / "model.safetensors").unlink()
    with pytest.raises(ModelError, match="model.safetensors"):
        verify_weights(folder, "0" * 64)


def test_hash_cache_notices_a_replaced_file(tmp_path):
    f = tmp_path / "model.safetensors"
    f.write_bytes(b"a" * 100)
    first = file_sha256(f)
    assert file_sha256(f) == first
    f.write_bytes(b"b" * 101)
    os.utime(f, ns=(time.time_ns(), time.time_ns() + 1_000_000))
    assert file_sha256(f) != first


# --- finding the model ----------------------------------------------------------------------------------


def test_a_hub_id_that_is_not_cached_says_to_use_a_local_folder():
    with pytest.raises(ModelError) as err:
        load_embedder(settings(embedding_model="nietbestaand-org/geen-model-xyz"), for_queries=True)
    assert "DOSSIER_EMBEDDING_MODEL" in str(err.value) and "lokale map" in str(err.value)
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_a_missing_folder_is_an_error(tmp_path):
    with pytest.raises(ModelError, match="DOSSIER_EMBEDDING_MODEL"):
        load_embedder(settings(embedding_model=str(tmp_path / "weg" / "model")), for_queries=True)


def test_a_folder_without_a_model_is_an_error(tmp_path):
    with pytest.raises(ModelError, match="modules.json"):
        load_embedder(settings(embedding_model=str(tmp_path)), for_queries=True)


# --- the numpy encoder ----------------------------------------------------------------------------------


def test_gelu_is_the_exact_erf_gelu():
    x = np.linspace(-8, 8, 2001, dtype=np.float32)
    expected = np.array([0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in x.astype(np.float64)])
    np.testing.assert_allclose(_gelu(x.copy()), expected, atol=2e-6)


def test_numpy_encoder_batches_like_single_texts_and_truncates(tmp_path):
    folder = make_tiny_bert(tmp_path / "model")
    e = load_embedder(settings(embedding_model=str(folder), model_sha256="skip"), for_queries=True)
    texts = ["mensen", "meldpunt de handel het mensen uitbuiting", "het", "", "uitbuiting " * 50]
    batch = e.embed_documents(texts)
    assert batch.shape == (5, 8) and batch.dtype == np.float32
    for t, row in zip(texts, batch, strict=True):
        np.testing.assert_allclose(row, e.embed_query(t), atol=1e-5)  # padding changes nothing
    # max_seq_length is 6 tokens: everything after the 4th word is cut, as sentence-transformers does.
    np.testing.assert_allclose(e.embed_query("uitbuiting " * 4), e.embed_query("uitbuiting " * 50), atol=1e-6)
    assert e.embed_documents([]).shape == (0, 8)


def test_non_bert_models_are_left_to_sentence_transformers(tmp_path):
    folder = make_tiny_bert(tmp_path / "model", model_type="roberta")
    with pytest.raises(UnsupportedModel):
        read_config(folder)


# --- the real model -------------------------------------------------------------------------------------

TEXTS = [
    "Wat moet ik doen als ik uitbuiting vermoed bij een nagelsalon?",
    "Hoe bereik ik het meld- en adviespunt van ESSM?",
    "mensenhandel",
    "Waarin verschilt smokkel van handel in mensen?",
    "Welke rol heeft de aandachtsfunctionaris in de gemeente Schiedam?",
    "What does the dossier say about labour exploitation in Rotterdam?",
    "How can a victim get shelter?",
    "Arbeidsuitbuiting komt voor in de land- en tuinbouw, distributie, bouw en horeca.",
    "De B9-procedure biedt slachtoffers bedenktijd en een tijdelijke verblijfsvergunning.",
    "010 - 236 52 56, dagelijks van 8:30 tot 22:00 uur, anoniem melden kan.",
    "Coördinatie, naïef, café, reïntegratie — accenten en leestekens!",
    "Seksuele uitbuiting, criminele uitbuiting en gedwongen orgaanverwijdering.",
    "Gemeenten hebben een taak bij signalering, zorg en opvang, en bestuurlijke aanpak.",
    "Barendrecht, Capelle aan den IJssel, Krimpen aan den IJssel, Lansingerland, Maassluis, Vlaardingen.",
    "?",
    "a b c d e f g",
    "Het werven, vervoeren, overbrengen, opnemen of huisvesten van mensen met als doel uitbuiting. " * 3,
    # Long texts: beyond 256 tokens, truncated the same way by both paths.
    "Signalen van mensenhandel zijn onder meer: geen eigen identiteitsbewijs, schulden bij de werkgever, "
    "wonen op het werkadres, lange werkdagen en weinig loon. " * 20,
    " ".join(f"woord{i}" for i in range(600)),
    "The municipality coordinates care, shelter and the administrative approach to human trafficking. " * 30,
]


@pytest.mark.integration
def test_numpy_query_path_gives_sentence_transformers_vectors():
    s = settings()
    fast = load_embedder(s, for_queries=True)
    slow = load_embedder(s)
    assert isinstance(fast, NumpyEmbedder) and not isinstance(slow, NumpyEmbedder)
    assert fast.name == slow.name == "all-MiniLM-L6-v2"
    assert fast.weights_sha256 == slow.weights_sha256 == BUNDLED_MODEL_SHA256
    assert fast.dim == slow.dim == 384
    a, b = fast.embed_documents(TEXTS), slow.embed_documents(TEXTS)
    assert a.dtype == b.dtype == np.float32 and a.shape == b.shape == (len(TEXTS), 384)
    cos = (a * b).sum(axis=1)
    assert cos.min() >= 0.9999, cos
    q = fast.embed_query(TEXTS[0])
    assert float(q @ b[0]) >= 0.9999
    # The long texts really were truncated: a different tail past 256 tokens changes nothing.
    assert float(fast.embed_query(TEXTS[17] + " extra staart") @ a[17]) >= 0.99999


def test_hash_embedder_takes_lone_surrogates():
    """Text cleaned from a broken client can still hold a lone surrogate; embedding must not crash."""
    emb = HashEmbedder(dim=32)
    vecs = emb.embed_documents(["mensen\ud800handel", "mensenhandel"])
    assert vecs.shape == (2, 32)
    assert abs(float(np.linalg.norm(vecs[0])) - 1.0) < 1e-5
    assert emb.embed_query("\udfff?").shape == (32,)
