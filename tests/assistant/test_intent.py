"""Situational detection and language, on sentences written for these tests (not the eval sets)."""

import pytest

from assistant.intent import classify_situational, detect_lang, is_situational

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
    "Where can I report labour exploitation?",
    "Who should I call about this?",
]

LOOKUPS = [
    "Hoeveel VR-brillen zijn er beschikbaar?",
    "Wat is het verschil tussen mensenhandel en mensensmokkel?",
    "Is het ESSM er ook voor slachtoffers van arbeidsuitbuiting?",
    "Wat is de definitie van mensenhandel?",
    "Wat zijn de taken van de aandachtsfunctionaris?",
    "Wat moet een gemeente volgens het IBP doen?",
    "Bij wie kan ik terecht als ik interesse heb in een training?",
    "Wat is het telefoonnummer van het meldpunt?",
    "Hoe vaak komt de regionale tafel bijeen?",
    "Wanneer is de meldroutekaart voor het laatst bijgewerkt?",
    "Welke organisaties werken samen in het RIEC?",
    "Who organises the awareness sessions?",
    "How long does the e-learning take?",
    "Wat kan ik als aandachtsfunctionaris doen om de bewustwording te vergroten?",
    "Hoe doe ik een aanvraag voor de VR-brillen?",
    "Wat kan ik doen met de Koffer Verkeerd?",
    "Hoe werkt de interne meldroute?",
    "Waar kan ik de meldroutekaart vinden?",
    "Wat is de rol van de aandachtsfunctionaris bij een melding?",
    "opvang mannen?",
]


@pytest.mark.parametrize("question", SITUATIONAL)
def test_situations_doubts_and_where_to_report_are_situational(question):
    verdict = classify_situational(question)
    assert verdict.situational, verdict


@pytest.mark.parametrize("question", LOOKUPS)
def test_plain_lookups_are_not_situational(question):
    verdict = classify_situational(question)
    assert not verdict.situational, verdict


def test_one_weak_cue_alone_is_not_enough():
    verdict = classify_situational("Een collega vertelt dat de training goed was.")
    assert verdict.weak and not verdict.strong
    assert not verdict.situational


def test_accents_and_case_do_not_matter():
    assert is_situational("IK TWIJFEL OF DIT KLOPT")
    assert is_situational("Een cliënt vertelt dat ze bang is voor haar werkgever.")


@pytest.mark.parametrize(
    "question,lang",
    [
        ("Wat is mensenhandel?", "nl"),
        ("vr bril lenen kan dat", "nl"),
        ("opvang mannen?", "nl"),
        ("Who organises the training for municipal staff?", "en"),
        ("Is there a hotline and when is it open?", "en"),
    ],
)
def test_language(question, lang):
    assert detect_lang(question) == lang
