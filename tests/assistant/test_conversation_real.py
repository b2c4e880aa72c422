"""Conversations and situational answers on the real index and model (own sentences, not eval items)."""

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def real_assistant(dossier_index):
    from assistant.core import Assistant

    return Assistant(dossier_index)


def _turns(assistant, questions):
    history, answers = [], []
    for q in questions:
        answer = assistant.ask(q, history)
        answers.append(answer)
        history += [{"role": "user", "content": q}, {"role": "assistant", "content": answer.answer}]
    return answers


def test_a_lookup_and_an_out_of_scope_turn_after_a_situation(real_assistant):
    situation, lookup, oos = _turns(
        real_assistant,
        [
            "Een schoonmaker vertelt dat zijn baas zijn loon inhoudt en hem laat slapen in het magazijn.",
            "Hoeveel VR-brillen kan een gemeente lenen?",
            "Hoe vraag ik een omgevingsvergunning voor een dakkapel aan?",
        ],
    )
    assert situation.situational and situation.meldpunt is not None and not situation.out_of_scope
    assert not lookup.situational and lookup.meldpunt is None and "10 VR-brillen" in lookup.answer
    assert oos.out_of_scope and not oos.situational


def test_followups_that_refer_back_are_read_with_their_subject(real_assistant):
    first, second, third = _turns(
        real_assistant,
        ["Vertel eens over de e-learning BUIT.", "hoe lang duurt die ongeveer?", "en is die geaccrediteerd?"],
    )
    assert "maximaal 30 minuten" in second.answer
    assert "niet geaccrediteerd" in third.answer and not third.out_of_scope


def test_an_elliptic_turn_after_a_referral_question_is_a_referral_too(real_assistant):
    _first, second = _turns(
        real_assistant, ["Where can I report forced labour?", "and for sexual exploitation?"]
    )
    assert second.situational and second.meldpunt is not None


def test_a_situational_answer_quotes_what_to_do_not_what_shares_a_word(real_assistant):
    answer = real_assistant.ask("Ik vermoed seksuele uitbuiting bij een bewoonster, hoe handel ik?")
    assert answer.situational and "236 52 56" in answer.answer
    body = answer.answer.lower()
    assert "sekswerkkamer" not in body and "vr-brillen" not in body
    assert any(w in body for w in ("signal", "meld", "advies", "aanspreekpunt", "vervolgstap"))


def test_a_situational_answer_quotes_the_meldpunt_passage_in_its_own_words_first(real_assistant):
    answer = real_assistant.ask("Een collega zag dat de vrouwen in een massagesalon er ook slapen. Wat nu?")
    first_quote = answer.body.splitlines()[1]
    assert first_quote.startswith("- ") and first_quote.endswith("[1]")
    sentence = first_quote[2:-3].strip()
    assert sentence in answer.citations[0].text  # verbatim, from the passage the card cites
    assert "meld- en adviespunt" in sentence.lower()
    assert "236 52 56" not in sentence  # the card's number and hours follow, as the dossier writes them
    second = answer.body.splitlines()[2]
    assert "236 52 56" in second and "22:00" in second and second.endswith("[1]")


def test_a_factual_followup_after_a_situation_is_a_lookup_answered_from_what_was_quoted(real_assistant):
    _situation, number, more = _turns(
        real_assistant,
        [
            "Ik twijfel of de jongens in die autowerkplaats daar vrijwillig werken.",
            "welk nummer was dat ook alweer?",
            "en als een van hen minderjarig blijkt?",
        ],
    )
    assert not number.situational and not number.out_of_scope and "236 52 56" in number.answer
    assert more.situational  # going on describing the situation is a situation again


def test_a_followup_asking_its_own_question_after_a_situation_is_a_lookup(real_assistant):
    situation, question = _turns(
        real_assistant,
        [
            "Een man bij het wijkteam slaapt in de loods van zijn baas en durft niet weg. Wat doe ik?",
            "kunnen ze daar ook hun kinderen meenemen?",
        ],
    )
    assert situation.situational and situation.meldpunt is not None
    assert not question.situational and question.meldpunt is None


