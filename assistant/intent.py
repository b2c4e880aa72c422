"""What kind of question this is: its language, and whether it is situational.

Situational = the officer describes a concrete situation, a doubt or gut feeling, or asks what to do,
where to report or whom to call. Such questions always get the meldpunt card. The decision is the
classifier of assistant/situation.py (learned from labelled questions) plus three rules for what must
never fail; this module holds the rules and combines the two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.text import fold, words

# ---------------------------------------------------------------- language

_EN = words(
    """
    a about after an and any are at be before by can could did do does during for from has have how
    i it me my of on our should someone that the their there they this to us was we were what when
    where which who whom why will with would you your
"""
)
_NL = words(
    """
    aan als bij dat de deze die dit doen doet een en er hebben heeft het hij hoe hun ik je jij kan
    kun kunnen mag met mijn moet moeten naar niet om ons onze ook op te van voor waar wanneer wat
    welk welke wie wij worden wordt ze zij zijn zit zitten
"""
)


def detect_lang(question: str) -> str:
    """'en' when English function words outnumber Dutch ones, else 'nl' (the default)."""
    words = re.findall(r"[a-z']+", fold(question))
    en = sum(w in _EN for w in words)
    nl = sum(w in _NL for w in words)
    return "en" if en > nl else "nl"


# ---------------------------------------------------------------- situational

# What must never fail, whatever the classifier says: a first-person suspicion or doubt, asking whether
# what one sees is trafficking, where to report or whom to call, and what to do. Everything else is
# learned (assistant/situation.py).
_RULES = {
    "doubt": re.compile(
        r"\b(ik|we|wij) (vermoed|vermoeden|twijfel|twijfelen)\b|\b(i|we) (suspect|doubt)\b|\bniet pluis\b"
    ),
    # "is dit mensenhandel?", not a definition ("wat is dit landelijk programma tegen mensenhandel?")
    "is-this": re.compile(
        r"(?<!\bwat )(?<!\bwhat )\b(is|kan|zou) (dit|dat|hier)\b[^?.!;]{0,25}"
        r"\b(mensenhandel|\w*uitbuiting|uitgebuit)\b"
        r"|(?<!\bwhat )\b(is|could|might) (this|that|it)\b[^?.!;]{0,25}"
        r"\b(trafficking|exploitation|exploited)\b"
    ),
    # asking where to report or whom to involve, in the first person: the card is the answer
    "referral": re.compile(
        r"\b(waar|wie|welke \w+|where|who|moet|kan|kun|mag|zal|should|can|must|do)( \w+)? (ik|we|wij|i)\b"
        r"[^?.!;]{0,30}\b(meld|melden|report|bel|bellen|call|inschakelen|inlichten|waarschuwen|alarmeren)\b"
        r"|\b(waar|wie) (meld|bel|schakel)\w* (ik|we|wij)\b"
    ),
    "what-to-do": re.compile(
        r"\bwat (moet|kan|kun|moeten|kunnen) (ik|we|wij) (nu |hier ?mee |daar ?mee )?doen\s*[?.!]*\s*$"
        r"|\bwhat (should|can|do) (i|we) do\b"
    ),
}


# From this probability the classifier's call stands whatever the conversation before it
# (`situation.Detector.in_context`), and the out-of-scope model is not asked. 0.8 and 1.0 measured the
# same on the tuning conversations (tuning8: 52 -> 55 of 61 turns right, no set worse, no situation
# lost); the lower one leaves a confident call alone.
SURE = 0.8


@dataclass(frozen=True)
class Situational:
    """The decision, the classifier's probability and the rule that fired (for tests and explaining)."""

    situational: bool
    probability: float = 0.0
    rule: str = ""

    @property
    def borderline(self) -> bool:
        """Situational only because the threshold is set for recall: no rule, the classifier under even
        odds. Such a question gets the card and the answer a look-up would get."""
        return self.situational and not self.rule and self.probability < 0.5

    @property
    def sure(self) -> bool:
        """Situational by a rule or with a probability from SURE: the out-of-scope model is not asked."""
        return self.situational and (bool(self.rule) or self.probability >= SURE)


def situational_rule(question: str) -> str:
    """The name of the never-fail rule the question meets, or ''."""
    q = fold(question)
    return next((name for name, pattern in _RULES.items() if pattern.search(q)), "")


def classify_situational(question: str, probability: float, threshold: float) -> Situational:
    """Situational when the classifier's probability reaches its threshold or a never-fail rule fires."""
    rule = situational_rule(question)
    return Situational(bool(rule) or probability >= threshold, probability, rule)
