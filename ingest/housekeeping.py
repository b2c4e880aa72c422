"""Housekeeping of a Chroma server's folder (`chroma run --path DIR`): the segment folders it leaves behind.

chromadb 1.5 removes a deleted collection from its database but not the folder of its vector segment
(chroma-core/chroma#5520, open at the time of writing). With a Chroma server every ingest retires a
generation's collection, so without this the folder grows by one vector index per ingest (tens of
MB for 20,000 passages). A folder whose name is not a segment id in `chroma.sqlite3` belongs to no
collection any more; this module finds those and removes them.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from index.errors import SettingsError

DATABASE = "chroma.sqlite3"
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class Orphan:
    path: Path
    bytes: int


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def orphan_segments(chroma_path: Path) -> list[Orphan]:
    """Segment folders under `chroma_path` that no collection uses; SettingsError if not a Chroma folder."""
    database = chroma_path / DATABASE
    if not database.is_file():
        raise SettingsError(
            f"In {chroma_path} staat geen {DATABASE}: dat is niet de map van een Chroma-server. "
            "Geef de map op die bij 'chroma run --path' hoort."
        )
    try:
        # Read-only: the server may be running; it only ever adds a segment's row before its folder.
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10) as db:
            used = {row[0] for row in db.execute("SELECT id FROM segments")}
    except sqlite3.Error as err:
        raise SettingsError(f"Kan {database} niet lezen ({err}).") from err
    folders = sorted(p for p in chroma_path.iterdir() if p.is_dir() and _UUID.match(p.name))
    return [Orphan(p, _size(p)) for p in folders if p.name not in used]


def remove(orphans: list[Orphan]) -> int:
    """Remove the folders; returns the bytes freed."""
    freed = 0
    for orphan in orphans:
        shutil.rmtree(orphan.path)
        freed += orphan.bytes
    return freed
