"""The reliability tally: every bad question, bad document and kill the tests tried, counted.

The reliability tests add to `TALLY` (tests/reliability/conftest.py re-exports it). tests/conftest.py
prints it at the end of the run and writes it to $DOSSIER_RELIABILITY_TALLY when set; under
pytest-xdist each worker hands its counts to the controller, which adds them up.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

TALLY: Counter[str] = Counter()


def report(terminalreporter) -> None:
    if not TALLY:
        return
    terminalreporter.write_sep("-", "reliability tally")
    for key, value in sorted(TALLY.items()):
        terminalreporter.write_line(f"{key}: {value}")
    target = os.environ.get("DOSSIER_RELIABILITY_TALLY")
    if target:
        Path(target).write_text(json.dumps(dict(TALLY), indent=1), encoding="utf-8")