@pytest.mark.parametrize(
    "followup", ["mag haar zoontje dan ook mee naar de opvang?", "kan ik daar ook na tienen nog bellen?"]
)
def test_a_question_of_its_own_after_a_situation_gets_no_second_card(real_assistant, followup):
    # the second asks about calling, which the referral rule alone would card: the card was just given
    situation, question = _turns(
        real_assistant,
        [
            "Een schoonmaakster krijgt al maanden geen loon en moest haar paspoort bij de baas inleveren.",
            followup,
        ],
    )
    assert situation.situational and situation.meldpunt is not None
    assert not question.situational and question.meldpunt is None and not question.out_of_scope


def test_what_an_organisation_falls_under_is_what_it_is_part_of(real_assistant):
    answer = real_assistant.ask("Weet jij waar het ESSM organisatorisch onder valt?")
    assert "Stichting Humanitas" in answer.answer.splitlines()[1]


def test_what_an_organisation_is_part_of_is_quoted_first_in_english_too(real_assistant):
    answer = real_assistant.ask("The ESSM, what larger foundation is that part of?")
    first_quote = answer.answer.splitlines()[1]
    assert "Stichting Humanitas" in first_quote


def test_the_penalty_for_an_offence_is_refused_the_dossier_cites_no_law(real_assistant):
    answer = real_assistant.ask("Hoeveel jaar gevangenisstraf riskeert iemand die arbeiders uitbuit?")
    assert answer.out_of_scope and "wetsartikel" in answer.answer


@pytest.mark.parametrize(
    "question,fact",
    [
        # 'gemeenten' stands in most passages, so it pins no topic; "23 gemeenten" answers by itself
        ("hoeveel gemeenten horen bij onze regio eigenlijk?", "23 gemeenten"),
        # the noun written apart from its modifiers
        ("Met hoeveel virtual reality brillen kan mijn team oefenen?", "10 VR-brillen"),
        # the first passages lack it; found lower in the ranking
        (
            "Hoeveel aandachtsfunctionarissen stelt iedere gemeente ten minste aan?",
            "Minimaal één aandachtsfunctionaris",
        ),
    ],
    ids=["common-noun", "separate-words", "lower-in-ranking"],
)
def test_a_count_the_dossier_gives_is_answered_with_it(real_assistant, question, fact):
    answer = real_assistant.ask(question)
    assert not answer.out_of_scope
    assert fact in answer.answer


def test_a_kind_of_fact_the_dossier_lacks_is_still_refused(real_assistant):
    answer = real_assistant.ask("Welk e-mailadres heeft het meld- en adviespunt?")
    assert answer.out_of_scope and "e-mailadres" in answer.answer


@pytest.mark.parametrize(
    "question",
    [  # unseen by the out-of-scope model; its signals alone did not refuse them
        "Kun je een mail voor me opstellen aan mijn manager?",
        "Hoe vraag ik kinderopvangtoeslag aan?",
        "Wie wint de landstitel dit seizoen?",
    ],
)
def test_questions_the_dossier_does_not_treat_at_all_are_refused(real_assistant, question):
    answer = real_assistant.ask(question)
    assert answer.out_of_scope and not answer.citations


@pytest.mark.parametrize(
    "question",
    ["Tot wanneer is het meldpunt 's avonds te bellen?", "Until what time is the advice line open?"],
)
def test_the_meldpunts_hours_are_answered_not_refused(real_assistant, question):
    answer = real_assistant.ask(question)
    assert not answer.out_of_scope and "22:00" in answer.answer


@pytest.mark.parametrize(
    "question,fact",
    [
        (
            "Ik heb hier een jonge vrouw die zegt dat ze gedwongen werkt en nergens kan slapen. "
            "Hoe lang mag ze in de crisisopvang blijven?",
            "maximaal 3 maanden",
        ),
        (
            "Ik vermoed dat een meisje van 17 wordt uitgebuit. Is de crisisopvang ook voor minderjarigen?",
            "18 jaar",
        ),
    ],
)
def test_a_situation_that_asks_something_gets_that_answered_besides_the_card(real_assistant, question, fact):
    answer = real_assistant.ask(question)
    assert answer.situational and answer.meldpunt is not None
    assert fact in answer.body


