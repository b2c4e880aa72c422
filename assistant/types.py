"""Plain data of the answering side: what `Assistant.ask` returns."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Citation:
    """A cited passage; `n` is its marker number in the answer text (`[n]`)."""

    n: int
    chunk_id: str
    source: str
    section: str  # section path, "A › B"
    text: str
    score: float
    highlight: str = ""  # the sentence of this passage the answer quotes, if any


@dataclass(frozen=True)
class Meldpunt:
    """The meld- en adviespunt card, with whether it is open at the moment of asking."""

    name: str
    phone: str
    hours: str
    open_now: bool
    anonymous: bool = True
    status: str = ""  # "nu bereikbaar" / "nu gesloten — opent om 8:30; bij acuut gevaar 112"
    source: str = ""  # where in the dossier the facts stand


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str  # markdown with [n] markers
    citations: list[Citation] = field(default_factory=list)
    situational: bool = False
    meldpunt: Meldpunt | None = None
    out_of_scope: bool = False
    lang: str = "nl"

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("lang")
        for c in d["citations"]:
            c.pop("highlight")
        return d
