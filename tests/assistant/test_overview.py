"""Overview answers: "which X are there?" lists the subsections of the section named X."""

from types import SimpleNamespace

from assistant import overview
from assistant.retrieve import Hit
from index.chunk import Chunk

DOC = "gids.txt"


def chunk(section, text, ordinal):
    return Chunk(source=DOC, section=tuple(section), text=text, ordinal=ordinal)


CHUNKS = [
    chunk(["Cursussen"], "Er zijn verschillende cursussen voor medewerkers.", 0),
    chunk(["Cursussen", "Gesprekstechniek"], "Een dag oefenen met lastige gesprekken.", 1),
    chunk(["Cursussen", "Gesprekstechniek"], "De cursus wordt twee keer per jaar gegeven.", 2),
    chunk(["Cursussen", "Signalen herkennen"], "Een ochtend over wat je kunt zien.", 3),
    chunk(["Cursussen", "Online module"], "Een module van een uur, in je eigen tijd.", 4),
    chunk(["Ketenpartners"], "Met deze organisaties werken we samen.", 5),
    chunk(["Ketenpartners", "Wijkteam"], "Het wijkteam kent de buurt.", 6),
    chunk(["Ketenpartners", "Politie"], "De politie neemt aangiftes op.", 7),
]


def ask(text, lang="nl"):
    return SimpleNamespace(text=text, lang=lang)


def hits_in(*sections):
    by_section = {c.section: c for c in reversed(CHUNKS)}
    return [Hit(chunk=by_section[tuple(s)], score=1.0 - i / 10) for i, s in enumerate(sections)]


COURSES = hits_in(
    ["Cursussen", "Online module"], ["Cursussen"], ["Ketenpartners"], ["Cursussen", "Gesprekstechniek"]
)


def test_which_plural_lists_the_subsections_in_the_documents_order():
    found = overview.find(ask("Welke cursussen zijn er voor nieuwe collega's?"), (), COURSES, CHUNKS)
    assert found is not None and found.title == "Cursussen"
    assert [s.text for s in found.headings] == ["Gesprekstechniek", "Signalen herkennen", "Online module"]
    # each heading is cited with the first passage of its subsection
    assert [h.chunk.text for h in found.hits][0] == "Een dag oefenen met lastige gesprekken."
    assert all(s.heading and s.hit == i for i, s in enumerate(found.headings))


def test_a_noun_ending_a_compound_of_the_title_counts():
    hits = hits_in(["Ketenpartners", "Politie"], ["Ketenpartners"], ["Ketenpartners", "Wijkteam"])
    found = overview.find(ask("welke samenwerkingspartners heeft de gemeente?"), (), hits, CHUNKS)
    assert found is None  # the noun is longer than the title's word: not the same thing
    found = overview.find(ask("Welke partners zijn er?"), (), hits, CHUNKS)  # "partners" ends "Ketenpartners"
    assert found is not None and [s.text for s in found.headings] == ["Wijkteam", "Politie"]


def test_singular_other_kinds_of_fact_and_retrieval_elsewhere_give_no_overview():
    assert overview.find(ask("Welke cursus gaat over gesprekken?"), (), COURSES, CHUNKS) is None
    assert overview.find(ask("Welke cursussen duren het langst?"), ("duration",), COURSES, CHUNKS) is None
    elsewhere = hits_in(
        ["Ketenpartners", "Politie"], ["Ketenpartners"], ["Cursussen"], ["Ketenpartners", "Wijkteam"]
    )
    assert overview.find(ask("Welke cursussen volgt de politie?"), (), elsewhere, CHUNKS) is None
    assert overview.find(ask("Hoe lang duren de cursussen?"), (), COURSES, CHUNKS) is None


def test_the_answer_lists_the_headings_as_written_with_a_lead_of_its_own():
    from assistant import answer as ans

    found = overview.find(ask("Welke cursussen zijn er?"), (), COURSES, CHUNKS)
    lead = overview.LEADS["nl"].format(title=found.title)
    citations, body = ans.compose(found.hits, found.headings, lang="nl", k=len(found.hits), lead=lead)
    assert body.splitlines() == [
        "Het dossier beschrijft onder ‘Cursussen’:",
        "- Gesprekstechniek [1]",
        "- Signalen herkennen [2]",
        "- Online module [3]",
    ]
    assert [c.section for c in citations] == [
        "Cursussen › Gesprekstechniek",
        "Cursussen › Signalen herkennen",
        "Cursussen › Online module",
    ]


# ---------------------------------------------------------------- "is er een ...?": the thing's name


def _quotes():
    from assistant.answer import Sentence

    said = Sentence("Er wordt geoefend met lastige gesprekken.", 0, 0, {"geoefend"})
    other = Sentence("Het wijkteam kent de buurt.", 1, 0, {"wijkteam"})
    heading = Sentence("Cursus: Hoe voer je een lastig gesprek?", 0, -1, {"cursus"}, heading=True)
    return said, other, heading


def test_a_question_whether_a_thing_exists_is_answered_with_the_heading_that_names_it():
    said, other, heading = _quotes()
    got = overview.named_heading(
        ask("ik ben nieuw, is er een cursus voor mij?"), [other, said], [said, other, heading]
    )
    assert got == [heading, said, other]  # the name first, with its passage's quote after it


def test_the_heading_is_left_out_when_it_names_something_else_or_nothing_exists_is_asked():
    said, other, heading = _quotes()
    chosen = [said, other]
    assert overview.named_heading(ask("is er een folder voor mij?"), chosen, [said, other, heading]) == chosen
    assert overview.named_heading(ask("wat leer je in de cursus?"), chosen, [said, other, heading]) == chosen
