"""The offline, no-telemetry environment: nothing is downloaded and nothing is reported, anywhere.

The libraries read these variables once, when they are first imported (huggingface_hub, transformers,
chromadb's telemetry, Gradio's analytics), so `go_offline()` runs before each of those imports: in
`ui.py` before Gradio, in `index.chroma` before chromadb, in `index.embed` before sentence-transformers,
in the baseline before LangChain. Tests and benchmarks give the same environment to their children.
"""

from __future__ import annotations

import os

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",  # huggingface_hub: the local cache only
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",  # chromadb
    "GRADIO_ANALYTICS_ENABLED": "False",
}


def go_offline() -> None:
    """Set the offline, no-telemetry environment in this process (and so in its children)."""
    os.environ.update(OFFLINE_ENV)
