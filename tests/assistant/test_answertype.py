"""Answer types asked for, and entities found in sentences."""

import pytest

from assistant import answertype as at
from assistant.counting import counted_noun
from index.lexical import tokenize

LOWER = {
    "officier",
    "van",
    "justitie",
    "de",
    "het",
    "regionale",
    "tafel",
    "mensenhandel",
    "stichting",
    "elke",
}


def has(kind, sentence, *, query="", noun=None):
    return at.has_entity(
        kind,
        sentence,
        lower_words=LOWER,
        query=query,
        noun_stems=set(tokenize(noun)) if noun else set(),
        stem=tokenize,
    )


@pytest.mark.parametrize(
    "question,expected",
    [
        ("Hoeveel slachtoffers zijn er geregistreerd?", (at.NUMBER,)),
        ("How many victims were registered?", (at.NUMBER,)),
        ("Hoeveel kost de training?", (at.PRICE,)),
        ("Kost de hulpverlening geld?", (at.PRICE,)),
        ("Is de koffer gratis te lenen?", (at.PRICE,)),
        ("Moet een school betalen voor de voorlichting?", (at.PRICE,)),
        ("Hoeft de deelnemer zelf iets te betalen?", (at.PRICE,)),
        ("Do schools have to pay for the workshop?", (at.PRICE,)),
        ("Wie betaalt de voorlichting op scholen?", (at.WHO,)),
        ("Hoe vaak komt het netwerk bijeen?", (at.FREQUENCY,)),
        ("hoevaak komt het netwerk bijeen", (at.FREQUENCY,)),
        ("Hoe lang duurt een voorlichting?", (at.DURATION,)),
        ("Sinds wanneer bestaat het meldpunt?", (at.WHEN,)),  # "sinds 2005" or "sinds een jaar of tien"
        ("In welk jaar is het meldpunt opgericht?", (at.YEAR,)),
        ("nummer van de zorgcoordinator?", (at.PHONE,)),
        ("en hun site?", (at.URL,)),
        ("webadres?", (at.URL,)),
        ("Welke websites zijn er over uitbuiting?", ()),  # a list, not an address
        ("CoMensha website?", (at.URL,)),
        ("heeft Fairwork ook een website?", (at.URL,)),
        ("webadres van Fier?", (at.URL,)),  # a fragment that opens with the noun
        ("website van de politie?", (at.URL,)),
        ("wat staat er op de website van Fier?", ()),  # what it says, not where it is
        # "waar ... voor / aan?" asks "waarvoor / waaraan", not for a place
        ("Waar staan de letters NLA voor?", ()),
        ("Waar moet ik bij een eerste gesprek aan denken?", ()),
        ("Waar kan een slachtoffer terecht voor hulp?", (at.WHERE,)),
        ("Waar haal ik posters voor arbeidsmigranten?", (at.WHERE,)),
        ("welk nummer heeft de wijkpost", (at.PHONE,)),
        ("Wanneer is het meldpunt bereikbaar?", (at.WHEN,)),
        # hours of reaching someone, without "wanneer"
        ("What times is the helpdesk staffed?", (at.WHEN,)),
        ("Neemt de wijkpost op zaterdag de telefoon op?", (at.WHEN,)),
        ("Kan ik de wijkpost 's avonds nog bellen?", (at.WHEN,)),
        ("Is the shelter open in the evening?", (at.WHEN,)),
        ("Wanneer is de volgende bijeenkomst van het netwerk?", (at.DATE,)),
        ("When is the next training?", (at.DATE,)),
        ("Wat is het e-mailadres van het ESSM?", (at.EMAIL,)),
        ("What is the email address of the hotline?", (at.EMAIL,)),
        ("Wat is het bezoekadres van de VAR?", (at.ADDRESS,)),
        ("Welk telefoonnummer heeft de AVIM?", (at.PHONE,)),
        ("Noemt de folder de telefoonnummers van de hulplijnen?", (at.PHONE,)),
        ("which phone numbers does the leaflet give?", (at.PHONE,)),
        ("Wat is de naam van de officier van justitie?", (at.PERSON,)),
        ("Wie is de beleidsregisseur?", (at.PERSON,)),
        ("Wat zijn de leges voor een paspoort?", (at.PRICE,)),
        ("Wat zijn de kosten van de cursus?", (at.PRICE,)),
        ("Waar vind ik de Nationaal Rapporteur online?", (at.URL,)),
        ("Wat is de groepsgrootte voor de workshop?", (at.NUMBER,)),
        ("What is the maximum class size?", (at.NUMBER,)),
        ("Where is Fier on the web?", (at.URL,)),
        ("What are the fees for the course?", (at.PRICE,)),
        ("Hoe heten de specialisten van de AVIM?", (at.PERSON,)),
        ("Wat zijn de namen van de twee wijkagenten?", (at.PERSON,)),
        ("What are the names of the trainers?", (at.PERSON,)),
        ("Wie is voorzitter van het netwerkoverleg?", (at.WHO,)),
        ("Who provides the training?", (at.WHO,)),
        ("Welke dienst controleert de werkplekken?", (at.WHO,)),  # a body that acts: who
        ("Which agency handles labour exploitation cases?", (at.WHO,)),
        ("Welke training past bij mijn rol?", ()),
        ("What happens to smuggled migrants at sea?", ()),
        ("Hoe definieert het dossier mensenhandel?", ()),
    ],
)
def test_answer_types(question, expected):
    assert at.answer_types(question) == expected


