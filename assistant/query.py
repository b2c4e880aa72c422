"""From a typed question to what retrieval needs: clean text, stemmed terms, corrections, translations.

- `clean_question` strips control characters and broken surrogates and enforces the length limit.
- Terms the index does not know are corrected against its vocabulary (assistant/vocabulary.py:
  "portefeuilehouder" finds "portefeuillehouder"), read as a related form, or split as a compound.
- English words reach the Dutch passages through assistant/glossary.toml (domain vocabulary).
- A follow-up ("en bij criminele uitbuiting?", "hoe lang duurt die dan?") is read together with the previous
  user question, when it refers back and is on the same topic; a new topic stands alone.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from assistant.errors import QuestionError
from assistant.followup import ENGLISH_STOP as _ENGLISH_STOP
from assistant.followup import QUESTION_WORDS as _QUESTION_WORDS
from assistant.followup import asks_for_itself, is_followup, refers_back
from assistant.intent import detect_lang
from assistant.vocabulary import WORD, Vocabulary
from index.lexical import DUTCH_STOPWORDS, tokenize
from index.text import fold

GLOSSARY = Path(__file__).with_name("glossary.toml")

_MAX_PREVIOUS = 500  # characters of the previous question used for a follow-up


def clean_question(text: str, max_chars: int) -> str:
    """The question without control characters or broken surrogates; QuestionError when empty or too long."""
    text = sanitize(text)
    if not text:
        raise QuestionError("Typ een vraag over het dossier, bijvoorbeeld: Wat is mensenhandel?")
    if len(text) > max_chars:
        raise QuestionError(
            f"De vraag is te lang ({len(text)} tekens); de grens is {max_chars} tekens. Maak de vraag korter."
        )
    return text


def sanitize(text) -> str:
    """Text without broken surrogates or control characters, whitespace collapsed; never raises."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    # Lone surrogates (from broken clients) cannot be encoded; drop them rather than fail later.
    text = "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF)
    text = unicodedata.normalize("NFC", text)
    out = []
    for c in text:
        cat = unicodedata.category(c)
        if cat == "Cc" or c in "\u2028\u2029":
            out.append(" ")  # newlines and tabs become spaces; other control characters too
        elif cat == "Cf" and c not in "\u200d":  # zero-width and direction marks; keep emoji joiners
            continue
        else:
            out.append(c)
    return re.sub(r"\s+", " ", "".join(out)).strip()


