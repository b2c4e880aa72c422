"""What a count question counts: "hoeveel gemeenten", "how many VR headsets".

A number answers a count question only when the noun counted follows it ("23 gemeenten"): the noun's
stems, in Dutch and through the glossary for English, are what answertype.has_entity looks for.
"""

from __future__ import annotations

import math
import re

from assistant.answertype import ENUMERATING
from assistant.followup import ENGLISH_STOP
from assistant.query import english_phrases
from index.lexical import DUTCH_STOPWORDS, tokenize
from index.text import fold, words

# Where the phrase after "hoeveel"/"how many" ends: a function word or a verb of either language.
_PHRASE_END = (
    DUTCH_STOPWORDS
    | ENGLISH_STOP
    | words("alle each elke every iedere last mag moeten mogen ongeveer minimaal maximaal per")
)

# Words that count pieces, not what they are ("VR-brillen, hoeveel stuks?"): the topic names the thing.
_UNITS = words("stuks stuk exemplaren exemplaar pieces piece units")


# "welke drie pijlers", "which 12 districts" count too: they ask for the members of a set of that size.
_COUNTING = re.compile(
    rf"(\bhoeveel|\bhet aantal|\bhow many|\bnumber of|{ENUMERATING.pattern})\s+"
    r"(?P<phrase>(?:[\w-]+\s*){1,3})"
)
_NUMERALS = {  # the number words of ENUMERATING, as digits
    w: str(n)
    for n, ws in enumerate(["twee two", "drie three", "vier four", "vijf five", "zes six"], start=2)
    for w in ws.split()
}


def names_members(question: str, sentence: str) -> bool:
    """Does `sentence` introduce the members of the set the question counts ("welke drie pijlers")?
    The dossier does where it gives their number before a colon ("rust op drie pijlers: …"); "de 12 wijken
    van de stad" does not name them."""
    asked = ENUMERATING.search(fold(question))
    if not asked or ":" not in sentence:
        return False
    number = _NUMERALS.get(asked.group(2), asked.group(2))
    return number in {_NUMERALS.get(w, w) for w in re.findall(r"\w+", fold(sentence.split(":")[0]))}


# Counting people in general ("hoeveel mensen") counts participants too. ("personen" itself is not added:
# its stem would count "60% van het personeel".)
_PEOPLE = words("mensen personen people persons")
_PARTICIPANTS = words("deelnemers participants")


def counted_noun(question: str) -> str | None:
    """The phrase after 'hoeveel'/'how many' up to a function word: the thing counted and the words around
    it ("losse vr brillen", "gemeenten doen", "shelter places"; counted_stems picks)."""
    m = _COUNTING.search(fold(question))
    if not m:
        return None
    phrase = m.group("phrase").split()
    kept = []
    for w in phrase:
        if w in _PHRASE_END:
            break
        kept.append(w)
    if (kept or phrase[:1])[0] in _UNITS:
        return None  # any number in a sentence on the topic answers
    return " ".join(kept or phrase[:1])


def word_stems(word: str, lang: str) -> set[str]:
    """Stems of one word; of an English word also those of its Dutch glossary translations."""
    stems = set(tokenize(word))
    if lang == "en":
        for _positions, dutch in english_phrases([word]):
            stems |= {t for w in dutch for t in tokenize(w)}
    return stems


RARE_IDF = math.log(5.0)  # idf of a stem in at most a quarter of the passages (scope.specific_terms)


def counted_stems(question: str, lang: str, idf: dict[str, float]) -> set[str]:
    """Stems the counted noun may have (counted_noun's phrase). Dutch writes the noun first
    ("hoeveel gemeenten doen er mee"), or last when its words stand apart ("hoeveel virtual reality sets"):
    the first word, and the others that are rare in the dossier (`idf`). English ends the phrase with the
    noun ("trafficking cases" counts cases): the last word with its Dutch translations, and when the
    dossier has none of those ("VR headsets"), the rare words before it. A word common in the dossier
    ("mensenhandel", "trafficking") says nothing about what is counted."""
    phrase = counted_noun(question)
    if not phrase:
        return set()
    parts = phrase.split()
    head, rest = (parts[-1], parts[:-1]) if lang == "en" else (parts[0], parts[1:])
    stems = word_stems(head, lang)
    if head in _PEOPLE:  # "met hoeveel mensen": the dossier counts them as what they are ("30 deelnemers")
        stems |= {s for w in _PARTICIPANTS for s in tokenize(w)}
    if lang == "en" and any(s in idf for s in stems):
        return stems
    return stems | {s for w in rest for s in word_stems(w, lang) if idf.get(s, 0.0) >= RARE_IDF}
