"""Situational detection and language, on sentences written for these tests (not the eval sets).

The never-fail rules are tested alone (fast); the classifier with the real model on sentences it was
not trained on (integration): recall first, a card on few look-ups.
"""

import pytest

from assistant.intent import classify_situational, detect_lang, situational_rule

SITUATIONAL = [
    # first-person doubt or gut feeling
    "Ik vermoed dat de schoonmakers van dit bedrijf niets betaald krijgen.",
    "Ik twijfel of er bij deze nagelsalon iets niet klopt.",
    "Ik heb bij dat gezin echt een naar onderbuikgevoel.",
    "Wij hebben sinds de laatste controle het gevoel dat de kamerverhuurder iets verbergt.",
    "Het voelt niet goed: de meisjes in dat pand mogen nooit alleen naar buiten.",
    # what to do / how to handle
    "Een vrouw aan de balie zegt dat haar paspoort is afgepakt. Wat moet ik doen?",
    "Hoe pak ik dit aan als de werkgever zelf aanwezig is bij het gesprek?",
    "Wat is een goede vervolgstap na zo'n huisbezoek?",
    "Wat kan ik hem adviseren?",
    "Wat moet ik hiermee?",
    "Een vrouw belt: ze moet van haar vriend met mannen mee. Hoe moet ik handelen?",
    "Welke stappen moet ik nu zetten?",
    "Een meisje van 13 krijgt cadeaus van een oudere man en gaat met hem mee. Wat nu?",
    "De buurvrouw hoort 's nachts gehuil uit de kelder. Wat doe ik?",
    "Bij een controle in een massagesalon sliepen vrouwen op matrassen in de achterkamer. Wat is wijsheid?",
    "Een leerling verzuimt veel en heeft ineens veel geld. Kan het uitbuiting zijn?",
    "Mag ik een melding doen zonder dat de cliënt het weet?",
    "Een Poolse werknemer zegt dat zijn paspoort is ingenomen door het uitzendbureau.",
    "Een moeder belt in paniek: haar dochter komt niet thuis en heeft een loverboy. Wat adviseer je?",
    "We hebben een signaal over een woning waar veel arbeidsmigranten wonen. Hoe pakken we dit op?",
    "Someone at the counter says she is forced to work in a brothel. She is scared.",
    "Moet ik de politie inschakelen?",
    "Wie kan haar vannacht opvangen?",
    # where to report, whom to call
    "Waar meld ik arbeidsuitbuiting?",
    "Waar kan ik een vermoeden van seksuele uitbuiting melden?",
    "Moet ik dit melden bij de politie?",
    "Wie bel ik als het 's avonds laat is?",
    "Welke organisatie moet ik inschakelen bij een minderjarige?",
    "Bij wie kan ik dit kwijt?",
    # is this trafficking?
    "Een jongen moet van een oudere neef pakketjes rondbrengen. Is dit criminele uitbuiting?",
    # narrative plus a weak cue
    "Een cliënt vertelt dat hij moet slapen op de werkplek en zijn loon wordt ingehouden.",
    "Bij een woningcontrole troffen we acht mannen in één kamer; ze waren bang.",
    # English
    "I suspect my client is being exploited by her landlord.",
    "A neighbour told me that young women are brought to the house at night. What should I do?",
    "Where can I report suspected forced labour at a car wash?",
    "Who should I call about this?",
]

LOOKUPS = [
    "Hoeveel VR-brillen kan ik lenen?",
    "Waarin verschilt smokkel van handel in mensen?",
    "Is het ESSM er ook voor slachtoffers van arbeidsuitbuiting?",
    "Hoe definieert het dossier mensenhandel?",
    "Welke taken heeft een aandachtsfunctionaris?",
    "Wat moet een gemeente volgens het IBP doen?",
    "Met wie neem ik contact op als ik een cursus wil volgen?",
    "Welk telefoonnummer heeft het meldpunt?",
    "Hoe vaak vergadert het platform?",
    "Sinds wanneer is er een regionale meldroutekaart?",
    "Welke organisaties werken samen in het RIEC?",
    "Who organises the awareness sessions?",
    "How long does the e-learning take?",
    "Wat kan ik als aandachtsfunctionaris doen om de bewustwording te vergroten?",
    "Hoe doe ik een aanvraag voor de VR-brillen?",
    "Wat kan ik doen met de Koffer Verkeerd?",
    "Hoe werkt de interne meldroute?",
    "Waar kan ik de meldroutekaart vinden?",
    "Wat is de rol van de aandachtsfunctionaris bij een melding?",
    "training hotels?",
]


