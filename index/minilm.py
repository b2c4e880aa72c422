"""A numpy BERT encoder for sentence-transformers models of the MiniLM/BERT family (light query path).

Why: importing sentence-transformers (torch + transformers) costs ~7 s on the target machine, which
alone breaks the 3 s budget for a cold `dossier ask`. This module runs the *same weights* with numpy
(safetensors + tokenizers only) and gives the same vectors (cosine >= 0.9999, see the integration
test). It reads the sentence-transformers description of the model (modules.json,
sentence_bert_config.json, 1_Pooling/config.json, config.json) and refuses what it does not implement,
so the caller can fall back to sentence-transformers.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_TRANSFORMER = "sentence_transformers.models.Transformer"
_POOLING = "sentence_transformers.models.Pooling"
_NORMALIZE = "sentence_transformers.models.Normalize"


class UnsupportedModel(Exception):
    """The folder holds a model this numpy encoder does not implement (caller falls back)."""


@dataclass(frozen=True)
class BertConfig:
    hidden: int
    heads: int
    layers: int
    eps: float
    max_len: int
    lowercase_hint: bool


def read_config(path: Path) -> BertConfig:
    """Read and check the model description; raises UnsupportedModel for anything but BERT + mean pooling."""

    def load(name: str) -> dict | list:
        try:
            return json.loads((path / name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise UnsupportedModel(f"{name}: {err}") from err

    cfg = load("config.json")
    if cfg.get("model_type") != "bert" or cfg.get("hidden_act", "gelu") != "gelu":
        raise UnsupportedModel(f"model_type={cfg.get('model_type')} hidden_act={cfg.get('hidden_act')}")
    if cfg.get("position_embedding_type", "absolute") != "absolute":
        raise UnsupportedModel("position_embedding_type")
    modules = [m.get("type") for m in load("modules.json")]
    if modules not in ([_TRANSFORMER, _POOLING], [_TRANSFORMER, _POOLING, _NORMALIZE]):
        raise UnsupportedModel(f"modules {modules}")
    pool_path = next(m.get("path", "") for m in load("modules.json") if m.get("type") == _POOLING)
    pool = load(f"{pool_path}/config.json")
    modes = {k for k, v in pool.items() if k.startswith("pooling_mode") and v}
    if modes != {"pooling_mode_mean_tokens"}:
        raise UnsupportedModel(f"pooling {sorted(modes)}")
    st = load("sentence_bert_config.json")
    max_len = min(int(st.get("max_seq_length") or 512), int(cfg["max_position_embeddings"]))
    if not (path / "tokenizer.json").is_file():
        raise UnsupportedModel("tokenizer.json ontbreekt")
    return BertConfig(
        hidden=int(cfg["hidden_size"]),
        heads=int(cfg["num_attention_heads"]),
        layers=int(cfg["num_hidden_layers"]),
        eps=float(cfg.get("layer_norm_eps", 1e-12)),
        max_len=max_len,
        lowercase_hint=bool(st.get("do_lower_case", False)),
    )


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    x = x - mean
    var = np.mean(np.square(x), -1, keepdims=True)
    x *= 1.0 / np.sqrt(var + eps)
    x *= w
    x += b
    return x


# Abramowitz & Stegun 7.1.26: |error| < 1.5e-7, below float32 resolution for erf. numpy has no erf;
# scipy's costs ~0.4 s to import and is slower than these vectorised passes.
_P = 0.3275911
_A = (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)


def _gelu(x: np.ndarray) -> np.ndarray:
    """Exact (erf) GELU as BERT's "gelu", in place on x."""
    z = np.abs(x)
    z *= 1.0 / math.sqrt(2.0)
    t = z * _P
    t += 1.0
    np.reciprocal(t, out=t)
    poly = t * _A[0]
    for a in _A[1:]:
        poly += a
        poly *= t
    np.square(z, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    poly *= z  # poly = 1 - erf(|x|/sqrt2) = erfc
    # gelu = x/2 * (1 + erf(x/sqrt2)); with erfc of |x|: x>=0 -> x*(1 - erfc/2), x<0 -> x*erfc/2
    poly *= 0.5
    np.subtract(1.0, poly, out=poly, where=x >= 0)
    x *= poly
    return x


# Rows of the feed-forward processed at once: 128 x 1536 float32 = 0.8 MB, inside a 1 MB L2 cache.
_FFN_ROWS = 128


_WORKERS = min(len(os.sched_getaffinity(0)), 8)


def _single_threaded_blas() -> None:
    """One BLAS thread for the whole process (the numpy model's matrices are its main BLAS user).

    A query's matrices are small (~20 rows): with 2-thread OpenBLAS, its spinning threads collide with
    the page's concurrent questions and anything else on the CPU. Measured on 2 busy cores: 210 ms p50
    per query with 2 BLAS threads, 31 ms with 1 (both ~8 ms when idle). Batches get their parallelism
    from worker threads instead (`encode`). Set once, never restored: a context that restores is not
    safe with concurrent callers.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


class MiniLM:
    """BERT encoder + mean pooling + L2 normalisation, in numpy. Same output as sentence-transformers."""

    def __init__(self, cfg: BertConfig, weights: dict[str, np.ndarray], tokenizer):
        self.cfg = cfg
        self.dim = cfg.hidden
        self._tok = tokenizer
        g = weights.__getitem__
        self._word = g("embeddings.word_embeddings.weight")
        self._pos = g("embeddings.position_embeddings.weight")
        self._type0 = g("embeddings.token_type_embeddings.weight")[0]
        self._emb_ln = (g("embeddings.LayerNorm.weight"), g("embeddings.LayerNorm.bias"))
        self._layers = []
        for i in range(cfg.layers):
            p = f"encoder.layer.{i}."
            # One fused (hidden, 3*hidden) matrix for q, k, v: one BLAS call instead of three.
            # Weights are stored (out, in); transposed once here so every call is x @ W.
            qkv_w = np.concatenate(
                [g(p + f"attention.self.{n}.weight") for n in ("query", "key", "value")], axis=0
            ).T.copy()
            qkv_b = np.concatenate([g(p + f"attention.self.{n}.bias") for n in ("query", "key", "value")])
            self._layers.append(
                (
                    qkv_w,
                    qkv_b,
                    g(p + "attention.output.dense.weight").T.copy(),
                    g(p + "attention.output.dense.bias"),
                    g(p + "attention.output.LayerNorm.weight"),
                    g(p + "attention.output.LayerNorm.bias"),
                    g(p + "intermediate.dense.weight").T.copy(),
                    g(p + "intermediate.dense.bias"),
                    g(p + "output.dense.weight").T.copy(),
                    g(p + "output.dense.bias"),
                    g(p + "output.LayerNorm.weight"),
                    g(p + "output.LayerNorm.bias"),
                )
            )

    @classmethod
    def load(cls, path: Path) -> MiniLM:
        """Load from a sentence-transformers folder (raises UnsupportedModel for what it cannot run)."""
        cfg = read_config(path)
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(path / "tokenizer.json"))
        # tokenizer.json ships with truncation/padding of its own (128, fixed); sentence-transformers
        # truncates at max_seq_length and pads per batch, so do the same.
        tok.enable_truncation(max_length=cfg.max_len)
        tok.no_padding()
        from safetensors.numpy import load_file

        if not (path / "model.safetensors").is_file():
            raise UnsupportedModel("model.safetensors ontbreekt")
        weights = load_file(str(path / "model.safetensors"))
        _single_threaded_blas()
        weights = {k.removeprefix("bert."): v for k, v in weights.items()}
        try:
            return cls(cfg, weights, tok)
        except KeyError as err:
            raise UnsupportedModel(f"gewicht {err} ontbreekt") from err

    def _forward(self, seqs: list[list[int]]) -> np.ndarray:
        """Token ids of several texts -> pooled, normalised (len(seqs), hidden).

        The texts are packed end to end without padding: the dense layers see only real tokens and
        attention runs per text over its own slice, so no mask is needed and no work is wasted on pads.
        The feed-forward runs in row blocks so its (rows, 4*hidden) intermediate stays in the CPU cache
        while GELU makes its ~15 elementwise passes over it (measured: ~2x faster GELU than one big array).
        """
        h, d, eps = self.cfg.heads, self.cfg.hidden // self.cfg.heads, self.cfg.eps
        lengths = [len(q) for q in seqs]
        bounds = np.cumsum([0, *lengths])
        ids = np.fromiter((t for q in seqs for t in q), np.int64, count=int(bounds[-1]))
        positions = np.concatenate([np.arange(n) for n in lengths])
        x = self._word[ids] + self._pos[positions] + self._type0
        x = _layer_norm(x, *self._emb_ln, eps)
        scale = np.float32(1.0 / math.sqrt(d))
        ctx = np.empty_like(x)
        for qkv_w, qkv_b, o_w, o_b, ln1_w, ln1_b, i_w, i_b, f_w, f_b, ln2_w, ln2_b in self._layers:
            qkv = x @ qkv_w
            qkv += qkv_b
            for start, stop in zip(bounds[:-1], bounds[1:], strict=True):
                n = stop - start
                q, k, v = qkv[start:stop].reshape(n, 3, h, d).transpose(1, 2, 0, 3)  # each (H, n, d)
                s = (q * scale) @ k.transpose(0, 2, 1)  # (H, n, n)
                s -= s.max(-1, keepdims=True)
                np.exp(s, out=s)
                s /= s.sum(-1, keepdims=True)
                ctx[start:stop] = (s @ v).transpose(1, 0, 2).reshape(n, h * d)
            a = ctx @ o_w
            a += o_b
            a += x
            x = _layer_norm(a, ln1_w, ln1_b, eps)
            out = np.empty_like(x)
            for r in range(0, len(x), _FFN_ROWS):
                f = x[r : r + _FFN_ROWS] @ i_w
                f += i_b
                np.matmul(_gelu(f), f_w, out=out[r : r + _FFN_ROWS])
            out += f_b
            out += x
            x = _layer_norm(out, ln2_w, ln2_b, eps)
        pooled = np.add.reduceat(x, bounds[:-1], axis=0) / np.asarray(lengths, np.float32)[:, None]
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Embed texts: float32, L2-normalised, shape (len(texts), hidden)."""
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        seqs = [e.ids for e in self._tok.encode_batch(list(texts))]
        if len(seqs) == 1 or _WORKERS == 1:
            parts = [self._forward(seqs[i : i + batch_size]) for i in range(0, len(seqs), batch_size)]
            return np.concatenate(parts)
        # Many texts: one worker thread per core, each on its own slice (BLAS is single-threaded, see
        # `load`). numpy's elementwise passes (GELU, softmax, LayerNorm: ~40 % of the time) use one core
        # only; this way they use all. Measured on 2 cores, 256-token passages: 19.8/s versus 16.0/s with
        # 2-thread BLAS in one thread, and 6.8/s with both threads on 2-thread BLAS (oversubscribed).
        from concurrent.futures import ThreadPoolExecutor

        # As many slices as a multiple of the workers, so no worker idles in the last round.
        rounds = -(-len(seqs) // (batch_size * _WORKERS))
        size = -(-len(seqs) // (rounds * _WORKERS))
        slices = [seqs[i : i + size] for i in range(0, len(seqs), size)]
        with ThreadPoolExecutor(_WORKERS) as pool:
            return np.concatenate(list(pool.map(self._forward, slices)))
