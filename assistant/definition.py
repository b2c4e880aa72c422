"""Definition questions ("Wat is X?", "Wat houdt X in?", "What is X?") and the sentences that define X.

A definition question is answered first by a sentence that opens by defining the asked term
("Arbeidsuitbuiting is ...", "X: ..."); answer.py and quotes.py ask these two questions.
"""

from __future__ import annotations

import re

from assistant.answertype import TOKEN_RE
from index.text import fold, words

# "Wat is het verschil tussen A en B?": answered by what defines A and what defines B.
_CONTRAST = r"\b(verschil|verschillen|onderscheid) tussen\b|\bdifference between\b|\bdiffer from\b"
_DEFINITION = re.compile(
    r"^(wat|wie) (is|zijn|betekent) (een |de |het )?[\w -]{2,40}\??$|\bwat houdt\b.*\bin\b|"
    r"\bverstaan onder\b|"
    r"\bwat betekent\b|\bdefini|^what (is|are) (a |an |the )?[\w -]{2,40}\??$|\bwhat does .* mean\b|\bdefin|"
    + _CONTRAST
)
# "X is ...", "X betekent ...", "X: ..." (not "X zijn ...": plural sentences describe, they rarely define)
_IS = words("is betekent houdt omvat means")


def is_definition_question(question: str) -> bool:
    """'Wat is X?', 'Wat houdt X in?', 'Wat wordt verstaan onder X?', 'What is X?'."""
    return bool(_DEFINITION.search(fold(question).strip()))


def defines(sentence: str, stems_of, terms: set[str]) -> bool:
    """Does the sentence open by defining one of `terms` ('Arbeidsuitbuiting is ...', 'X: ...')?"""
    words_ = TOKEN_RE.findall(sentence)[:8]
    for i, w in enumerate(words_[:5]):
        if set(stems_of(w)) & terms:
            after = [fold(x) for x in words_[i + 1 : i + 4]]
            if any(a in _IS or a == ":" for a in after):
                return True
    return False