def test_an_english_question_naming_the_meldpunt_in_dutch_gets_its_number(real_assistant):
    # no English or Dutch term of its own is left to pin the topic: the type check cannot judge relevance
    answer = real_assistant.ask("Which phone number has the meldpunt got?")
    assert not answer.out_of_scope and "236 52 56" in answer.answer


def test_which_trainings_lists_the_dossiers_own_training_sections(real_assistant):
    answer = real_assistant.ask("welke trainingen kan ik volgen?")
    assert not answer.situational and not answer.out_of_scope
    lines = answer.answer.splitlines()
    assert lines[0] == "Het dossier beschrijft onder ‘Opleidingen en trainingen’:"
    sections = [c.section for c in answer.citations]
    assert len(sections) >= 5 and all(s.startswith("Opleidingen en trainingen › ") for s in sections)
    # each line is the heading of the section its marker cites, as the dossier writes it
    for n, (line, section) in enumerate(zip(lines[1:], sections, strict=True), start=1):
        assert line == f"- {section.split(' › ')[-1]} [{n}]"


def test_a_bare_website_turn_asks_for_the_address_of_what_the_conversation_is_about(real_assistant):
    _, site = _turns(real_assistant, ["Waar richt het RIEC Rotterdam zich op?", "hun webadres?"])
    assert not site.out_of_scope
    assert "riecrotterdam.nl" in site.answer + " ".join(c.text for c in site.citations)


def test_a_follow_up_after_a_look_up_is_no_situation_when_neither_is_one_alone(real_assistant):
    questions = ["Wat doet de politie-eenheid Rotterdam?", "Zit daar iemand van in het platform?"]
    lookup, turn = _turns(real_assistant, questions)
    assert not lookup.situational and not turn.situational and turn.meldpunt is None


def test_the_out_of_scope_model_weighs_an_unsure_situation_but_not_a_sure_one(real_assistant):
    # a described case that asks what the dossier does not say: situational, but not sure (p under 0.8)
    unsure = "Kan een vrouw die gevlucht is voor haar pooier een urgentieverklaring voor een woning krijgen?"
    sure = "Hoe vraag ik kwijtschelding van belastingen aan voor een jongen die is uitgebuit?"
    verdict = real_assistant._detector.classify(unsure)
    assert verdict.situational and not verdict.sure
    answer, signals = real_assistant.ask_with_signals(unsure)
    assert answer.meldpunt is not None and signals.off_scope > 0.0  # the model was asked
    assert real_assistant._detector.classify(sure).sure
    answer, signals = real_assistant.ask_with_signals(sure)
    assert answer.meldpunt is not None and signals.off_scope == 0.0  # a sure situation is not refused by it


def test_a_web_address_on_a_stray_line_is_found_by_the_name_in_it(real_assistant):
    # The dossier's only web address stands alone under another organisation's section; its host names
    # the RIEC. The passage does not rank high for the question, but it holds the kind of fact asked.
    about, address = _turns(
        real_assistant, ["Waar houdt het RIEC zich mee bezig?", "en het webadres daarvan?"]
    )
    assert not about.out_of_scope
    assert not address.out_of_scope and "https://riecrotterdam.nl/" in address.answer
    # whose host names another organisation does not answer for this one
    other = real_assistant.ask("website van de Arbeidsinspectie?")
    assert other.out_of_scope and "webadres" in other.answer


def test_a_doubt_also_gets_the_dossiers_answer_to_a_doubt(real_assistant):
    answer = real_assistant.ask(
        "Ik heb een onderbuikgevoel bij de kapsalon om de hoek, er werken steeds andere jonge meisjes die "
        "nooit iets zeggen. Ik weet niet of het iets is."
    )
    assert answer.situational and answer.meldpunt is not None
    assert "telefoonnummer: 010 - 236 52 56" in answer.answer  # the meldpunt passage's own phone sentence
    assert "ook daar bereikbaar" in answer.answer  # "Twijfel je …? Dan is het … ook daar bereikbaar"
