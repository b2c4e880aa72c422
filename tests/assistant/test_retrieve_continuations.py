"""A passage cut from what spells it out: the passage that continues it follows it in the hits."""

from assistant.retrieve import Hit, _with_continuations
from index.chunk import Chunk


def _chunk(text, ordinal):
    return Chunk(source="gids.txt", section=("Aanpak", "Lokaal"), text=text, ordinal=ordinal)


LEAD = _chunk("Het programma is een afspraak tussen Rijk en gemeenten om samen op te trekken.", 0)
LIST = _chunk("Afgesproken is dat elke gemeente:\n\n- een plan heeft;\n\n- een contactpersoon heeft.", 1)
OTHER = _chunk("Elders in de regio wordt ook gesport.", 2)


def test_a_short_passage_is_followed_by_the_list_that_spells_it_out():
    hits = [Hit(LEAD, 1.0), Hit(OTHER, 0.8)]
    got = _with_continuations(hits, {LEAD.id: LIST}, k=5)
    assert [h.chunk for h in got] == [LEAD, LIST, OTHER]


def test_a_long_passage_or_a_following_passage_without_a_list_is_left_alone():
    long_lead = _chunk("Het programma is een afspraak. " * 20, 3)
    hits = [Hit(long_lead, 1.0), Hit(OTHER, 0.8)]
    assert [h.chunk for h in _with_continuations(hits, {long_lead.id: LIST}, k=5)] == [long_lead, OTHER]
    hits = [Hit(LEAD, 1.0)]
    assert [h.chunk for h in _with_continuations(hits, {LEAD.id: OTHER}, k=5)] == [LEAD]