def test_counted_noun_is_the_phrase_up_to_a_function_word_or_verb():
    assert counted_noun("Hoeveel folders mogen we bestellen?") == "folders"
    assert counted_noun("How many victims were there?") == "victims"
    assert counted_noun("Wat is mensenhandel?") is None
    assert counted_noun("How many cleaning companies were fined?") == "cleaning companies"
    # a unit counts pieces; what they are stands in the topic ("folders, hoeveel stuks?")
    assert counted_noun("die folders, hoeveel stuks mag ik bestellen?") is None
    assert counted_noun("how many copies of the leaflet can we get?") == "copies"
    assert counted_noun("the number of youth workers in the region") == "youth workers"
    assert counted_noun("hoeveel grote kantoren heeft de politie?") == "grote kantoren"


def test_a_count_per_year_of_what_the_sentence_names_is_its_frequency():
    per_year = "Hoeveel bijeenkomsten per jaar heeft de werkgroep?"
    meets = "De werkgroep komt drie keer per jaar bijeen."
    assert has(at.NUMBER, meets, query=per_year, noun="bijeenkomsten")
    assert not has(at.NUMBER, meets, query="Hoeveel bijeenkomsten waren er?", noun="bijeenkomsten")
    # a frequency of something else does not count reports per month
    assert not has(
        at.NUMBER, "Het loket is dagelijks open.", query="hoeveel meldingen per maand?", noun="meldingen"
    )


def test_number_must_count_the_thing_asked_about():
    assert has(at.NUMBER, "Er zijn 10 VR-brillen beschikbaar.", noun="VR-brillen")
    assert has(at.NUMBER, "De 23 gemeenten in de regio.", noun="gemeenten")
    assert has(at.NUMBER, "Er werken twee zorgcoördinatoren mensenhandel.", noun="zorgcoördinatoren")
    assert has(at.NUMBER, "minimaal 30 deelnemers en maximaal 60 deelnemers", noun="deelnemers")
    # a number of something else, a year, or a number before a verb does not answer "hoeveel slachtoffers"
    assert not has(at.NUMBER, "Slachtoffers worden maximaal 3 maanden opgevangen.", noun="slachtoffers")
    assert not has(at.NUMBER, "In 2024 zijn slachtoffers geholpen.", noun="slachtoffers")
    assert not has(
        at.NUMBER, "Sinds een jaar of tien zijn de slachtoffers een prioriteit.", noun="slachtoffers"
    )


def test_a_percent_sign_counts_as_procent():
    assert has(at.NUMBER, "Als 75% van de teamleden het certificaat heeft, stopt de cursus.", noun="procent")
    assert has(at.NUMBER, "Ongeveer 40 procent van de meldingen komt anoniem binnen.", noun="procent")
    assert not has(at.NUMBER, "Als 75 van de teamleden het certificaat heeft, stopt de cursus.", noun="uur")


