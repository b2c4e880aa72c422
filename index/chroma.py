"""The index on a shared Chroma server (DOSSIER_CHROMA_URL): the client, the pointer, the passages.

    Chroma server (`chroma run --path DIR --host 127.0.0.1 --port 8000`)
      dossier_meta            one record "current": the generation id (metadata) and its manifest
                              (document). An ingest upserts it as its very last write: the switch.
      dossier-<generation>    one collection per generation: vector, index text, and the passage's
                              place (source, section, ordinal, page, position in the generation)
      dossier_ingest_lock     exists while an ingest runs

In this mode a page process needs nothing from its own data folder, so processes on several hosts
share one index: each reads the manifest and every passage from the server and builds the BM25
arrays in memory with `LexicalIndex.from_texts`, the same code that writes the local lexical index.

The ingest lock (dossier_ingest_lock) and pruning are the write side: ingest/publish.py.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from index.chunk import SECTION_SEP, Chunk
from index.errors import IndexCorrupt, IndexUnavailable, SettingsError
from index.offline import go_offline

META = "dossier_meta"
CURRENT = "current"
PAGE = 2000  # records per request when reading a generation; well under chromadb's max batch (5461)


# ---------------------------------------------------------------- the address


def client_args(url: str) -> dict:
    """chromadb.HttpClient arguments for `http(s)://[user:password@]host:port`; SettingsError when malformed.

    A user and password become a Basic Authorization header, for a server behind a proxy with auth.
    """
    bad = SettingsError(
        f"DOSSIER_CHROMA_URL={display_url(url)!r} is geen bruikbaar adres van een Chroma-server. "
        "Gebruik http://host:poort, bijvoorbeeld http://127.0.0.1:8000."
    )
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        raise bad from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        raise bad
    if parts.query or parts.fragment:
        raise bad
    ssl = parts.scheme == "https"
    args: dict = {"host": parts.hostname, "port": port or (443 if ssl else 8000), "ssl": ssl}
    if parts.username is not None:
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        args["headers"] = {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}
    return args


def client(settings, path: Path | None = None):
    """The one place a Chroma client is made: the server of DOSSIER_CHROMA_URL, else the store in `path`."""
    go_offline()  # chromadb reads its telemetry switch once, when imported; Settings below: the client
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        args = client_args(settings.chroma_url)
        use_timeouts(settings.chroma_connect_timeout, settings.chroma_read_timeout)
        try:
            with reaching(settings.chroma_url):  # fails at once while the server is known hung
                return chromadb.HttpClient(**args, settings=chroma_settings)
        except ValueError as err:  # chromadb's "Could not connect to a Chroma server"
            raise unavailable(settings.chroma_url, err) from err
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def display_url(url: str) -> str:
    """The address without a password, for messages."""
    parts = urlsplit(url.strip())
    if parts.password is None:
        return url.strip()
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")).geturl()


# ---------------------------------------------------------------- timeouts

# chromadb's HTTP client is `httpx.Client(timeout=None)` and HttpClient() takes no timeout (chromadb
# 1.5; a custom API class is refused by its client cache): a hung server blocked every caller for
# ever. Its module's `httpx` is replaced by this shim, whose Client() carries our timeouts; everything
# else is httpx itself. Set before each client is made, so the requests of its construction are bounded too.


class _HttpxWithTimeouts:
    def __init__(self, httpx_module, timeout):
        self._httpx = httpx_module
        self.timeout = timeout

    def __getattr__(self, name):
        return getattr(self._httpx, name)

    def Client(self, *args, **kwargs):  # noqa: N802 - the name chromadb calls
        kwargs["timeout"] = self.timeout
        return self._httpx.Client(*args, **kwargs)


def use_timeouts(connect: float, read: float) -> None:
    """Bound every request of Chroma clients made from now on: `connect` s to connect, `read` s per answer."""
    import httpx
    from chromadb.api import fastapi

    timeout = httpx.Timeout(read, connect=connect)
    if isinstance(fastapi.httpx, _HttpxWithTimeouts):
        fastapi.httpx.timeout = timeout
    else:
        fastapi.httpx = _HttpxWithTimeouts(httpx, timeout)


def _read_timeout() -> float | None:
    from chromadb.api import fastapi

    shim = fastapi.httpx
    return shim.timeout.read if isinstance(shim, _HttpxWithTimeouts) else None


# After a timeout the server is taken as hung for a short while: callers get the message at once instead
# of each waiting out the timeout again (four waiting questions would hold every slot of the page).
HUNG_SECONDS = 15.0
_hung: dict[str, tuple[float, IndexUnavailable]] = {}


def unavailable(url: str, err: BaseException) -> IndexUnavailable:
    """The Dutch message for a server that does not answer, with the likely fix."""
    import httpx

    # chromadb wraps every failed first contact in one ValueError; the real reason is its context.
    cause = err.__context__ if isinstance(err, ValueError) and err.__context__ is not None else err
    reason = " ".join(re.sub(r"<[^>]*>", " ", str(cause)).split())[:200]  # a proxy's 401 is an HTML page
    if isinstance(cause, httpx.TimeoutException):
        seconds = _read_timeout()
        error = IndexUnavailable(
            f"De Chroma-server op {display_url(url)} antwoordt niet "
            f"({type(cause).__name__}{f' na {seconds:g} s' if seconds else ''}): hij hangt of is overbelast. "
            "Kijk of het proces draait en niet stilstaat (systemctl status dossier-index) en herstart het "
            "zo nodig; de wachttijden zijn DOSSIER_CHROMA_CONNECT_TIMEOUT en DOSSIER_CHROMA_READ_TIMEOUT."
        )
        _hung[url] = (time.monotonic() + HUNG_SECONDS, error)
        return error
    if "401" in reason or "Authorization Required" in reason:
        fix = "De server weigert de toegang: controleer gebruiker en wachtwoord in DOSSIER_CHROMA_URL."
    elif "CERTIFICATE_VERIFY_FAILED" in reason:
        fix = (
            "Het TLS-certificaat van de server wordt niet vertrouwd: wijs het CA-certificaat aan met "
            "SSL_CERT_FILE=/pad/naar/ca.pem."
        )
    else:
        fix = (
            "Start die (chroma run --path MAP --host 127.0.0.1 --port POORT) of zet DOSSIER_CHROMA_URL goed."
        )
    return IndexUnavailable(
        f"De Chroma-server op {display_url(url)} is niet bereikbaar ({type(cause).__name__}: {reason}). {fix}"
    )


@contextlib.contextmanager
def reaching(url: str) -> Iterator[None]:
    """Turn 'the server is not there' (connection refused, reset, timeout) into IndexUnavailable."""
    import httpx  # chromadb's own HTTP library; imported here so the local read path never loads it

    hung = _hung.get(url)
    if hung is not None:
        if hung[0] > time.monotonic():
            raise hung[1]
        _hung.pop(url, None)
    try:
        yield
    except httpx.TransportError as err:
        raise unavailable(url, err) from err


def corrupt(url: str, what: str, err: BaseException | None = None) -> IndexCorrupt:
    """IndexCorrupt naming the server and how to rebuild; `.detail` for an ingest's `rebuilt_because`."""
    what += f" ({type(err).__name__}: {err})" if err else ""
    error = IndexCorrupt(
        f"De index op de Chroma-server {display_url(url)} is beschadigd: {what}. Bouw de index opnieuw "
        f"met: DOSSIER_CHROMA_URL={display_url(url)} dossier ingest --rebuild"
    )
    error.detail = what
    return error


