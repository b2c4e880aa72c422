"""What the previous answer cited, recovered from the conversation history (no server-side state).

The page and the API send the history as [{"role", "content"}]; an assistant message holds the answer
text, whose quotes are sentences of the passages it cited ("- <sentence> [n]"). A quoted sentence that
stands in exactly one passage of the index identifies that passage.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant import answertype
from assistant.followup import asks_for_itself, fragment, personal
from assistant.intent import Situational
from assistant.query import Query, message_content, user_questions
from index.lexical import tokenize
from index.text import fold, normalise

_MIN_QUOTE = 25  # characters: shorter fragments ("Via") identify nothing
_MAX_ANSWER = 6000  # characters of the previous answer looked at
_MARKER = re.compile(r"\s*\[\d+\]\s*$")


def previous_answer(history: list | None) -> str:
    """The text of the last assistant message (content as text or as parts), cut to its first 6,000
    characters; '' when there is none."""
    for msg in reversed(history or []):
        if isinstance(msg, dict) and msg.get("role") == "assistant":
            content = message_content(msg, "assistant")
            return content[:_MAX_ANSWER] if content is not None else ""
    return ""


def quoted_sentences(answer: str) -> list[str]:
    """The quoted lines of an answer ("- sentence [n]"), without bullet and marker."""
    out = []
    for line in answer.splitlines():
        line = line.strip()
        if not line.startswith(("- ", "• ")):
            continue
        quote = _MARKER.sub("", line[2:]).strip()
        if len(quote) >= _MIN_QUOTE:
            out.append(quote)
    return out


def cited_chunks(history: list | None, chunks: list) -> list:
    """The passages the previous answer quoted from, in the order it quoted them."""
    return cited_in(previous_answer(history), chunks)


@lru_cache(maxsize=4096)
def _padded(text: str) -> str:
    """A passage's text normalised, between spaces: once per passage, not once per turn (3.5 ms a turn)."""
    return " " + normalise(text) + " "


def cited_in(answer: str, chunks: list) -> list:
    """The passages `answer` quoted from, in the order it quoted them."""
    quotes = [normalise(q) for q in quoted_sentences(answer)]
    if not quotes:
        return []
    texts = [(c, _padded(c.text)) for c in chunks]
    out = []
    for q in quotes:
        for c, t in texts:
            if f" {q} " in t and c not in out:
                out.append(c)
                break
    return out


# A demonstrative before a noun points at a thing the conversation named: "is die cursus gratis?"
_POINTING = re.compile(r"\b(?:die|dat|deze|dit|zo'n|that|this|these|those)\s+([a-z][\w-]{3,})\b")


def referent(history: list | None, question: str, chunks: list) -> list:
    """The passages of the thing the turn points at ("die cursus"): the section of the first passage
    that the answer to the last question naming the noun ("bestaat er een cursus voor mij?") cited under a
    heading with that noun. [] when the turn points at nothing the conversation introduced so."""
    pointed = _POINTING.search(fold(question))
    if not pointed:
        return []
    noun = set(tokenize(pointed.group(1)))
    messages = list(history or [])
    pairs = [
        (asked, answer)
        for m, n in zip(messages, messages[1:], strict=False)  # content as text or as parts
        if (asked := message_content(m, "user")) is not None and (answer := message_content(n, "assistant"))
    ]
    for asked, answer in reversed(pairs):
        if noun & set(tokenize(asked)):
            named = (
                c for c in cited_in(answer[:_MAX_ANSWER], chunks) if noun & set(tokenize(c.section_path))
            )
            if (first := next(named, None)) is None:
                return []
            return [c for c in chunks if (c.source, c.section) == (first.source, first.section)]
    return []


def _asks_who(question: str) -> bool:
    return bool({answertype.WHO, answertype.PERSON} & set(answertype.answer_types(question)))


def antecedent(history: list | None, question: str) -> str:
    """After a who-question, the previous answer's first quote names whom the turn is about ("wie zit de
    tafel voor?" - "en wie is dat?", "wat doen zij?", or a fragment: "van welke gemeente?"); '' otherwise
    ("wat leer je daar?" asks about a thing)."""
    asked = user_questions(history)
    if not (asked and _asks_who(asked[-1])):
        return ""
    if not (_asks_who(question) or personal(question) or fragment(question)):
        return ""
    quoted = quoted_sentences(previous_answer(history))
    return quoted[0] if quoted else ""


def situation(detector, text: str, query: Query, history: list | None) -> Situational:
    """Whether the turn is situational, decided per turn on the turn as it is read: alone, or for a
    follow-up with the previous question ("and for sexual exploitation?" after "Where do I report forced
    labour?"; alone it says little either way). `detector`: situation.Detector.

    A follow-up that asks a question of its own is judged alone ("welk nummer was dat ook alweer?" after a
    doubt); right after a situation, whose answer had the card, it is a look-up unless surely a situation
    by itself ("mag haar zoontje mee naar de opvang?", "kan ik daar na tienen nog bellen?"). One that only
    completes the previous turn ("en bij seksuele uitbuiting?", "en als ze minderjarig is?") inherits its
    situation."""
    alone = detector.classify(text)
    previous = query.previous if query.followup else None
    if previous and asks_for_itself(text) and detector.classify(previous).situational:
        return detector.after_situation(alone)
    if not previous or alone.rule:
        asked = user_questions(history)
        return detector.in_context(text, asked[-1] if asked else None, alone)
    reading = detector.classify(f"{previous} {text}")
    if reading.situational and asks_for_itself(text):
        return alone
    return detector.in_context(text, previous, alone, reading)