@lru_cache(maxsize=4)
def load_glossary(path: Path = GLOSSARY) -> dict[str, dict[str, tuple[str, ...]]]:
    """{'en': {phrase: dutch terms}, 'nl': {...}} with keys folded to lower case."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {
        lang: {fold(k): tuple(v) for k, v in table.items()}
        for lang, table in data.items()
        if isinstance(table, dict)
    }


@dataclass
class Query:
    """A question prepared for retrieval and answering."""

    text: str  # the cleaned question as typed
    lang: str  # "nl" or "en"
    search_text: str  # text for the dense embedding (with the previous question for a follow-up)
    terms: Terms  # stems of this question, with synonyms and corrections
    context: Terms | None = None  # stems of the previous question (follow-up only)
    followup: bool = False
    previous: str | None = None
    extra: list[str] = field(default_factory=list)  # weak terms added by intent (situational: help)

    @property
    def core(self) -> list[str]:
        return self.terms.core

    @property
    def context_core(self) -> list[str]:
        return [t for t in self.context.core if t not in self.terms.core] if self.context else []

    @property
    def type_text(self) -> str:
        """The question with typos corrected, for the answer-type rules."""
        return self.terms.corrected_text or self.text

    @property
    def type_texts(self) -> list[str]:
        """Where to look for the answer type: the question, and for a follow-up also the one before it
        ('Hoe vaak komt de tafel bijeen?' - 'en het platform?' still asks how often), unless the turn
        has a question of its own ('en is die geaccrediteerd?' asks yes or no, not how long)."""
        texts = [self.type_text]
        if self.followup and self.context is not None and not asks_for_itself(self.text):
            texts.append(self.context.corrected_text or self.previous or "")
        return texts

    def lexical_terms(self) -> list[str]:
        """BM25 query: own terms twice (they outweigh the previous question's), synonyms, context."""
        syn = [a for t in self.core for a, w in self.terms.alts.get(t, {}).items() if w >= SYNONYM]
        return self.core * 2 + syn + self.context_core + [t for t in self.extra if t not in self.core]

    def expansion_terms(self) -> list[str]:
        """Weaker BM25 query: the terms with the compounds they head."""
        comp = [a for t in self.core for a, w in self.terms.alts.get(t, {}).items() if w < SYNONYM]
        return self.core + comp if comp else []

    @property
    def unknown(self) -> list[str]:
        return self.terms.unknown

    @property
    def coverage(self) -> float:
        """Share of the question's content words the dossier knows (after correction)."""
        if not self.terms.content:
            return 1.0
        return 1.0 - len(self.terms.unknown) / self.terms.content

    @property
    def salient_unknown(self) -> list[str]:
        """Unknown words that name a topic: long (compound) terms, codes with digits, acronyms.

        Short everyday words the dossier happens not to use ('club', 'zelfde') say little."""
        return [w for w in self.terms.unknown if is_salient(w)]

    @property
    def unknown_codes(self) -> list[str]:
        """Unknown identifiers: letters with digits ('B8', 'art273f') or acronyms typed in capitals ('IND').

        A question naming a specific regulation, form or body the dossier never mentions is not answered
        by it, however well the rest of the question matches."""
        return [w for w in self.terms.unknown if is_code(w)]

    @property
    def novelty(self) -> float:
        """Share of the content words that are salient and unknown to the dossier."""
        return len(self.salient_unknown) / self.terms.content if self.terms.content else 0.0


_PARTICIPLE = re.compile(
    r"^(bij|op|uit|aan|af|in|mee|door|over|toe|terug|samen|voor|na|om|vast|weg)?ge\w{3,}[dt]$"
)


def is_code(word: str) -> bool:
    """'B8', 'art273f', 'IND': letters mixed with digits, or 2–6 capitals as typed."""
    bare = word.replace("-", "")
    mixed = any(ch.isdigit() for ch in bare) and any(ch.isalpha() for ch in bare)
    return mixed or (2 <= len(bare) <= 6 and bare.isupper() and bare.isalpha())


def is_salient(word: str) -> bool:
    """A term rather than an everyday word: 9+ letters (not a participle like 'bijgewerkt'), a digit,
    or an acronym as typed ('IND')."""
    bare = word.replace("-", "")
    if any(ch.isdigit() for ch in bare) or (len(bare) >= 2 and bare.isupper()):
        return True
    return len(bare) >= 9 and not _PARTICIPLE.match(fold(bare))


def message_content(msg, role: str):
    """The content of a history message of `role` as text (content as text or as a list of parts), or None
    for another role or a malformed message."""
    if not isinstance(msg, dict) or msg.get("role") != role:
        return None
    content = msg.get("content")
    if isinstance(content, list):
        content = " ".join(
            str(p.get("text") or "") if isinstance(p, dict) else str(p)
            for p in content
            if isinstance(p, dict | str)
        )
    return content if isinstance(content, str) else None


def user_questions(history: list | None) -> list[str]:
    """The user messages of a Gradio messages history (content as text or as parts), cleaned, oldest first."""
    out = []
    for msg in history or []:
        content = message_content(msg, "user")
        if content is not None:
            # History comes from the client: clean it like a question, and keep only its end.
            text = sanitize(content)[-_MAX_PREVIOUS:]
            if text:
                out.append(text)
    return out


def previous_user_question(history: list | None, depth: int = 3) -> str | None:
    """The previous question as it was read: the last user message, with the ones before it while it
    referred back ("Wat is de e-learning?" "hoe lang duurt die ongeveer?" → "en is die geaccrediteerd?")."""
    asked = user_questions(history)
    if not asked:
        return None
    reading = [asked[-1]]
    for earlier in reversed(asked[-depth:-1]):
        if not refers_back(reading[0]):
            break
        reading.insert(0, earlier)
    return " ".join(reading)[-_MAX_PREVIOUS:]


@dataclass
class Terms:
    """The stems of one question: one core stem per content word, each with its alternatives."""

    core: list[str] = field(default_factory=list)
    alts: dict[str, dict[str, float]] = field(default_factory=dict)  # core -> {alternative: weight}
    corrections: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    content: int = 0
    corrected_text: str = ""

    def add(self, stems: list[str], alternatives: list[str] = (), weight: float = 1.0) -> None:
        """Add core stems; `alternatives` (synonyms, translations) count as matching each of them."""
        for st in stems:
            if st not in self.core:
                self.core.append(st)
            group = self.alts.setdefault(st, {})
            for a in alternatives:
                if a != st and group.get(a, 0.0) < weight:
                    group[a] = weight


SYNONYM = 1.0  # glossary translation or synonym: as good as the word itself
COMPOUND = 0.6  # a compound with the word as its head ('cijfer' -> 'kerncijfer')


def _stems(words) -> list[str]:
    return [t for w in words for t in tokenize(w)]


def analyse_terms(text: str, lang: str, vocab: Vocabulary) -> Terms:
    """Core stems of `text` with synonyms/translations/compounds; typos corrected; unknown words listed."""
    glossary = load_glossary()
    out = Terms()
    used: set[int] = set()  # positions of words taken by an English glossary phrase
    words = WORD.findall(text)
    if lang == "en":  # "anti-trafficking" is "trafficking" to the glossary; "e-learning" stays whole
        parts = [[w] if fold(w).replace("-", "") in vocab.surface else w.split("-") for w in words]
        words = [p for group in parts for p in group if p]
        # Each English phrase becomes its first Dutch rendering, the others count as the same term.
        for positions, dutch in english_phrases(words):
            used.update(positions)
            first, rest = tokenize(dutch[0]), _stems(dutch[1:])
            out.add(first, rest + first, SYNONYM)
            out.content += 1
    synonyms_nl = glossary.get("nl", {})
    corrected_words = []
    for pos, raw in enumerate(words):
        w = fold(raw)
        corrected_words.append(raw)
        if (
            w in DUTCH_STOPWORDS
            or w in _QUESTION_WORDS
            or (lang == "en" and w in _ENGLISH_STOP)
            or pos in used
        ):
            continue
        stems = tokenize(w)
        if not stems:
            continue
        out.content += 1
        syn = _stems(synonyms_nl.get(w, ())) if lang == "nl" else []
        if lang == "en":
            # English words count only as they stand in the dossier (names, 'training', 'online'):
            # through the Dutch stemmer 'take' would meet 'taken' (tasks).
            if w.replace("-", "") in vocab.surface or (w in vocab.surface_short and stems[0] in vocab.df):
                out.add(stems)
                continue
        elif all(st in vocab.df for st in stems):
            out.add(stems, syn, SYNONYM)
            continue
        if syn:  # a word the dossier does not use, but a synonym it does ('loverboy')
            out.add([syn[0]], syn, SYNONYM)
            continue
        # Whole word first ('e-learing' -> 'e-learning'), then each part of a hyphenated word.
        fixed, known = _repair(w.replace("-", ""), lang, vocab)
        if fixed:
            out.add(fixed)
            out.corrections[raw] = "+".join(fixed)
            if not known:
                out.unknown.append(raw)
            elif len(fixed) == 1:
                corrected_words[-1] = _surface_for(vocab, fixed[0], w)
            continue
        missing = False
        for raw_part in [p for p in raw.split("-") if p]:
            part = fold(raw_part)
            pst = tokenize(part)
            known = part in vocab.surface or part in vocab.surface_short if lang == "en" else True
            if not pst or (known and "-" in w and all(st in vocab.df for st in pst)):
                out.add(pst)
                continue
            fixed, known = _repair(part, lang, vocab)
            if fixed:
                out.add(fixed)
                out.corrections[part] = "+".join(fixed)
                if not known:
                    out.unknown.append(raw_part)
            elif lang == "nl" or any(ch.isdigit() for ch in part):
                out.unknown.append(raw_part)
                missing = True
        if not missing and lang == "en" and not any(st in vocab.df for st in stems):
            # An English word with no translation says nothing about the dossier either way.
            out.content -= 1
    for t in list(out.core):
        out.add([t], vocab.heads(t), COMPOUND)
    out.corrected_text = " ".join(corrected_words)
    return out


def _repair(word: str, lang: str, vocab: Vocabulary) -> tuple[list[str] | None, bool]:
    """Stems for a word the index does not know (a typo fix, a related form, or a compound split), and
    whether the dossier can be said to know the word: a related form ('directeur' ~ 'directe') is
    searched for, but the word itself still counts as missing."""
    fixed = vocab.correct(word, strict=lang == "en")
    if fixed:
        return [fixed], True
    if lang != "nl":
        return None, False
    related = vocab.related(word)
    if related:
        return [related], False
    parts = vocab.split_compound(word)
    return parts, bool(parts)


def _english_stems(words) -> list[str]:
    return _english_stemmer().stemWords([fold(w) for w in words])


@lru_cache(maxsize=1)
def _english_stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _english_tables() -> tuple[list, list]:
    """English glossary phrases, longest first: as written, and as stems ('organises' meets 'organise')."""
    table = load_glossary().get("en", {})
    exact = [(tuple(WORD.findall(k)), v) for k, v in table.items()]
    stemmed = [(tuple(_english_stems(WORD.findall(k))), v) for k, v in table.items()]
    return (
        sorted((r for r in exact if r[0]), key=lambda r: -len(r[0])),
        sorted((r for r in stemmed if r[0]), key=lambda r: -len(r[0])),
    )


def english_phrases(words: list[str]) -> list[tuple[list[int], tuple[str, ...]]]:
    """English glossary phrases in `words`: (positions, Dutch terms), longest first, each word used once."""
    # Words as written first ('region' and 'regional' share a stem but not a meaning), then stems.
    exact, stemmed = _english_tables()
    taken = [False] * len(words)
    found = []
    for seq, table in (([fold(w) for w in words], exact), (_english_stems(words), stemmed)):
        for key, dutch in table:
            n = len(key)
            for i in range(len(seq) - n + 1):
                if tuple(seq[i : i + n]) == key and not any(taken[i : i + n]):
                    for j in range(i, i + n):
                        taken[j] = True
                    found.append((list(range(i, i + n)), dutch))
    return found


def _surface_for(vocab: Vocabulary, stem: str, typed: str) -> str:
    """A passage word with this stem, closest in length to what was typed (for answer-type rules)."""
    words = [w for w, s in vocab.surface.items() if s == stem]
    return min(words, key=lambda w: abs(len(w) - len(typed))) if words else typed


def situational_terms(vocab: Vocabulary) -> list[str]:
    """Stems of the glossary's [situational] terms that the dossier uses."""
    words_ = load_glossary().get("situational", {}).get("terms", ())
    return [t for t in dict.fromkeys(_stems(words_)) if t in vocab.df]


# Every answer comes from the dossier: "volgens het dossier" names no topic (the word drew the introduction)
_SOURCE = re.compile(r"\b(volgens|in|uit|according to) (het|dit|the|this) (dossier|document)\b", re.I)


def prepare(
    question: str,
    vocab: Vocabulary,
    history: list | None = None,
    related: Callable[[str, str], bool] | None = None,
    answered: str = "",
) -> Query:
    """Analyse a cleaned question (a follow-up with the previous one and `answered`, see conversation)."""
    lang = detect_lang(question)
    asked = _SOURCE.sub(" ", question).strip()  # "wat is X volgens het dossier?" asks about X
    terms = analyse_terms(asked, lang, vocab)
    if asked != question and not terms.core:  # "wat staat er in het dossier?" asks about the dossier
        asked, terms = question, analyse_terms(question, lang, vocab)
    previous = previous_user_question(history)
    if not (previous and is_followup(question, previous, related)):
        return Query(question, lang, asked, terms)
    read = f"{previous} {answered}" if answered else previous
    context = analyse_terms(read, detect_lang(previous), vocab)
    return Query(question, lang, f"{read} {asked}", terms, context, True, previous)