def test_which_three_asks_for_the_members_introduced_with_their_number():
    from assistant.counting import names_members

    assert at.answer_types("Welke drie pijlers heeft het beleid?") == (at.MEMBERS,)
    assert at.answer_types("what are the 4 phases of the plan") == (at.MEMBERS,)
    assert counted_noun("Welke drie pijlers heeft het beleid?") == "pijlers"
    pillars = "Het beleid rust op drie pijlers: preventie, zorg en handhaving."
    assert names_members("Welke drie pijlers heeft het beleid?", pillars)
    assert names_members("Which 3 pillars does the policy have?", pillars)
    assert not names_members("Welke vier pijlers heeft het beleid?", pillars)
    assert not names_members("Welke 12 wijken doen mee?", "De 12 wijken van de stad doen mee.")
    assert not names_members("Welke pijlers heeft het beleid?", pillars)


def test_counting_people_counts_participants_not_personnel():
    from assistant.counting import counted_stems

    stems = counted_stems("Met hoeveel mensen kun je de workshop boeken?", "nl", {})
    assert at.has_entity(
        at.NUMBER,
        "Boek de workshop voor 8 tot 12 deelnemers.",
        lower_words=LOWER,
        query="",
        noun_stems=stems,
        stem=tokenize,
    )
    for sentence in ("Als 70% van het personeel meedoet, volgt een certificaat.", "De workshop duurt 3 uur."):
        assert not at.has_entity(
            at.NUMBER, sentence, lower_words=LOWER, query="", noun_stems=stems, stem=tokenize
        )
    assert counted_stems("How many persons can join?", "en", {}) >= set(tokenize("participants"))


def test_a_clock_time_or_a_phone_number_counts_no_hours():
    hours = "Hoeveel uur zit de balie open?"
    assert not has(at.NUMBER, "De balie is open van 9:00 uur tot 17.00 uur.", query=hours, noun="uur")
    assert not has(at.NUMBER, "Bel 020 555 12 34, elke werkdag bereikbaar tot 17.00 uur.", noun="uur")
    assert has(at.NUMBER, "De cursus duurt 6 uur, verdeeld over twee ochtenden.", query=hours, noun="uur")


def test_a_count_per_period_answers_only_the_period_asked():
    weekly = "Hoeveel uur per week werkt de coördinator eraan?"
    assert not has(at.NUMBER, "De opvang is 24 uur per dag bemand.", query=weekly, noun="uur")
    assert has(at.NUMBER, "Zij besteedt er 16 uur per week aan.", query=weekly, noun="uur")
    assert has(at.NUMBER, "De opvang is 24 uur per dag bemand.", query="Hoeveel uur per dag?", noun="uur")
    assert has(at.NUMBER, "Zij besteedt er 16 uur aan.", query=weekly, noun="uur")


def test_a_number_under_the_bound_asked_for_answers_whatever_it_counts():
    from assistant.scope import same_bound

    assert same_bound("Met hoeveel collega's moet je minimaal komen?", "Een klas van minimaal 12 leerlingen.")
    assert same_bound("what is the maximum number of visitors?", "De zaal telt maximaal 40 stoelen.")
    assert not same_bound("Hoeveel collega's komen er?", "Een klas van minimaal 12 leerlingen.")  # no bound
    assert not same_bound("Wat is de minimale leeftijd?", "De maximale duur is 3 maanden.")  # another bound
    assert not same_bound("Wat is de minimale leeftijd?", "Er is geen minimum.")  # no number
    assert not same_bound("Hoeveel leden zijn er minimaal?", "Het team komt minimaal 4x per jaar bijeen.")
    assert not same_bound("Hoeveel leden zijn er minimaal?", "Het team komt minimaal 4 keer bijeen.")


def test_a_numeral_written_as_een_with_accents_counts_an_article_does_not():
    assert has(at.NUMBER, "Per wijk is minstens één sleutelfiguur aangewezen.", noun="sleutelfiguren")
    assert has(at.NUMBER, "Eén coördinator per regio.", noun="coördinatoren")
    assert not has(at.NUMBER, "Per wijk is een sleutelfiguur aangewezen.", noun="sleutelfiguren")


