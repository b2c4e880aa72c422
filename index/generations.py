"""Index generations on disk: one folder per finished ingest and a pointer to the current one.

    data_dir/
      ingest.lock               held (flock) by the one running ingest
      CURRENT                   the id of the generation readers open; replaced atomically
      generations/<id>/         chroma/, lexical/, chunks.jsonl, manifest.json (written last)

An ingest builds a new generation next to the current one and only then moves the pointer, so a
failure or a kill leaves the previous index whole. The pointer is a small class so that a shared
Chroma server (where collections, not folders, hold the vectors) can keep using the same switch.
The lock, new ids and pruning are the write side: ingest/publish.py.
"""

from __future__ import annotations

import os
from pathlib import Path

GENERATIONS = "generations"
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
