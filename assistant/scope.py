"""Does the dossier answer this question? The signals, and the decision to say it does not.

Refuse on evidence of absence only:
  the question asks for a kind of fact (phone number, e-mail, address, website, amount, number, date,
    year, law article, name) that no relevant sentence of the first passages holds,
  or names something the dossier never mentions (a code like 'B8', a law like 'Wet regulering
    sekswerk', an organisation),
  or nothing retrieved is close: the question is nearer to an example of what the dossier does not
    cover (assistant/offtopic.txt) than to its best sentence, or the best passage and the best sentence
    are both far from the question (cosines under the calibrated thresholds) and BM25 finds little,
  or the learned model (assistant/outofscope.py: the question's embedding and these signals) says the
    dossier does not treat it at all.
A question word missing from the dossier is never a reason by itself: it may stand inside a compound,
be a synonym, a number written as a word, or the question may be answered by an organisation.

The thresholds are calibrated on the dev set (`dossier eval --calibrate FILE`) and live in Settings.
Situational questions are never refused: the caller does not ask.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from assistant import answertype
from assistant.answer import TYPE_WORDS, Sentence, match_share
from assistant.counting import counted_stems, names_members
from assistant.query import Query
from assistant.retrieve import Hit
from index.lexical import DUTCH_STOPWORDS, tokenize
from index.text import fold, normalise

_NAME_STOP = DUTCH_STOPWORDS | {"voor", "bij", "tegen", "over", "als"}


@dataclass(frozen=True)
class Thresholds:
    """Out-of-scope decision; calibrated on the dev set (`dossier eval --calibrate`); the values live in
    Settings (DOSSIER_OOS_*)."""

    min_lexical: float  # best BM25 score...
    min_dense: float  # ...best passage cosine...
    min_sentence: float  # ...and best sentence cosine: below all three, nothing in the dossier is close
    max_off_topic: float  # nearer to an off-topic example than to the dossier by more than this
    max_off_scope: float = 2.0  # the learned model's probability from which it refuses (2: never)

    @classmethod
    def from_settings(cls, settings) -> Thresholds:
        return cls(
            settings.oos_min_lexical,
            settings.oos_min_dense,
            settings.oos_min_sentence,
            settings.oos_max_off_topic,
            learned_threshold(),
        )


def learned_threshold() -> float:
    """The threshold of the shipped out-of-scope model (assistant/outofscope.py); 2.0 (never) without it."""
    from assistant import outofscope

    model = outofscope.shipped()
    return model.threshold if model is not None else 2.0


@dataclass
class Signals:
    """What the out-of-scope decision looked at (shown by the calibration report)."""

    coverage: float
    novelty: float
    codes: list[str]  # unknown identifiers ('B8'): the question names something the dossier lacks
    top_coverage: float  # best idf-weighted share of the question's terms in one of the first passages
    top_lexical: float
    top_dense: float
    top_fused: float
    types: tuple[str, ...]
    types_ok: bool
    unknown: list[str]
    missing_types: tuple[str, ...] = ()
    topic_terms: int = 1  # question terms the dossier has that pin down a topic (not in most passages)
    missing_names: list[str] = field(default_factory=list)  # names in the question the dossier never uses
    unknown_words: int = 0  # content words the dossier does not have at all
    top_sentence: float = 1.0  # best cosine of the question with one sentence of the retrieved passages
    top_quote: float = 1.0  # the quote model's best probability that a sentence answers the question
    off_topic: float = -1.0  # closeness to the nearest off-topic example less top_sentence (offtopic.py)
    off_scope: float = 0.0  # the learned model's probability that the dossier does not treat it at all
    unknown_names: list[str] = field(default_factory=list)  # one-word names the dossier never uses ('Nidos')


# The kinds of fact whose absence from every relevant sentence means the dossier does not answer.
# (Durations, times, 'wie' and 'waar' are not among them: they are answered in too many ways — "een
# dagdeel", "in het voorjaar", an organisation that acts — to refuse on their absence.)
REFUSING_TYPES = frozenset(
    {
        answertype.PHONE,
        answertype.EMAIL,
        answertype.ADDRESS,
        answertype.URL,
        answertype.PRICE,
        answertype.NUMBER,
        answertype.DATE,
        answertype.YEAR,
        answertype.LAW,
        answertype.PERSON,
        answertype.MEMBERS,
    }
)


def refuse(s: Signals, t: Thresholds) -> bool:
    """The out-of-scope decision (see the module docstring)."""
    if s.codes or s.missing_names or set(s.missing_types) & REFUSING_TYPES:
        return True
    if s.off_topic > t.max_off_topic or s.off_scope >= t.max_off_scope:
        return True
    if s.unknown_names and s.off_scope >= NAMED_ODDS:
        return True
    return s.top_lexical < t.min_lexical and s.top_dense < t.min_dense and s.top_sentence < t.min_sentence


# A one-word name the dossier never uses ("Wat doet Nidos?") refuses when the learned model also leans that
# way: alone it may be a place or a common word the dossier writes otherwise ("Europa" for the EU). On the
# tuning sets the names in questions the dossier answers came with odds under 0.01, the others 0.45-0.95.
NAMED_ODDS = 0.3


def unknown_names(question: str, text_norm: str, known) -> list[str]:
    """Capitalised words, not opening a sentence, that the dossier never uses, nor a word one slip away
    (`known(word)`: the vocabulary's typo correction)."""
    toks = answertype.NAME_WORD.findall(question)
    out = []
    for i, w in enumerate(toks):
        if i == 0 or toks[i - 1] in {".", "?", "!", ":"}:
            continue
        name = len(w) >= 3 and w.isalpha() and w[:1].isupper() and not w.isupper()
        if name and f" {normalise(w)}" not in text_norm and not known(fold(w)):
            out.append(w)
    return out


def missing_names(question: str, text_norm: str) -> list[str]:
    """Names of two or more words in the question whose first two words never stand together in the dossier
    ('Wet regulering sekswerk'), where the dossier's own names ('Regionale Tafel') do."""
    missing = []
    for name in answertype.named_phrases(question, _NAME_STOP):
        first_two = " ".join(normalise(name).split()[:2])
        if f" {first_two} " not in text_norm:
            missing.append(name)
    return missing


def specific_terms(query: Query, vocabulary: dict[str, int], n_docs: int) -> set[str]:
    """Question terms that pin down a topic: not in most passages, not about the kind of answer."""
    limit = max(2, int(0.25 * n_docs))
    out = set()
    for t in query.core:
        if t in TYPE_WORDS:
            continue
        # a synonym that is specific makes the term specific; a compound it heads does not
        group = {t} | {a for a, w in query.terms.alts.get(t, {}).items() if w >= 1.0}
        if min(vocabulary.get(g, n_docs) for g in group) <= limit:
            out |= group
    return out


def continued_terms(query: Query, vocabulary: dict[str, int], n_docs: int) -> set[str]:
    """For a follow-up, the specific terms of the question it continues that it does not repeat: its topic
    may stand there ("hoe lang duurt die ongeveer?" after "Vertel eens over de e-learning BUIT.")."""
    if not (query.followup and query.context is not None):
        return set()
    previous = dataclasses.replace(query, terms=query.context)
    return specific_terms(previous, vocabulary, n_docs) & set(query.context_core)


# A bound the question asks for ("maximum class size?", "met hoeveel collega's moeten we minstens komen?")
# is answered by a number under the same bound ("een groep van minimaal 30 deelnemers"), whatever it counts.
_BOUNDS = (
    "minimaal|minimale|minimum|minstens|ten minste|at least",
    "maximaal|maximale|maximum|hoogstens|at most",
)


def same_bound(question: str, sentence: str) -> bool:
    """Does `sentence` give a number under a bound (minimum, maximum) that `question` asks for?"""
    q, f = fold(question), fold(sentence)
    # "ten minste 1x per jaar" bounds how often, not how many
    number = r"\d+(?![\d.,]*\s*(x|keer|maal|times)\b)"
    return any(re.search(rf"\b({b})\b", q) and re.search(rf"\b({b}) (\w+ )?{number}", f) for b in _BOUNDS)


def check_types(
    query: Query,
    hits: list[Hit],
    sentences: list[Sentence],
    *,
    vocabulary: dict[str, int],
    n_docs: int,
    lower_words: set[str],
    idf: dict[str, float],
    depth: int = 3,
    strict: bool = False,
) -> answertype.TypeCheck:
    """Is each answer type the question asks for present in a relevant sentence of the top passages?

    Relevant: the sentence, its neighbours or its section heading share a specific question term;
    `strict` (passages ranked lower): the sentence itself.
    """
    types = ()
    for text in [query.text, *query.type_texts]:
        types = answertype.answer_types(text)
        if types:
            break
    if not types:
        return answertype.TypeCheck((), True)
    specific = specific_terms(query, vocabulary, n_docs) or set(query.core)
    specific |= continued_terms(query, vocabulary, n_docs)  # "webadres?" after a question on the NLA
    # English around a Dutch name may leave no term to pin the topic; words the dossier lacks still pin
    # one ("de officier van justitie" in a dossier without it): then no sentence is on the topic.
    unpinned_topic = not specific and not query.unknown
    noun_stems = counted_stems(query.type_text, query.lang, idf)
    by_hit: dict[int, list[Sentence]] = {}
    for s in sentences:
        by_hit.setdefault(s.hit, []).append(s)
    position = {id(s): i for i, s in enumerate(sentences)}
    ok_types, holding, holders = set(), [], set()
    for h, all_sents in by_hit.items():
        if h >= depth:
            continue
        section = set(tokenize(hits[h].chunk.section_path))
        sents = [s for s in all_sents if not s.heading]
        for i, s in enumerate(sents + [s for s in all_sents if s.heading]):
            near = set(s.stems) | (set() if strict else section)
            # a term may stand inside a compound or an address ("riec" in riecrotterdam.nl); the sentence is
            # normalised only when a term is still missing (this runs for every candidate, every question)
            if inside := [t for t in specific if len(t) >= 4 and t not in near]:
                compact = normalise(s.text).replace(" ", "")
                near |= {t for t in inside if t in compact}
            for j in (i - 1, i + 1):
                if 0 <= j < len(sents) and not s.heading and not strict:
                    near |= sents[j].stems
            # (an unpinned topic: every sentence counts). A number followed by the noun counted ("23
            # gemeenten" for "hoeveel gemeenten telt de regio?") is on the topic by itself: the noun
            # may be too common in the dossier to pin one.
            on_topic = unpinned_topic or answertype.same_word(near, specific)
            for t in types:
                if not on_topic and not (t == answertype.NUMBER and noun_stems):
                    continue
                if s.heading and t in (answertype.PERSON, answertype.WHO):
                    continue  # headings are title-cased names of organisations, not people
                if (
                    names_members(query.type_text, s.text)
                    if t == answertype.MEMBERS
                    else answertype.has_entity(
                        t,
                        s.text,
                        lower_words=lower_words,
                        query=query.text,
                        noun_stems=noun_stems,
                        stem=tokenize,
                    )
                    or (t == answertype.NUMBER and same_bound(query.type_text, s.text))
                ):
                    ok_types.add(t)
                    holders.add(position[id(s)])
                    holding.append(s.text)
    missing = tuple(t for t in types if t not in ok_types)
    return answertype.TypeCheck(types, not missing, holding, missing, frozenset(holders))


def top_coverage(
    query: Query, hits: list[Hit], sentences: list[Sentence], idf: dict, depth: int = 3
) -> float:
    """The best idf-weighted share of the question's terms that one of the first passages holds."""
    default = max(idf.values(), default=1.0)
    stems: dict[int, set[str]] = {}
    for s in sentences:
        if s.hit < depth:
            stems.setdefault(s.hit, set(tokenize(hits[s.hit].chunk.section_path))).update(s.stems)
    return max(
        (match_share(st, query.core, query.terms.alts, idf, default) for st in stems.values()), default=0.0
    )


_MISSING_NL = {
    answertype.NUMBER: "Het dossier noemt daar geen aantal bij.",
    answertype.PRICE: "Het dossier noemt daar geen bedrag bij.",
    answertype.FREQUENCY: "Het dossier zegt niet hoe vaak.",
    answertype.DURATION: "Het dossier zegt niet hoe lang.",
    answertype.YEAR: "Het dossier noemt daar geen jaar bij.",
    answertype.DATE: "Het dossier noemt daar geen datum bij.",
    answertype.WHEN: "Het dossier zegt niet wanneer.",
    answertype.PHONE: "Het dossier noemt daar geen telefoonnummer bij.",
    answertype.LAW: "Het dossier noemt daar geen wetsartikel bij.",
    answertype.EMAIL: "Het dossier noemt daar geen e-mailadres bij.",
    answertype.ADDRESS: "Het dossier noemt daar geen adres bij.",
    answertype.URL: "Het dossier noemt daar geen webadres bij.",
    answertype.PERSON: "Het dossier noemt daar geen naam bij.",
    answertype.WHO: "Het dossier noemt daar geen persoon of organisatie bij.",
    answertype.MEMBERS: "Het dossier somt ze niet op.",
}
_MISSING_EN = {
    answertype.NUMBER: "The dossier gives no number for it.",
    answertype.PRICE: "The dossier gives no amount for it.",
    answertype.FREQUENCY: "The dossier does not say how often.",
    answertype.DURATION: "The dossier does not say how long.",
    answertype.YEAR: "The dossier gives no year for it.",
    answertype.DATE: "The dossier gives no date for it.",
    answertype.WHEN: "The dossier does not say when.",
    answertype.PHONE: "The dossier gives no phone number for it.",
    answertype.LAW: "The dossier cites no legal article for it.",
    answertype.EMAIL: "The dossier gives no e-mail address for it.",
    answertype.ADDRESS: "The dossier gives no address for it.",
    answertype.URL: "The dossier gives no web address for it.",
    answertype.PERSON: "The dossier gives no name for it.",
    answertype.WHO: "The dossier names no person or organisation for it.",
    answertype.MEMBERS: "The dossier does not list them.",
}


def what_is_missing(s: Signals, lang: str) -> str:
    """One fixed sentence on why: the entity type asked for, or the words the dossier lacks."""
    missing = [t for t in s.missing_types if t in REFUSING_TYPES]
    if missing:
        table = _MISSING_EN if lang == "en" else _MISSING_NL
        return table.get(missing[0], "")
    named = s.codes or s.missing_names or s.unknown_names
    if named:
        words = ", ".join(f"‘{w}’" for w in named[:3])
        return (
            f"The dossier does not mention {words}." if lang == "en" else f"Het dossier noemt {words} niet."
        )
    return ""
