"""Embedders: the protocol, and a deterministic hash embedder for fast unit tests.

The real embedders (sentence-transformers for ingest, a light query path with the same weights)
are added by `load_embedder`.
"""

from __future__ import annotations

import hashlib
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """float32, L2-normalised, shape (len(texts), dim)."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """float32, L2-normalised, shape (dim,)."""
        ...


class HashEmbedder:
    """Deterministic fake: a bag of hashed word trigrams. Texts sharing words land near each other."""

    def __init__(self, dim: int = 64):
        self.dim = dim
        self.name = f"hash-{dim}"

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for word in text.lower().split():
            for i in range(max(1, len(word) - 2)):
                h = int.from_bytes(hashlib.blake2b(word[i : i + 3].encode(), digest_size=4).digest(), "little")
                v[h % self.dim] += 1.0 if h & 1 << 31 else -1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)
