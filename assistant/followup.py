"""Does a turn continue the previous one? Its form: a connective, a pronoun, or no subject of its own.

Whether it also stays on the topic is the model's to judge (assistant/situation.py, `Detector.related`);
`is_followup` combines the two. The word sets here are also the query's non-content words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from index.lexical import DUTCH_STOPWORDS
from index.text import fold, words

ENGLISH_STOP = words(
    """
    the a an of for to and or what who whom which where how when why do does did can could should
    would is are was were be been it its this that these those there their them they we our us you
    your i my me about with on at in by from as any some have has had will shall may might must also
    into than then so such not no yes
"""
)
# Question words and fillers: never content, never "corrected" into a dossier word (hoeveel -> hoeverre).
QUESTION_WORDS = words(
    """
    hoeveel hoevaak hoelang hoezo welke welk waarom wanneer waarover waarmee waarvoor waardoor
    waarbij waarin kun kunt kunnen mag mogen graag precies eigenlijk ergens iets iemand wel even nou
    houdt betekent betekenis verstaan sinds afkorting afkortingen eruit erin ervan eraan erover erop ermee
    erbij ertoe daarvan daarmee daarover daarbij hiervan hierover hierbij waarvan ziet zien zie gaat gaan
    komt komen krijg krijgt krijgen weet weten vind vindt vinden eigen welke precies soort soorten waar
    staat staan
"""
)
# A turn that continues the previous one: it opens with a connective ("en bij ...?", "and for minors?")
# or refers back with a pronoun ("hoe lang duurt die ongeveer?", "Sinds wanneer is hij burgemeester?").
_CONTINUES = re.compile(r"^(en|maar|of|ook|plus|and|but|also|or|what about|how about|hoe zit het met)\b")
_ANAPHORS = words(
    """
    hij zij ze hem haar hun hen die dat deze dit daar daarvan daarvoor daarmee daarbij daarin daarna
    hiervan hiervoor hiermee hierbij zo'n he she they him her them it its this that these those there
    their his
"""
)
# Words that ask for a kind of answer but name no subject: 'hoe vaak?', 'en hoe lang?', 'how long?'.
_ASKING = words("vaak lang laat duur duurt kost kosten nog meer anders often long much many")
# Personal pronouns name someone the turn does not name: the previous turn does, whatever the topic.
_PERSONAL = words("hij hem zij ze haar hun hen he she him her they them their his")
_MAX_ANAPHORIC_WORDS = 10  # a longer turn names its own subject (a narrative's "hij" is its own man)


# A preposition may come first ("tot hoe laat kan ik ...?", "met wie moet ik ...?") when a verb follows.
_PREPOSITIONS = words("tot met voor bij aan van naar vanaf sinds for with to from about at by since until")
# A turn that opens (after a connective) with a question word or a verb asks a question of its own.
_OWN_QUESTION = QUESTION_WORDS | words(
    "wie wat hoe is was heeft hebben wordt doet kan moet zijn who what how where when which why are can "
    "could does do did"
)


def asks_for_itself(question: str) -> bool:
    """'en is die geaccrediteerd?', 'wie leidt dat?': a question of its own, not just a new subject. A
    topic may stand before it ("die folder, wie heeft die geschreven?")."""
    head, comma, rest = fold(question).partition(",")
    if comma and len(head.split()) <= 3 and asks_for_itself(rest):
        return True
    tokens = _tokens(question)
    while tokens and _CONTINUES.match(tokens[0]):
        tokens = tokens[1:]
    if len(tokens) > 1 and tokens[0] in _PREPOSITIONS and set(tokens) & _FINITE:
        tokens = tokens[1:]  # "tot hoe laat kan ik bellen?", "met wie moet ik praten?" (not "voor hoe lang?")
    return bool(tokens) and tokens[0] in _OWN_QUESTION


_NOT_CONTENT = DUTCH_STOPWORDS | ENGLISH_STOP | QUESTION_WORDS | _ASKING


# Dutch splits "ervoor", "erover", ... around the sentence: "is er een folder over?" refers back as
# "daarover" does. A turn ending in one of these after "er" has that pronoun.
_STRANDED = words("voor over mee aan bij op in uit van naar door tegen")
# A finite verb makes a question of its own ("Wat is Fier?"); without one a short turn that opens with a
# question word only completes the previous question ("waar precies naartoe?", "hoe vaak dan?").
_FINITE = words(
    """
    is zijn ben bent was waren heeft hebben heb had doet doen komt komen kan kunnen kun mag mogen moet
    moeten gaat gaan wordt worden word zit zitten staat staan geeft geven biedt bieden valt vallen are
    were does do did has have can could will should may
"""
)


def refers_back(question: str) -> bool:
    """Elliptic or pronominal: opens with a connective, refers back with a pronoun (short turns; also
    Dutch's split "er ... voor"), has no content word of its own ('hoe vaak?'), or is a fragment of up
    to three words without a verb ('adres?', 'waar precies naartoe?', 'kosten per deelnemer?')."""
    q = fold(question).strip()
    tokens = re.findall(r"[\w'-]+", q)
    if _CONTINUES.match(q):
        return True
    if len(tokens) <= _MAX_ANAPHORIC_WORDS and any(t in _ANAPHORS for t in tokens):
        return True
    if len(tokens) <= _MAX_ANAPHORIC_WORDS and "er" in tokens[:-1] and tokens[-1] in _STRANDED:
        return True
    if fragment(question):
        return True  # a fragment without a verb completes the previous question
    return _without_subject(tokens)


def _tokens(question: str) -> list[str]:
    return re.findall(r"[\w'-]+", fold(question))


def fragment(question: str) -> bool:
    """Up to three words without a verb: 'adres?', 'van welke gemeente?', 'kosten per deelnemer?'."""
    tokens = _tokens(question)
    return len(tokens) <= 3 and not set(tokens) & _FINITE


def _without_subject(tokens: list[str]) -> bool:
    """No content word of its own ('hoe vaak?', 'kosten?'): only question, asking and function words."""
    return all(t in _NOT_CONTENT for t in tokens)


def personal(question: str) -> bool:
    """Does the turn refer to someone with a personal pronoun ("wat doen zij?", "where do they work?")?"""
    return bool(set(_tokens(question)) & _PERSONAL)


def is_followup(
    question: str, previous: str | None, related: Callable[[str, str], bool] | None = None
) -> bool:
    """Read with the previous question: the turn refers back (see `refers_back`) and is on the same topic
    (`related(question, previous)`, measured with the model by the caller; without it, only the form)."""
    if not previous or not refers_back(question):
        return False
    tokens = _tokens(question)
    if _without_subject(tokens):
        return True  # no subject of its own ("kosten?", "hoe lang?"): it cannot open a new topic
    if len(tokens) <= _MAX_ANAPHORIC_WORDS and personal(question):
        return True  # "what do they publish?": who "they" are stands in the turn before
    return related is None or related(question, previous)
