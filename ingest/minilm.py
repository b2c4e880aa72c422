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
        weights = {k.removeprefix("bert."): v for k, v in weights.items()}
        try:
            return cls(cfg, weights, tok)
        except KeyError as err:
            raise UnsupportedModel(f"gewicht {err} ontbreekt") from err

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """ids, mask: (B, L) -> pooled, normalised (B, hidden)."""
        b, n = ids.shape
        h, d = self.cfg.heads, self.cfg.hidden // self.cfg.heads
        eps = self.cfg.eps
        x = self._word[ids] + self._pos[:n] + self._type0
        x = _layer_norm(x.reshape(b * n, -1), *self._emb_ln, eps)
        # Additive attention mask: padded keys get a large negative score (as transformers' finfo.min).
        bias = np.where(mask[:, None, None, :] > 0, 0.0, -1e30).astype(np.float32)
        scale = np.float32(1.0 / math.sqrt(d))
        for qkv_w, qkv_b, o_w, o_b, ln1_w, ln1_b, i_w, i_b, f_w, f_b, ln2_w, ln2_b in self._layers:
            qkv = x @ qkv_w
            qkv += qkv_b
            qkv = qkv.reshape(b, n, 3, h, d).transpose(2, 0, 3, 1, 4)  # (3, B, H, L, d)
            q, k, v = qkv[0] * scale, qkv[1], qkv[2]
            s = q @ k.transpose(0, 1, 3, 2)  # (B, H, L, L)
            s += bias
            s -= s.max(-1, keepdims=True)
            np.exp(s, out=s)
            s /= s.sum(-1, keepdims=True)
            ctx = (s @ v).transpose(0, 2, 1, 3).reshape(b * n, h * d)
            a = ctx @ o_w
            a += o_b
            a += x
            x = _layer_norm(a, ln1_w, ln1_b, eps)
            f = x @ i_w
            f += i_b
            f = _gelu(f) @ f_w
            f += f_b
            f += x
            x = _layer_norm(f, ln2_w, ln2_b, eps)
        x = x.reshape(b, n, -1)
        m = mask[:, :, None].astype(np.float32)
        pooled = (x * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Embed texts: float32, L2-normalised, shape (len(texts), hidden)."""
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        encs = self._tok.encode_batch(list(texts))
        # Sorted by length so each batch pads little (as sentence-transformers does).
        order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))
        out = np.empty((len(encs), self.dim), np.float32)
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            n = max(len(encs[i].ids) for i in idx)
            ids = np.zeros((len(idx), n), np.int64)
            mask = np.zeros((len(idx), n), np.int64)
            for row, i in enumerate(idx):
                e = encs[i].ids
                ids[row, : len(e)] = e
                mask[row, : len(e)] = 1
            out[idx] = self._forward(ids, mask)
        return out