def test_a_plural_the_stemmer_keeps_apart_still_counts_the_same_noun():
    # Snowball leaves "-issen" as "...iss": the plural in the question, the singular in the sentence
    assert tokenize("functionarissen") != tokenize("functionaris")
    assert has(at.NUMBER, "Er zijn drie functionaris posten.", noun="functionarissen")
    assert at.same_word({"functionariss"}, {"functionaris"})
    assert not at.same_word({"functie"}, {"functionaris"})
    assert not at.same_word({"mens"}, {"menss"})  # short stems must match exactly


def test_a_compound_counts_its_last_part():
    # Dutch puts the head of a compound last: "jeugdconsulenten" are consulenten
    assert has(at.NUMBER, "In de regio werken vier jeugdconsulenten.", noun="consulenten")
    assert at.same_word({"jeugdconsulent"}, {"consulent"})
    assert not at.same_word({"jeugdconsulent"}, {"jeugd"})  # the first part is not the head
    assert not at.same_word({"werkuur"}, {"uur"})  # too short to be a head on its own


def test_how_much_time_asks_a_duration_not_a_number():
    assert at.answer_types("Hoeveel tijd kost de cursus?") == (at.DURATION,)
    assert at.answer_types("How much time does the course take?") == (at.DURATION,)
    assert at.NUMBER in at.answer_types("Hoeveel cursisten doen mee?")


def test_the_number_of_an_organisation_is_its_phone_number_not_a_count():
    assert at.answer_types("What is the number of the helpdesk?") == (at.PHONE,)
    assert at.answer_types("What is the number of shelters in the region?") == (at.NUMBER,)


def test_contact_entities():
    assert has(at.PHONE, "Bel 010 - 236 52 56 voor advies.")
    assert has(at.PHONE, "Bereikbaar via 0800-1234.")
    assert not has(at.PHONE, "Bel het meldpunt voor advies.")
    assert has(at.EMAIL, "Mail naar info@example.nl voor vragen.")
    assert not has(at.EMAIL, "Ook per e-mail kunnen vragen gesteld worden.")
    assert has(at.ADDRESS, "Het kantoor zit aan de Coolsingel 40 in Rotterdam.")
    assert has(at.ADDRESS, "Postbus 123, 3000 AB Rotterdam")
    assert not has(at.ADDRESS, "Het ESSM zit in Rotterdam.")
    assert has(at.URL, "Zie https://riecrotterdam.nl/ voor meer.")


def test_time_entities():
    assert has(at.FREQUENCY, "De tafel komt minimaal twee keer per jaar bijeen.")
    assert has(at.FREQUENCY, "Jaarlijks verschijnt een rapportage.")
    assert not has(at.FREQUENCY, "De tafel bespreekt vastgelopen zaken.")
    assert has(at.DURATION, "Elke verhaallijn duurt maximaal 30 minuten.")
    assert has(at.YEAR, "Het is in 2005 opgericht.")
    assert has(at.WHEN, "Bereikbaar van 8:30 uur tot 22:00 uur.")
    assert has(at.WHEN, "Sinds een jaar of tien is het een prioriteit.")
    assert not has(at.YEAR, "Sinds een jaar of tien is het een prioriteit.")
    assert has(at.PRICE, "De koffer is gratis beschikbaar.")
    assert has(at.DATE, "De volgende bijeenkomst is op 12 maart.")
    assert has(at.DATE, "Op 03-11-2026 start de training.")
    assert not has(at.DATE, "Het netwerk komt minimaal twee keer per jaar bijeen.")


def test_person_names_are_not_roles_or_organisations():
    names = at.person_names("Regionaal accounthouder Mensenhandel VAR: Jantien van Termeij", LOWER)
    assert names == ["Jantien van Termeij"]
    assert at.person_names("Daarbij is burgemeester Jan Willem Boersma aangewezen.", LOWER) == [
        "Jan Willem Boersma"
    ]
    # a role ("officier" also occurs in lower case), an acronym, organisations after an article
    assert at.person_names("Elke regio heeft een Officier van Justitie (OvJ) Mensenhandel.", LOWER) == []
    assert at.person_names("Fier, het Rode Kruis en Defence for Children zijn gestart.", LOWER) == []
    assert at.person_names("De vergadering van de Regionale Tafel Mensenhandel.", LOWER) == []


