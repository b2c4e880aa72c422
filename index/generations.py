"""Index generations on disk: one folder per finished ingest, a pointer to the current one, one lock.

    data_dir/
      ingest.lock               held (flock) by the one running ingest
      CURRENT                   the id of the generation readers open; replaced atomically
      generations/<id>/         chroma/, lexical/, chunks.jsonl, manifest.json (written last)

An ingest builds a new generation next to the current one and only then moves the pointer, so a
failure or a kill leaves the previous index whole. The pointer is a small class so that a shared
Chroma server (where collections, not folders, hold the vectors) can keep using the same switch.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from index.errors import IngestBusy

GENERATIONS = "generations"
LOCK_FILE = "ingest.lock"
COLLECTION_PREFIX = "dossier-"


def collection_name(generation: str) -> str:
    """One collection per generation, so a shared Chroma server can hold old and new side by side."""
    return f"{COLLECTION_PREFIX}{generation}"


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in `path` durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(root: Path) -> None:
    """fsync every file and folder under `root`, so a finished generation survives a power cut."""
    for folder, _dirs, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(folder))


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so a reader sees the old or the new content, never a part."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


class GenerationPointer:
    """Which generation is current: a one-line file, replaced atomically."""

    def __init__(self, data_dir: Path):
        self.path = data_dir / "CURRENT"

    def read(self) -> str | None:
        """The current generation id, or None when no ingest has finished yet."""
        try:
            # errors="replace": a damaged pointer names a generation that is not there (IndexCorrupt).
            value = self.path.read_text(encoding="utf-8", errors="replace").strip()
        except FileNotFoundError:
            return None
        return value or None

    def switch(self, generation: str) -> None:
        """Make `generation` current for every reader that opens the index from now on."""
        write_atomic(self.path, generation + "\n")

    def clean(self) -> None:
        """Remove temporary files of a switch that was killed halfway (call under the ingest lock)."""
        for tmp in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            tmp.unlink(missing_ok=True)


def generations_dir(data_dir: Path) -> Path:
    return data_dir / GENERATIONS


def generation_dir(data_dir: Path, generation: str) -> Path:
    return generations_dir(data_dir) / generation


def new_generation_id() -> str:
    """Sortable by time, unique across processes: 20250101T120000123456-1a2b3c."""
    return f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}-{secrets.token_hex(3)}"


def prune(data_dir: Path, keep: set[str | None]) -> list[str]:
    """Remove every generation folder not in `keep` (old ones and half-built leftovers); returns their ids."""
    root = generations_dir(data_dir)
    if not root.is_dir():
        return []
    removed = []
    for entry in sorted(root.iterdir()):
        if entry.name not in keep and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry.name)
    return removed


@contextlib.contextmanager
def ingest_lock(data_dir: Path) -> Iterator[None]:
    """Hold the ingest lock; raise IngestBusy at once when another ingest has it.

    flock is released by the kernel when the holder dies, so a killed ingest never leaves a stale lock.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "onbekend"
            raise IngestBusy(
                f"Er loopt al een ingest (proces {holder}, slot {data_dir / LOCK_FILE}). "
                "Wacht tot die klaar is en probeer het dan opnieuw."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
