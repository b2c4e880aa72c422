"""Answering questions over the index: hybrid retrieval, extractive cited answers, the meldpunt card.

Knows nothing of the page or of how the index is built; imports only from `index`.
"""

from assistant.types import Answer, Citation, Meldpunt

__all__ = ["Answer", "Assistant", "Citation", "Meldpunt"]


def __getattr__(name):
    # Lazy: `import assistant` stays cheap for the command line's cold start.
    if name == "Assistant":
        from assistant.core import Assistant

        return Assistant
    raise AttributeError(name)