def test_who_accepts_an_organisation_not_named_in_the_question():
    assert has(at.WHO, "Deze training wordt gegeven door Fairwork.", query="Wie geeft de training?")
    assert not has(at.WHO, "De training is kort.", query="Wie geeft de training?")


def test_an_organisation_opening_the_sentence_counts_a_common_first_word_does_not():
    q = "Wie leidt het overleg van de opvanglocaties?"
    assert has(at.WHO, "Stichtingxyz leidt het overleg van alle opvanglocaties.", query=q)
    assert not has(at.WHO, "Het overleg van de opvanglocaties is elke maand.", query=q)


@pytest.mark.parametrize(
    "question,names",
    [
        ("Hoe werkt de Wet regulering sekswerk?", ["Wet regulering sekswerk"]),
        ("Wie zitten er aan de Regionale Tafel Mensenhandel?", ["Regionale Tafel Mensenhandel"]),
        ("Zijn Fier en CKM hetzelfde?", []),
        ("Ik ben nieuw. Welke Trainingen zijn er?", []),  # capital after a full stop starts a sentence
        ("Welke hulp biedt het ESSM in Rotterdam?", []),  # acronyms and single names are checked elsewhere
    ],
)
def test_named_phrases(question, names):
    from index.lexical import DUTCH_STOPWORDS

    assert at.named_phrases(question, DUTCH_STOPWORDS) == names


@pytest.mark.parametrize(
    "question",
    [
        "Welk artikel stelt arbeidsuitbuiting strafbaar?",
        "Onder welk wetsartikel vallen loverboys?",
        "Wat zegt art. 250a over mensenhandel?",
        "Is 197a Sr hier van toepassing?",
        "Which article of the code makes forced labour a crime?",
        "Onder welke wet valt mensensmokkel?",
        "Hoeveel celstraf staat er op gedwongen bedelarij?",  # a penalty stands in the law
        "What is the jail term for exploiting a domestic worker?",
    ],
)
def test_questions_for_a_legal_article_want_a_citation(question):
    assert at.LAW in at.answer_types(question)


def test_a_law_citation_is_an_article_number_not_the_word_wet():
    def has(s):
        return at.has_entity(at.LAW, s, lower_words=set(), query="", noun_stems=set(), stem=lambda w: [w])

    assert has("Dat staat in artikel 273f van het Wetboek van Strafrecht.")
    assert has("Zie art. 6 van de regeling.")
    assert not has("Gemeenten hebben een wettelijke taak in de opvang.")


@pytest.mark.parametrize(
    "question,names",
    [
        ("Wat regelt de Arbeidsomstandighedenwet hierover?", ["Arbeidsomstandighedenwet"]),
        ("Welk artikel uit het Wetboek van Strafvordering geldt?", ["Wetboek van Strafvordering"]),
        ("Heeft Piet van Dam de training gegeven?", ["Piet van Dam"]),
        ("Wat doet het Bureau van de politie?", []),
    ],
)
def test_one_word_laws_multi_word_law_titles_and_names_with_tussenvoegsel(question, names):
    from index.lexical import DUTCH_STOPWORDS

    assert at.named_phrases(question, DUTCH_STOPWORDS) == names


def test_a_budget_question_wants_an_amount():
    assert at.PRICE in at.answer_types("Hoe groot is het budget voor de opvang?")
    assert at.PRICE in at.answer_types("Hoeveel subsidie is er beschikbaar?")


def test_a_role_answers_who_unless_the_question_names_it():
    question = "Wie leidt het overleg van de wijkteams?"
    assert at.WHO in at.answer_types(question)
    assert has(at.WHO, "De beleidsadviseur van de gemeente leidt dit overleg.", query=question)
    assert not has(at.WHO, "Het overleg is elke maand op dinsdag.", query=question)
    asked_role = "Wat doet de beleidsadviseur in het overleg?"
    assert not has(at.WHO, "de beleidsadviseur neemt deel aan het overleg", query=asked_role)