# ---------------------------------------------------------------- passages as records


def record_metadata(chunk: Chunk, position: int) -> dict:
    """A passage's metadata in Chroma; with its index text as document, `chunk_from_record` reads it back."""
    meta = {
        "source": chunk.source,
        "section": chunk.section_path,
        "section_parts": json.dumps(list(chunk.section), ensure_ascii=False),  # exact, whatever the titles
        "ordinal": chunk.ordinal,
        "position": position,  # document i of the lexical index is the passage at position i
    }
    if chunk.page is not None:
        meta["page"] = chunk.page  # Chroma rejects None values
    return meta


def chunk_from_record(record_id: str, document: str, meta: dict) -> Chunk:
    """The passage of one record; ValueError/KeyError when the record does not hold one whole."""
    section = tuple(json.loads(meta["section_parts"]))
    prefix = SECTION_SEP.join(section) + "\n"
    if not document.startswith(prefix):
        raise ValueError(f"record {record_id}: de tekst begint niet met het pad van het onderdeel")
    chunk = Chunk(
        source=meta["source"],
        section=section,
        text=document[len(prefix) :],
        ordinal=int(meta["ordinal"]),
        page=meta.get("page"),
    )
    if chunk.id != record_id:  # the id is a content hash: this catches any change to the record
        raise ValueError(f"record {record_id}: de inhoud past niet bij de id")
    return chunk