# Written for the held-out failure classes: doubt phrased as "not knowing", split Dutch particle verbs,
# and a concrete situation followed by a bare request for advice.
MORE_SITUATIONAL = [
    "Ik weet niet of wat ik zag bij die autowasserette uitbuiting is.",
    "Ik weet eigenlijk niet zeker of het klopt wat die vrouw vertelt.",
    "We weten niet goed wat we hiervan moeten denken.",
    "Ik ben er niet zeker van, maar de jongens in dat busje lijken geen loon te krijgen.",
    "I'm not sure whether the girl at the nail bar is working voluntarily.",
    "I am unsure if my tenant is being exploited.",
    "I don't know whether this counts as trafficking.",
    "Wie schakel ik in?",
    "Wie schakelen we in bij een meisje dat niet naar huis durft?",
    "Wie bel ik op als een cliënt 's nachts op straat staat?",
    "Met wie neem ik contact op?",
    "Wie moeten we inlichten?",
    "Wie kan ik hierover inseinen?",
    "Een man slaapt al weken in de kantine van zijn werk. Waar kan ik hem naartoe sturen?",
    "Wie kan dit oppakken?",
    "Welke instantie pakt dit op?",
    "Wie moet ik waarschuwen?",
    "Who do I need to inform?",
    "Where should I refer her to?",
    "Mijn cliënte werkt zeven dagen per week in een restaurant voor een paar tientjes. Wat raad je aan?",
    "Een scholier wordt na schooltijd door oudere mannen opgehaald. Hoe nu verder?",
    "De buurman laat elke week andere vrouwen in zijn pand overnachten. Wat is verstandig?",
    "Een jongere krijgt steeds nieuwe kleding van een onbekende. Advies?",
    "My client's employer keeps her passport. Any advice?",
    "Een au-pair mag het huis niet uit en krijgt geen zakgeld. Hoe verder?",
    "In een loods slapen negen arbeidsmigranten op de grond. Hoe nu verder?",
    "Wat is verstandig als een jongen van 14 opeens dure schoenen heeft?",
]

MORE_LOOKUPS = [
    "Hoe neem ik deel aan de e-learning?",
    "Wat is het advies van de Nationaal Rapporteur over de aanpak?",
    "Welke tips geeft het dossier voor een bewustwordingssessie?",
    "Wie is verantwoordelijk voor de regionale aanpak?",
    "Wat is de taak van de zorgcoördinator?",
    "Hoe lang duurt de crisisopvang?",
    "What does the dossier say about minors?",
    "Welke partijen nemen deel aan het platform?",
    "Wat doet het Expertisecentrum bij een melding?",
    "Is arbeidsuitbuiting strafbaar?",
    "Wie schakelt de zorgcoördinator in?",  # who does it, not whom should I call
    "Hoe verder na de basistraining?",
    "Wat is verstandig bij het opzetten van een interne meldroute?",
]


@pytest.mark.parametrize(
    "question,rule",
    [
        ("Ik vermoed dat de bezorgers van die zaak onderbetaald worden.", "doubt"),
        ("Wij twijfelen over de kamerverhuurder.", "doubt"),
        ("I suspect the landlord keeps their documents.", "doubt"),
        ("Is dit nu uitbuiting of niet?", "is-this"),
        ("Could this be exploitation?", "is-this"),
        ("Waar meld ik zoiets?", "referral"),
        ("Wie moeten we hierover inlichten?", "referral"),
        ("Moet ik de wijkagent bellen?", "referral"),
        ("Who should I call tonight?", "referral"),
        ("Wat moet ik nu doen?", "what-to-do"),
        ("what should we do with this", "what-to-do"),
    ],
)
def test_never_fail_rules(question, rule):
    assert situational_rule(question) == rule
    verdict = classify_situational(question, probability=0.0, threshold=0.5)
    assert verdict.situational and verdict.rule == rule


