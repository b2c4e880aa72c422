"""Local feedback store: one JSON object per line in data_dir/feedback.jsonl, nothing sent anywhere.

By default a line holds the rating and what the answer cited (chunk ids, sections), not the question.
Storing the question is opt-in (settings.feedback_store_question); it is then redacted first, and a
free-text comment is always redacted, since officers may paste a phone number or a BSN into it.
Redaction comes before the cut to `max_comment_chars` (a cut first could leave half a phone number that
redaction no longer recognises). The file is bounded: past `max_bytes` it is renamed to
feedback.1.jsonl (replacing an older one), so the two together never hold much more than twice that.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from assistant.types import Answer
from page.present import redact

MAX_COMMENT_CHARS = 2000
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class FeedbackEntry:
    """One line of feedback.jsonl."""

    id: str
    at: str  # UTC, ISO 8601
    rating: str  # "up", "down" or "withdrawn"
    citations: list[dict] = field(default_factory=list)  # {n, chunk_id, section, source}
    situational: bool = False
    out_of_scope: bool = False
    comment: str | None = None
    question: str | None = None  # only with feedback_store_question, redacted
    refers_to: str | None = None  # a comment added later refers to the rating's id


class FeedbackStore:
    """Appends feedback entries to a JSON-lines file; safe for the page's worker threads."""

    def __init__(
        self,
        path: Path,
        *,
        store_question: bool = False,
        max_comment_chars: int = MAX_COMMENT_CHARS,
        max_bytes: int = MAX_BYTES,
    ):
        self.path = Path(path)
        self.store_question = store_question
        self.max_comment_chars = max_comment_chars
        self.max_bytes = max_bytes
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings) -> FeedbackStore:
        path = Path(settings.data_dir) / "feedback.jsonl"
        return cls(
            path,
            store_question=settings.feedback_store_question,
            max_comment_chars=getattr(settings, "feedback_comment_max_chars", MAX_COMMENT_CHARS),
            max_bytes=int(getattr(settings, "feedback_max_mb", MAX_BYTES / 1024 / 1024) * 1024 * 1024),
        )

    @property
    def rotated(self) -> Path:
        return self.path.with_name(self.path.stem + ".1" + self.path.suffix)

    def _comment(self, text: str | None) -> str | None:
        """Redacted first, then cut: the cut never leaves a half number that redaction would miss."""
        redacted = redact(text or "").strip()
        cut = redacted[: self.max_comment_chars]
        start = cut.rfind("[")
        if len(redacted) > len(cut) and start >= 0 and "]" not in cut[start:]:
            cut = cut[:start]  # no half placeholder ("[tele") either
        return cut.strip() or None

    def rate(self, answer: Answer, rating: str, comment: str | None = None) -> FeedbackEntry:
        """Store a thumbs up/down (or its withdrawal) for an answer; returns the stored entry."""
        if rating not in ("up", "down", "withdrawn"):
            raise ValueError(f"rating must be up, down or withdrawn, got {rating!r}")
        entry = FeedbackEntry(
            id=uuid.uuid4().hex,
            at=_now(),
            rating=rating,
            citations=[
                {"n": c.n, "chunk_id": c.chunk_id, "section": c.section, "source": c.source}
                for c in answer.citations
            ],
            situational=answer.situational,
            out_of_scope=answer.out_of_scope,
            comment=self._comment(comment),
            question=redact(answer.question) if self.store_question else None,
        )
        self._append(entry)
        return entry

    def comment(self, rated: FeedbackEntry, text: str) -> FeedbackEntry:
        """Add a comment to an earlier rating (a new line that refers to it)."""
        entry = FeedbackEntry(
            id=uuid.uuid4().hex,
            at=_now(),
            rating=rated.rating,
            citations=rated.citations,
            situational=rated.situational,
            out_of_scope=rated.out_of_scope,
            comment=self._comment(text),
            question=rated.question,
            refers_to=rated.id,
        )
        self._append(entry)
        return entry

    def entries(self) -> list[FeedbackEntry]:
        """All stored entries, oldest first (for reading back and for tests)."""
        entries = []
        for path in (self.rotated, self.path):
            if path.is_file():
                with path.open(encoding="utf-8") as f:
                    entries += [FeedbackEntry(**json.loads(line)) for line in f if line.strip()]
        return entries

    def _append(self, entry: FeedbackEntry) -> None:
        line = json.dumps({k: v for k, v in asdict(entry).items() if v is not None}, ensure_ascii=False)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                full = self.path.stat().st_size + len(line) >= self.max_bytes
            except FileNotFoundError:
                full = False
            if full:
                os.replace(self.path, self.rotated)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(line + "\n")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
