"""The one exception base of the project; every message is Dutch and says what to do.

    DossierError
     ├── SettingsError        a setting has a value that cannot work
     ├── DocumentError        one document cannot be read (the others are still ingested)
     ├── IndexMissing         no index has been built yet
 │    └── IndexOutdated    the index was built with another embedding model than the one configured
     ├── IndexCorrupt         the index on disk cannot be opened
     ├── IndexUnavailable     the shared Chroma server (DOSSIER_CHROMA_URL) cannot be reached
     ├── IngestBusy           another ingest holds the lock
     ├── ModelError           the embedding model cannot be loaded or fails its checksum
     └── QuestionError        a question that cannot be answered as typed (assistant/errors.py)

The page turns these into `gr.Error`, the command line into one line and exit code 2.
"""


class DossierError(Exception):
    """Base of all errors a user can act on; `str(err)` is the Dutch message."""


class SettingsError(DossierError):
    pass


class DocumentError(DossierError):
    """A document could not be read; `path` names it and `reason` says why."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class IndexMissing(DossierError):
    pass


class IndexOutdated(IndexMissing):
    """The index's vectors come from another model: a new ingest (which rebuilds) makes it usable."""


class IndexCorrupt(DossierError):
    pass


class IndexUnavailable(DossierError):
    pass


class IngestBusy(DossierError):
    pass


class ModelError(DossierError):
    pass
