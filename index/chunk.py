"""Plain data of the ingest side: a chunk with an id derived from its content."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field

SECTION_SEP = " › "


def chunk_id(source: str, section: tuple[str, ...], text: str) -> str:
    """Content hash: the same text in the same place gets the same id on every run."""
    h = hashlib.sha256()
    for part in (source, SECTION_SEP.join(section), text):
        h.update(part.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()[:32]


@dataclass(frozen=True)
class Chunk:
    """One passage: the clean text that is quoted, and where it stands in its document."""

    source: str  # file name, relative to the corpus folder
    section: tuple[str, ...]  # section path, outermost first; never empty
    text: str  # the clean passage, quoted as is
    ordinal: int = 0  # position within its document
    page: int | None = None  # PDF page, where the format has pages
    id: str = field(default="")

    def __post_init__(self):
        if not self.id:
            object.__setattr__(self, "id", chunk_id(self.source, self.section, self.text))

    @property
    def section_path(self) -> str:
        return SECTION_SEP.join(self.section)

    @property
    def index_text(self) -> str:
        """What is embedded and lexically indexed: the section path, then the passage."""
        return f"{self.section_path}\n{self.text}"

    def to_dict(self) -> dict:
        d = asdict(self)
        d["section"] = list(self.section)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Chunk:
        return cls(
            source=d["source"],
            section=tuple(d["section"]),
            text=d["text"],
            ordinal=d.get("ordinal", 0),
            page=d.get("page"),
            id=d.get("id", ""),
        )