def read_generation(client, manifest: dict, url: str):
    """(collection, passages in index order) of a generation; IndexCorrupt when they do not add up."""
    from chromadb.errors import ChromaError

    what = f"de passages van generatie {manifest.get('generation')} zijn onleesbaar"
    try:
        with reaching(url):
            collection = client.get_collection(manifest["collection"], embedding_function=None)
            count = collection.count()
            if count != (expected := manifest.get("chunks")):
                raise corrupt(url, f"de vectoropslag heeft {count} passages, het manifest {expected}")
            chunks: list[Chunk | None] = [None] * count
            for offset in range(0, count, PAGE):
                got = collection.get(include=["documents", "metadatas"], limit=PAGE, offset=offset)
                for rid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                    chunks[int(meta["position"])] = chunk_from_record(rid, doc, meta)
    except (ChromaError, KeyError, ValueError, TypeError, IndexError) as err:
        raise corrupt(url, what, err) from err
    if any(c is None for c in chunks):
        raise corrupt(url, "niet elke plaats in de index heeft een passage")
    return collection, chunks


# ---------------------------------------------------------------- which generation is current


class ServerPointer:
    """Which generation is current on the server: one record in the meta collection, replaced in one write."""

    def __init__(self, client, url: str):
        self._client = client
        self._url = url
        self._meta = None

    def _get(self, include: list[str]) -> dict | None:
        from chromadb.errors import NotFoundError

        with reaching(self._url):
            for _attempt in range(2):
                try:
                    if self._meta is None:
                        self._meta = self._client.get_collection(META, embedding_function=None)
                    got = self._meta.get(ids=[CURRENT], include=include)
                except NotFoundError:
                    if self._meta is None:
                        return None  # no ingest has finished on this server yet
                    self._meta = None  # removed and made again (a wiped server): look it up once more
                    continue
                return got if got["ids"] else None
        return None

    def read(self) -> str | None:
        """The current generation id, or None when no ingest has finished; one small request."""
        got = self._get(["metadatas"])
        return got["metadatas"][0].get("generation") if got else None

    def read_manifest(self) -> dict | None:
        """The manifest of the current generation (None: no ingest yet); ValueError when it is damaged."""
        got = self._get(["documents"])
        if got is None:
            return None
        manifest = json.loads(got["documents"][0])
        if not isinstance(manifest, dict) or "generation" not in manifest or "collection" not in manifest:
            raise ValueError("het manifest heeft niet de verwachte inhoud")
        return manifest

    def switch(self, generation: str, manifest: dict) -> None:
        """Make `generation` current for every reader: one upsert of one record."""
        with reaching(self._url):
            meta = self._client.get_or_create_collection(META, embedding_function=None)
            meta.upsert(
                ids=[CURRENT],
                embeddings=[[0.0]],  # Chroma wants a vector per record; this collection is never searched
                documents=[json.dumps(manifest, ensure_ascii=False)],
                metadatas=[{"generation": generation, "switched_at": now()}],
            )


def now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")