@pytest.mark.parametrize(
    "question",
    [
        "Wat is het verschil tussen mensenhandel en mensensmokkel?",
        "Wat doet een maatschappelijk werker als ik het meldpunt bel?",
        "Wat kan ik doen om de bewustwording te vergroten?",
        "Hoe werkt de interne meldroute?",
        "Is arbeidsuitbuiting strafbaar?",
        "Wat is dat landelijk programma tegen mensenhandel eigenlijk?",  # a definition, not "is dit ...?"
        "What is that exploitation helpline for?",
    ],
)
def test_rules_leave_lookups_to_the_classifier(question):
    assert situational_rule(question) == ""
    assert not classify_situational(question, probability=0.2, threshold=0.5).situational
    assert classify_situational(question, probability=0.6, threshold=0.5).situational


def test_accents_and_case_do_not_matter_to_the_rules():
    assert situational_rule("IK TWIJFEL OF DIT KLOPT") == "doubt"
    assert situational_rule("Waar méld ik dit?") == "referral"


@pytest.mark.parametrize(
    "question,lang",
    [
        ("Wat is mensenhandel?", "nl"),
        ("koffer lenen kan dat", "nl"),
        ("Who organises the training for municipal staff?", "en"),
        ("Is there a hotline and when is it open?", "en"),
    ],
)
def test_language(question, lang):
    assert detect_lang(question) == lang


# ---------------------------------------------------------------- the classifier (real model)


@pytest.fixture(scope="module")
def detector():
    from assistant.situation import Detector

    return Detector()


def test_these_sentences_are_not_training_examples():
    from assistant.situation import load_examples

    trained = {r["text"].casefold() for r in load_examples()}
    held_out = SITUATIONAL + MORE_SITUATIONAL + LOOKUPS + MORE_LOOKUPS
    assert not [q for q in held_out if q.casefold() in trained]


@pytest.mark.integration
def test_the_classifier_finds_situations_it_was_not_trained_on(detector):
    questions = SITUATIONAL + MORE_SITUATIONAL
    missed = [q for q in questions if not detector.classify(q).situational]
    assert len(missed) <= 0.05 * len(questions), missed


@pytest.mark.integration
def test_few_lookups_get_the_card(detector):
    questions = LOOKUPS + MORE_LOOKUPS
    carded = [q for q in questions if detector.classify(q).situational]
    assert len(carded) <= 0.15 * len(questions), carded


@pytest.mark.integration
@pytest.mark.parametrize(
    "question",
    [
        # described without a question word, advice requests, English
        "Er staat hier een meisje van vijftien dat zegt dat ze voor haar vriend met mannen moet slapen.",
        "Een werknemer van de kwekerij heeft al drie maanden geen loon gehad en slaapt in de kas.",
        "Wat adviseer ik de wijkverpleegkundige?",
        "Hoe handel ik als de tolk steeds voor de cliënt antwoordt?",
        "A cleaner told me she works every day and her boss keeps her salary.",
    ],
)
def test_situations_phrased_many_ways(detector, question):
    assert detector.classify(question).situational


def test_a_borderline_call_is_one_without_rule_under_even_odds():
    assert classify_situational("Hoe werkt de meldroute?", 0.4, 0.35).borderline
    assert not classify_situational("Hoe werkt de meldroute?", 0.7, 0.35).borderline
    assert not classify_situational("Waar meld ik dit?", 0.4, 0.35).borderline  # a rule decided
    assert not classify_situational("Hoe werkt de meldroute?", 0.2, 0.35).borderline  # not situational


def test_a_sure_call_is_a_rule_or_a_high_probability():
    assert classify_situational("Waar meld ik dit?", 0.1, 0.35).sure  # a rule decided
    assert classify_situational("Hoe werkt de meldroute?", 0.85, 0.35).sure
    assert not classify_situational("Hoe werkt de meldroute?", 0.6, 0.35).sure  # situational, not sure
    assert not classify_situational("Hoe werkt de meldroute?", 0.2, 0.35).sure  # not situational


@pytest.mark.integration
@pytest.mark.parametrize(
    "question",
    [
        # first person, about the role or signing up, or asking who else a course is for: look-ups
        # (the regression alone gave the first two the card: 0.69 and 0.64 over its threshold of 0.42)
        "Ik ben vorige maand benoemd tot aandachtsfunctionaris mensenhandel. Wat hoort bij mijn taak?",
        "I was just appointed trafficking officer, what do people expect from me?",
        "waar geef ik me op voor de cursus over arbeidsuitbuiting?",
    ],
)
def test_look_ups_in_the_words_of_a_situation_get_no_card(detector, question):
    assert not detector.classify(question).situational
