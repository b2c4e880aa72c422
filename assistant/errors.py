"""The answering side's error; the base `DossierError` and the index's errors are in index/errors.py."""

from index.errors import DossierError


class QuestionError(DossierError):
    """A question that cannot be answered as typed (empty, too long); the message says how to fix it."""
