"""Fakes for fast unit tests (integration tests use the real model and real Chroma)."""

from __future__ import annotations

import hashlib

import numpy as np


class HashEmbedder:
    """Deterministic fake for unit tests: a bag of hashed word trigrams; texts sharing words are near."""

    weights_sha256 = None

    def __init__(self, dim: int = 64):
        self.dim = dim
        self.name = f"hash-{dim}"

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for word in text.lower().split():
            for i in range(max(1, len(word) - 2)):
                # surrogatepass: a lone surrogate ("\ud800") from a broken client must not crash the fake
                gram = word[i : i + 3].encode("utf-8", "surrogatepass")
                digest = hashlib.blake2b(gram, digest_size=4).digest()
                h = int.from_bytes(digest, "little")
                v[h % self.dim] += 1.0 if h & 1 << 31 else -1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)
