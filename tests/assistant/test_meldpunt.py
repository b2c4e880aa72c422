"""The meldpunt card: facts from contacts.toml, open or closed at a given moment in Amsterdam."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from assistant import meldpunt as mp
from index.errors import SettingsError
from tests.conftest import DOSSIER

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def facts(settings):
    return mp.load_facts(mp.contacts_path(settings))


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_card_facts_still_stand_in_the_dossier(facts):
    """The source quote of contacts.toml must still be in the dossier text, phone and hours with it."""
    text = squash(DOSSIER.read_text(encoding="utf-8"))
    assert facts.source_file == DOSSIER.name
    assert squash(facts.source_quote) in text
    assert facts.phone in facts.source_quote
    assert f"{facts.opens.hour}:{facts.opens.minute:02d}" in facts.source_quote
    assert f"{facts.closes.hour}:{facts.closes.minute:02d}" in facts.source_quote
    assert "(anoniem)" in text and facts.anonymous


@pytest.mark.parametrize(
    "local,open_now",
    [
        ((8, 29), False),
        ((8, 30), True),
        ((12, 0), True),
        ((21, 59), True),
        ((22, 0), False),
        ((23, 30), False),
        ((3, 0), False),
    ],
)
def test_open_at_local_times(facts, local, open_now):
    when = datetime(2026, 1, 14, *local, tzinfo=AMS)
    card = mp.card(facts, when, AMS)
    assert card.open_now is open_now
    assert card.phone == "010 - 236 52 56"


@pytest.mark.parametrize(
    "utc,open_now",
    [
        # 29 March 2026: clocks go to CEST (UTC+2) at 02:00. 06:30 UTC is 8:30 local.
        (datetime(2026, 3, 29, 6, 29, tzinfo=UTC), False),
        (datetime(2026, 3, 29, 6, 30, tzinfo=UTC), True),
        (datetime(2026, 3, 29, 19, 59, tzinfo=UTC), True),
        (datetime(2026, 3, 29, 20, 0, tzinfo=UTC), False),
        # 25 October 2026: back to CET (UTC+1). 07:30 UTC is 8:30 local; 20:59 UTC is 21:59.
        (datetime(2026, 10, 25, 7, 29, tzinfo=UTC), False),
        (datetime(2026, 10, 25, 7, 30, tzinfo=UTC), True),
        (datetime(2026, 10, 25, 20, 59, tzinfo=UTC), True),
        (datetime(2026, 10, 25, 21, 0, tzinfo=UTC), False),
    ],
)
def test_open_across_daylight_saving(facts, utc, open_now):
    assert mp.card(facts, utc, AMS).open_now is open_now


def test_closed_card_says_when_it_opens_and_to_call_112(facts):
    evening = mp.card(facts, datetime(2026, 1, 14, 23, 0, tzinfo=AMS), AMS)
    assert "morgen om 8:30" in evening.status and "112" in evening.status
    early = mp.card(facts, datetime(2026, 1, 14, 6, 0, tzinfo=AMS), AMS)
    assert "vandaag om 8:30" in early.status and "112" in early.status
    english = mp.card(facts, datetime(2026, 1, 14, 23, 0, tzinfo=AMS), AMS, "en")
    assert "tomorrow at 8:30" in english.status and "112" in english.status


def test_render_holds_name_number_hours_and_marker(facts):
    card = mp.card(facts, datetime(2026, 1, 14, 12, 0, tzinfo=AMS), AMS)
    text = mp.render(card, facts, "nl", marker="[1]")
    assert facts.name in text and "010 - 236 52 56" in text and "8:30–22:00" in text
    assert "anoniem" in text and "[1]" in text and "nu bereikbaar" in text


def test_broken_contacts_file_names_file_and_field(tmp_path):
    path = tmp_path / "contacts.toml"
    path.write_text('[meldpunt]\nname = "X"\nopens = "08:30"\ncloses = "22:00"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="phone"):
        mp.load_facts(path)
    path.write_text('[meldpunt]\nname = "X"\nphone = "1"\nopens = "half negen"\ncloses = "22:00"\n')
    with pytest.raises(SettingsError, match="half negen"):
        mp.load_facts(path)


def test_contacts_file_setting_wins(settings, tmp_path):
    own = tmp_path / "own.toml"
    own.write_text('[meldpunt]\nname = "Eigen punt"\nphone = "0800-1"\nopens = "09:00"\ncloses = "17:00"\n')
    facts = mp.load_facts(mp.contacts_path(settings.model_copy(update={"contacts_file": own})))
    assert facts.name == "Eigen punt" and facts.hours == "dagelijks 9:00–17:00"
