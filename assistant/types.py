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
class Referral:
    """Who may know what the dossier does not say ([referral] in contacts.toml), in an out-of-scope answer."""

    name: str  # in the answer's language
    text: str  # the sentence of the answer that refers to them


@dataclass(frozen=True)
class Answer:
    """What `Assistant.ask` returns. A situational answer opens with the meldpunt card's lines; the card
    itself is `meldpunt` (data), the text after it `body`, so the page shows the card without parsing."""

    question: str
    answer: str  # markdown with [n] markers
    citations: list[Citation] = field(default_factory=list)
    situational: bool = False
    meldpunt: Meldpunt | None = None
    out_of_scope: bool = False
    lang: str = "nl"
    body: str | None = None  # the answer after the card's lines (None: no card lines, all of `answer`)
    card_marker: str = ""  # the [n] marker of the passage the card's facts stand in ("" when none)
    referral: Referral | None = None  # who may know more, when out of scope

    def to_dict(self) -> dict:
        """The JSON of `dossier ask --json` and the page's API: the fields it has always had."""
        d = asdict(self)
        for internal in ("lang", "body", "card_marker", "referral"):
            d.pop(internal)
        for c in d["citations"]:
            c.pop("highlight")
        return d
