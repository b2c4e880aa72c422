"""Publishing a generation: the ingest lock, new generation ids, durable writes, pruning old generations.

The write half of `index/generations.py` (a folder per generation, the CURRENT pointer) and of
`index/chroma.py` (a collection per generation on a shared Chroma server, the meta record).

The server lock: creating a collection is atomic on the server (a second create of the same name
fails), so of two ingests on different machines only one gets it. Its metadata names the owner and a
heartbeat in the *server's* clock (`client.heartbeat()`, so clocks of the machines need not agree),
refreshed every HEARTBEAT_SECONDS; a lock not refreshed for STALE_SECONDS belongs to a killed ingest
and is taken over. Right before switching, an ingest checks it still holds the lock, so one that lost
it (paused past the stale limit) gives up instead of switching. Best effort, not a consensus protocol:
a takeover between that check and the switch is possible in theory (an ingest paused for two minutes
in that one millisecond); the switch would then still point at a whole generation.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from index import chroma
from index.chroma import now
from index.errors import IndexUnavailable, IngestBusy
from index.generations import COLLECTION_PREFIX, fsync_dir, generations_dir
from index.sentences import COLLECTION_SUFFIX

LOCK_FILE = "ingest.lock"
LOCK = "dossier_ingest_lock"  # the lock's collection on a Chroma server
HEARTBEAT_SECONDS = 15.0
STALE_SECONDS = 120.0


# ---------------------------------------------------------------- the embedded store (data_dir)


def new_generation_id() -> str:
    """Sortable by time, unique across processes: 20250101T120000123456-1a2b3c."""
    return f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}-{secrets.token_hex(3)}"


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


# ---------------------------------------------------------------- a Chroma server


def prune_server(client, keep: set[str | None], url: str) -> list[str]:
    """Delete every generation collection not in `keep` (old ones and leftovers of a killed ingest)."""
    from chromadb.errors import NotFoundError

    removed = []
    with chroma.reaching(url):
        names = sorted(c.name for c in client.list_collections())
        for name in names:
            # dossier-<generation> (passages) and dossier-<generation>-sentences (index/sentences.py)
            generation = name[len(COLLECTION_PREFIX) :].removesuffix(COLLECTION_SUFFIX)
            if name.startswith(COLLECTION_PREFIX) and generation not in keep:
                with contextlib.suppress(NotFoundError):  # another process removed it first
                    client.delete_collection(name)
                removed.append(generation)
    return sorted(set(removed))


class ServerLock:
    """The ingest lock on the server (see the module docstring); use `server_lock`."""

    def __init__(self, client, url: str):
        self._client = client
        self._url = url
        self._token = secrets.token_hex(8)
        self.owner = f"{socket.gethostname()}, proces {os.getpid()}"
        self._started = now()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._collection = None

    def _info(self) -> dict:
        return {
            "owner": self.owner,
            "token": self._token,
            "started_at": self._started,
            "heartbeat": self._server_seconds(),
        }

    def _server_seconds(self) -> int:
        return self._client.heartbeat() // 1_000_000_000

    def _held(self) -> dict | None:
        """The metadata of the lock as it is on the server now, or None when nobody holds it."""
        from chromadb.errors import NotFoundError

        try:
            return dict(self._client.get_collection(LOCK, embedding_function=None).metadata or {})
        except NotFoundError:
            return None

    def acquire(self) -> None:
        """Take the lock, or take over an abandoned one; IngestBusy when a live ingest holds it."""
        from chromadb.errors import ChromaError, NotFoundError

        with chroma.reaching(self._url):
            for _attempt in range(3):
                try:
                    self._collection = self._client.create_collection(
                        LOCK, metadata=self._info(), embedding_function=None
                    )
                    break
                except ChromaError:
                    held = self._held()
                    if held is None:
                        continue  # released between our create and our look: try again
                    age = self._server_seconds() - int(held.get("heartbeat", 0))
                    if age < STALE_SECONDS:
                        raise IngestBusy(
                            f"Er loopt al een ingest op de Chroma-server {chroma.display_url(self._url)} "
                            f"({held.get('owner', 'onbekend')}, begonnen {held.get('started_at', '?')}, "
                            f"laatste teken van leven {age} s geleden). Wacht tot die klaar is en probeer "
                            f"het dan opnieuw; een slot dat {STALE_SECONDS:.0f} s niet is ververst, wordt "
                            "vanzelf overgenomen."
                        ) from None
                    with contextlib.suppress(NotFoundError):  # abandoned by a killed ingest
                        self._client.delete_collection(LOCK)
            else:
                raise IngestBusy(
                    f"Het ingest-slot op de Chroma-server {chroma.display_url(self._url)} wisselt steeds van "
                    "eigenaar; probeer het zo opnieuw."
                )
        self._thread = threading.Thread(target=self._beat, name="dossier-ingest-lock", daemon=True)
        self._thread.start()

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            # A missed beat is harmless: `check` before the switch catches a lock that was taken over.
            with contextlib.suppress(Exception):
                self._collection.modify(metadata=self._info())

    def check(self) -> None:
        """IngestBusy when the lock is no longer ours (another ingest took it over as abandoned)."""
        with chroma.reaching(self._url):
            held = self._held()
        if held is None or held.get("token") != self._token:
            raise IngestBusy(
                f"Het ingest-slot op de Chroma-server {chroma.display_url(self._url)} is overgenomen door "
                f"{(held or {}).get('owner', 'een ander proces')}: deze ingest gaf te lang geen teken "
                "van leven. De nieuwe index wordt niet in gebruik genomen; start de ingest opnieuw."
            )

    def release(self) -> None:
        """Stop the heartbeat and remove the lock if it is still ours."""
        from chromadb.errors import NotFoundError

        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        with contextlib.suppress(IndexUnavailable, NotFoundError), chroma.reaching(self._url):
            held = self._held()
            if held is not None and held.get("token") == self._token:
                self._client.delete_collection(LOCK)


@contextlib.contextmanager
def server_lock(client, url: str) -> Iterator[ServerLock]:
    """Hold the ingest lock on the server for the duration of the block."""
    lock = ServerLock(client, url)
    lock.acquire()
    try:
        yield lock
    finally:
        lock.release()
