"""The meld- en adviespunt card: facts from contacts.toml (data), and whether it is open right now.

The card is attached by code to every situational answer, so its facts never depend on retrieval.
Opening hours are wall-clock hours in the configured time zone (Europe/Amsterdam), DST included.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from assistant.types import Meldpunt
from index.errors import SettingsError

# The copy that ships with the code; used when the corpus folder has no contacts.toml of its own.
BUNDLED_CONTACTS = Path(__file__).resolve().parents[1] / "corpus" / "contacts.toml"


@dataclass(frozen=True)
class MeldpuntFacts:
    """What contacts.toml says about the meldpunt."""

    name: str
    phone: str
    opens: time
    closes: time
    hours: str
    anonymous: bool
    emergency: str
    source_file: str
    source_quote: str


def contacts_path(settings) -> Path:
    """contacts_file if set, else contacts.toml in the corpus folder, else the bundled copy."""
    if settings.contacts_file:
        return Path(settings.contacts_file)
    local = Path(settings.corpus_dir) / "contacts.toml"
    return local if local.is_file() else BUNDLED_CONTACTS


def _clock_time(value: str, key: str, path: Path) -> time:
    try:
        hh, mm = value.strip().split(":")
        return time(int(hh), int(mm))
    except (ValueError, AttributeError) as err:
        raise SettingsError(f"{path}: '{key}' = {value!r} is geen tijd; schrijf het als 08:30.") from err


def load_facts(path: Path) -> MeldpuntFacts:
    """Read the [meldpunt] table; a missing field is an error that names the file and the field."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise SettingsError(f"Kan de meldpuntgegevens niet lezen: {path} ({err.strerror}).") from err
    except tomllib.TOMLDecodeError as err:
        raise SettingsError(f"{path} is geen geldige TOML: {err}. Herstel het bestand.") from err
    m = data.get("meldpunt")
    if not isinstance(m, dict):
        raise SettingsError(f"{path} mist de tabel [meldpunt]; zie corpus/contacts.toml voor een voorbeeld.")
    missing = [k for k in ("name", "phone", "opens", "closes") if not m.get(k)]
    if missing:
        raise SettingsError(f"{path}: [meldpunt] mist {', '.join(missing)}; vul die aan.")
    opens = _clock_time(m["opens"], "opens", path)
    closes = _clock_time(m["closes"], "closes", path)
    hours = m.get("hours") or f"{m.get('days', 'dagelijks')} {_fmt(opens)}–{_fmt(closes)}"
    return MeldpuntFacts(
        name=m["name"],
        phone=m["phone"],
        opens=opens,
        closes=closes,
        hours=hours,
        anonymous=bool(m.get("anonymous", False)),
        emergency=str(m.get("emergency", "112")),
        source_file=m.get("source_file", ""),
        source_quote=m.get("source_quote", ""),
    )


@dataclass(frozen=True)
class ReferralFacts:
    """What contacts.toml says about whom to refer to when the dossier has no answer."""

    name: str  # "regionaal beleidsadviseur mensenhandel van de VAR"
    name_en: str


def load_referral(path: Path) -> ReferralFacts:
    """Read the [referral] table; a contacts file without one uses the bundled copy's."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise SettingsError(f"Kan de verwijzing niet lezen uit {path} ({err}). Herstel het bestand.") from err
    r = data.get("referral")
    if r is None and path.resolve() != BUNDLED_CONTACTS:
        return load_referral(BUNDLED_CONTACTS)
    if not isinstance(r, dict) or not r.get("name"):
        raise SettingsError(f"{path}: [referral] mist name; zie corpus/contacts.toml voor een voorbeeld.")
    return ReferralFacts(name=r["name"], name_en=r.get("name_en") or r["name"])


def _fmt(t: time) -> str:
    return f"{t.hour}:{t.minute:02d}"


def zone(settings) -> ZoneInfo:
    try:
        return ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise SettingsError(
            f"Onbekende tijdzone {settings.timezone!r}; "
            "gebruik bijvoorbeeld DOSSIER_TIMEZONE=Europe/Amsterdam."
        ) from err


def is_open(facts: MeldpuntFacts, local: datetime) -> bool:
    """Open from `opens` (inclusive) to `closes` (exclusive), every day, in local wall-clock time."""
    t = local.time().replace(tzinfo=None)
    return facts.opens <= t < facts.closes


def status_text(facts: MeldpuntFacts, local: datetime, lang: str = "nl") -> str:
    """One line: open now until when, or closed and when it opens again, with the emergency number."""
    if is_open(facts, local):
        if lang == "en":
            return f"open now (until {_fmt(facts.closes)})"
        return f"nu bereikbaar (tot {_fmt(facts.closes)} uur)"
    today = local.time().replace(tzinfo=None) < facts.opens
    if lang == "en":
        when = "today" if today else "tomorrow"
        return f"closed now — opens {when} at {_fmt(facts.opens)}; in acute danger call {facts.emergency}"
    when = "vandaag" if today else "morgen"
    return f"nu gesloten — opent {when} om {_fmt(facts.opens)} uur; bij acuut gevaar: bel {facts.emergency}"


def card(facts: MeldpuntFacts, now: datetime, tz: ZoneInfo, lang: str = "nl") -> Meldpunt:
    """The card at moment `now` (any aware datetime; naive is taken as local time)."""
    local = now.replace(tzinfo=tz) if now.tzinfo is None else now.astimezone(tz)
    return Meldpunt(
        name=facts.name,
        phone=facts.phone,
        hours=facts.hours,
        open_now=is_open(facts, local),
        anonymous=facts.anonymous,
        status=status_text(facts, local, lang),
        source=f"{facts.source_file}: “{facts.source_quote}”" if facts.source_quote else facts.source_file,
    )


def purpose(facts: MeldpuntFacts) -> str:
    """What the card is for, in the dossier's language, without its number and hours."""
    anonymous = ", anoniem kan" if facts.anonymous else ""
    return f"Bel voor advies of een melding het {facts.name}{anonymous}"


def render(m: Meldpunt, facts: MeldpuntFacts, lang: str = "nl", marker: str = "") -> str:
    """The card as the opening lines of an answer (plain text, fixed phrasing around the data)."""
    anon_nl = ", anoniem kan" if m.anonymous else ""
    anon_en = ", anonymous possible" if m.anonymous else ""
    mark = f" {marker}" if marker else ""
    if lang == "en":
        return (
            f"Report or ask advice: {m.name}, phone {m.phone} ({m.hours}{anon_en}){mark}.\n"
            f"Status: {m.status}."
        )
    return (
        f"Bel voor advies of een melding het {m.name}: {m.phone} ({m.hours}{anon_nl}){mark}.\n"
        f"Status: {m.status}."
    )
