"""The conversation as the browser keeps it, and as the officer downloads it.

The page keeps the conversation only in the browser's own storage (Gradio's BrowserState, in
localStorage): nothing of it is written on the server. This module turns the questions and their
Answers into that JSON and back, tolerating whatever an old or edited storage holds (an entry that
does not fit is dropped, never an error), and writes the plain-text transcript for the download.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
from datetime import datetime
from pathlib import Path

from assistant.types import Answer, Citation, Meldpunt, Referral
from page import present

VERSION = 1
MAX_TURNS = 40  # a few hours of questions; localStorage holds ~5 MB, a turn with sources ~5 kB


def to_storage(turns: list[tuple[str, Answer]]) -> dict:
    """JSON for the browser: the last MAX_TURNS questions with their full Answers."""
    return {
        "v": VERSION,
        "turns": [{"q": q, "a": dataclasses.asdict(a)} for q, a in turns[-MAX_TURNS:]],
    }


def from_storage(data) -> list[tuple[str, Answer]]:
    """The turns stored by `to_storage`; anything unreadable is left out."""
    if not isinstance(data, dict) or data.get("v") != VERSION or not isinstance(data.get("turns"), list):
        return []
    turns = []
    for item in data["turns"][-MAX_TURNS:]:
        try:
            turns.append((str(item["q"]), _answer(item["a"])))
        except (KeyError, TypeError, ValueError):
            continue
    return turns


def _answer(d: dict) -> Answer:
    fields = {f.name for f in dataclasses.fields(Answer)}
    kw = {k: v for k, v in d.items() if k in fields}
    kw["citations"] = [_make(Citation, c) for c in d.get("citations") or []]
    kw["meldpunt"] = _make(Meldpunt, d["meldpunt"]) if d.get("meldpunt") else None
    kw["referral"] = _make(Referral, d["referral"]) if d.get("referral") else None
    if not isinstance(kw.get("question"), str) or not isinstance(kw.get("answer"), str):
        raise ValueError("geen vraag of antwoord")
    return Answer(**kw)


def _make(cls, d: dict):
    if not isinstance(d, dict):
        raise TypeError(cls.__name__)
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in d.items() if k in names})


def transcript(turns: list[tuple[str, Answer]], when: datetime | None = None) -> str:
    """The conversation as plain text for the officer's notes: each question, answer and its sources."""
    when = when or datetime.now()
    lines = [
        "Vraagbaak mensenhandel — gesprek",
        f"Opgeslagen op {when:%d-%m-%Y %H:%M}. Antwoorden letterlijk uit het introductiedossier.",
        "",
    ]
    for i, (question, answer) in enumerate(turns, 1):
        lines += [f"Vraag {i}: {question}", "", present.plain_answer(answer), "", "-" * 40, ""]
    return "\n".join(lines).rstrip() + "\n"


def transcript_name(when: datetime | None = None) -> str:
    """File name of the download: 'vraagbaak-gesprek-2026-12-01-0930.txt'."""
    return f"vraagbaak-gesprek-{(when or datetime.now()):%Y-%m-%d-%H%M}.txt"


def browser_secret(settings) -> str | None:
    """Key of the browser's copy (BrowserState encrypts it), kept in the data folder so a restart of
    the page, or a second page process on this machine, can still read it; None (a key per process)
    when the data folder cannot be written."""
    path = Path(settings.data_dir) / "browser-key"
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(32))
        return path.read_text().strip() or None
    except OSError:
        return None
