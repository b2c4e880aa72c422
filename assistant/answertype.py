"""What type of answer a question wants, and whether a sentence holds such an entity.

"hoeveel" wants a number, "e-mailadres" an address, "naam van" a person's name, "wanneer" a date or
time... When no retrieved sentence holds such an entity, the dossier does not answer the question,
however similar its passages look: the assistant then says so instead of quoting something else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.text import fold, words

NUMBER, PRICE, FREQUENCY, DURATION, YEAR, WHEN = "number", "price", "frequency", "duration", "year", "when"
PHONE, EMAIL, ADDRESS, URL, PERSON, WHO = "phone", "email", "address", "url", "person", "who"
LAW = "law"  # a legal article or law citation ("welk artikel van het Wetboek van Strafrecht")
DATE = "date"  # a particular day ("wanneer is de volgende bijeenkomst?")
WHERE = "where"  # a place or a contact ("waar meld ik ...?")
MEMBERS = "members"  # the members of a counted set ("welke drie pijlers?"): counting.names_members
ENUMERATING = re.compile(
    r"\b(welke|which|wat zijn de|what are the) (\d+|twee|drie|vier|vijf|zes|two|three|four|five|six)\b"
)

# Roles held by one person: "wie is de <role>?" asks for a name, not for an organisation.
_PERSON_ROLES = (
    r"officier|ovj|accounthouder|portefeuillehouder|burgemeester|wethouder|directeur|beleidsadviseur|"
    r"beleidsregisseur|ketenregisseur|co[o]?rdinator|zorgcoordinator|contactpersoon|rapporteur|"
    r"voorzitter van de (werkgroep|tafel)|specialist|manager|teamleider|prosecutor|mayor|officer|adviser|"
    r"advisor|"
    r"coordinator|director|contact person"
)

_TYPE_RULES: list[tuple[str, re.Pattern]] = [
    (
        DATE,
        re.compile(
            r"\b(volgende|eerstvolgende|komende|next|upcoming)\b.*\b(wanneer|datum|when|date)\b|"
            r"\b(wanneer|when)\b.*\b(volgende|eerstvolgende|komende|next|upcoming)\b|\bop welke datum\b|"
            r"\bwhat date\b|\bwelke dag\b"
        ),
    ),
    (
        PRICE,
        re.compile(
            r"\bhoeveel (kost|kosten|betaal)|\bwat (kost|kosten)\b|\bhow much (does|do|is|are)\b.*\bcost|"
            r"\bprijs\b|\bprice\b|\bkosten\b(?! van)|^kost\b|\bkost\b.*\bgeld\b|\bgratis\b|\bkosteloos\b|"
            r"\b(moet|moeten|hoeft|hoeven)\b[^?.!,]{0,30}\bbetalen\b|\b(have|has) to pay\b|"
            r"\bfree of charge\b|\bis (it|this) free\b|\bdoes (it|this|that) cost\b|"
            # an amount of money: budgets and subsidies are answered with euros or not at all
            r"\b(budget|budgetten|begroting|subsidiebedrag|bedrag|funding|grant amount)\b|"
            r"\b(leges|tarief|tarieven|fees?)\b|\bwat zijn de kosten\b|\bwhat are the costs\b|"
            r"\bhoeveel (geld|subsidie)\b|\bhow much (money|funding)\b"
        ),
    ),
    (
        NUMBER,
        re.compile(
            r"\bhoeveel\b(?! tijd)|\bhow many\b|\bhow much\b(?! time)|\bwelk aantal\b|\bhet aantal\b|"
            r"\b(group|class) size\b|\bgroepsgrootte\b|\b(minimum|maximum|minimale|maximale) aantal\b|"
            r"(?<!phone )(?<!telephone )\bnumber of\b(?! the\b)"
        ),
    ),
    (
        LAW,
        re.compile(
            r"\b(welk|welke|which|what) (wets?)?(artikel|artikelen|article|articles|wetsbepaling\w*|"
            r"bepaling\w*|section|provision)\b|\bwetsartikel\w*\b|\bart(ikel)?\.? ?\d+\w*\b|"
            r"\b(onder|in|volgens) welke (wet|wetten|regelgeving|wetsbepaling)\b|\bwetboek\b|"
            r"\b(which|what|under which) (law|act|statute)\b|\b\d+[a-z]? (sr|sv|wvsr)\b|\bstrafrecht\b|"
            # the penalty for an offence stands in the law (and is answered with it or not at all)
            r"\b(gevangenis|cel)straf\b|\bstrafmaat\b|\bmaximum(straf| penalty)\b|"
            r"\b(prison|jail) (sentence|term)\b"
        ),
    ),
    (FREQUENCY, re.compile(r"\bhoe ?vaak\b|\bhow often\b|\bhow frequently\b")),
    (DURATION, re.compile(r"\bhoe ?lang\b|\bhow long\b|\bduur van\b|\bhoeveel tijd\b|\bhow much time\b")),
    (
        YEAR,
        re.compile(r"\b(in )?welk jaar\b|\bwhat year\b|\bin which year\b|\bjaartal\b"),
    ),
    (
        WHEN,
        re.compile(
            r"\bwanneer\b|\bwhen\b|\bhoe laat\b|\bwhat times?\b|\bdatum\b|\bdate\b|"
            # hours of reaching someone: "at what hours?", "op zondag?", "'s nachts?", "in the evening?"
            r"\b(at )?what hours\b|\bopening ?(hours|times)\b|\bopeningstijden\b|\b(op )?welke tijden\b|"
            r"\b(op|on) (a )?(zondag|zaterdag|sunday|saturday)\b|\b(in het|in the|at the|at) weekends?\b|"
            r"'s (avonds|nachts)\b|\b(at|during the) night\b|\bin the evenings?\b"
        ),
    ),
    (
        EMAIL,
        re.compile(
            r"\be-? ?mail ?ad+res\b|\bmailad+res\b|\be-?mail address\b|\bmail address\b|"
            r"\b(wat|what) is (het|hun|de|the|their) e-?mail\b"
        ),
    ),
    (
        PHONE,
        re.compile(
            r"\btelefoonnummers?\b|\b(tel|telefoon)nr\b|\bphone numbers?\b|\btelephone\b|"
            r"\bnummers?\b(?!\s*\d)|\bnumber (of|for) the\b|\bwelk nummer\b|\bwhat number\b"
        ),
    ),
    (
        ADDRESS,
        re.compile(
            r"(?<!e-)(?<!mail)\b(bezoek|post)?adres\b|\bwaar (is|zit) \w+ gevestigd\b|\bgevestigd\b|"
            r"(?<!e-)(?<!mail )\baddress\b|\blocated\b"
        ),
    ),
    (
        URL,
        re.compile(
            r"\b(wat|welke) is (de|het|hun) (website|webadres|url|link)\b|\burl\b|\bwebadres\b|"
            r"\bwhat is the (website|url|link)\b|\bwhich website\b|"
            r"^((en|and) )?((hun|de|het|their|the) )?(website|site|webadres|webpagina|link)\W*$|"
            r"^((en|and) )?((hun|de|het|their|the) )?(website|webadres|webpagina|homepage) (van|of)\b|"
            # a question that ends in the word ("RIEC website?") or asks whether there is one
            r"\b(website|webadres|webpagina|homepage)\W*$|\b(heeft|hebben|has|have) .*\b(een|a) website\b|"
            r"\b(waar|where)\b.*\b(online|op (het )?internet|on the (web|internet))\b"
        ),
    ),
    (
        PERSON,
        re.compile(
            r"\bna(a)?m(en)? van\b|\bhoe he(et|ten)\b|\bhe(et|ten) (de|het|hij|zij|ze)\b|\bnames? of\b|"
            r"\bwhat (is|are) (his|her|their) names?\b|"
            rf"\b(wie|who)( is| zijn| are|'s)? (de|het|onze|the|our)? ?(\w+ ){{0,2}}\w*({_PERSON_ROLES})\w*\b"
        ),
    ),
    (WHERE, re.compile(r"\bwaar\b|^(and )?where\b|[,;:] *where\b")),
    (MEMBERS, ENUMERATING),
    # English "who" also starts relative clauses ("people who are smuggled"): only a question's "who" counts.
    (
        WHO,
        re.compile(
            r"\bwie\b|^(and |but |so )?who\b|[,;:] *(and )?who\b|\band who\b|\bwhich organi[sz]ations?\b|"
            r"\bwelke (organisaties?|afdeling(en)?|dienst(en)?|instanties?|instelling(en)?|partij(en)?)\b|"
            r"\bwhich (department|agency|agencies|body|bodies|unit)\b"
        ),
    ),
]


# "waar ... aan / op / voor / bij?" is Dutch for "waaraan, waarop, ...": to what, not where ("Waar dient
# dat formulier voor?", "Waar moet de gemeente aan voldoen?"). The preposition ends the question, or
# "aan / mee / toe" comes before the closing verb; any other word after it may start a place ("waar ...
# voor hulp?").
_PRONOMINAL = re.compile(
    r"\bwaar\b(\s+[\w'-]+){1,12}?\s+((aan|op|over|mee|voor|van|naar|uit|om|tegen|door|bij|in|onder)"
    r"|(aan|mee|toe)\s+\w+en)\W*$"
)


def answer_types(question: str) -> tuple[str, ...]:
    """The entity types the question asks for, most specific first (empty: any sentence may answer)."""
    q = fold(question)
    found = [t for t, pat in _TYPE_RULES if pat.search(q)]
    if WHERE in found and _PRONOMINAL.search(q):
        found.remove(WHERE)
    # Narrow: a price question is not also a plain count; a year or a name question not also a vague one.
    drop = {
        PRICE: {NUMBER},
        YEAR: {WHEN},
        DATE: {WHEN, YEAR},
        PERSON: {WHO},
        EMAIL: {ADDRESS},
        URL: {WHERE},
        FREQUENCY: {WHEN},
        DURATION: {WHEN},
    }
    for t in list(found):
        for d in drop.get(t, ()):
            if d in found:
                found.remove(d)
    return tuple(found)


NAME_WORD = re.compile(r"[\w&'’-]+|[^\w\s]")
# Dutch titles of laws and regulations capitalise only their first word ("Wet regulering sekswerk").
_LEGAL = words("wet regeling besluit verordening richtlijn convenant protocol")


_LAW_WORD = re.compile(r"\w{3,}(wet|wetten|regeling|circulaire|verordening)|wetboek\w*")


def named_phrases(question: str, stopwords) -> list[str]:
    """Names of two or more words the question uses, not at the start of a sentence.

    A name is a run of capitalised words ('Regionale Tafel Mensenhandel'), or a legal title: 'Wet',
    'Regeling'... with the content words after it ('Wet regulering sekswerk'). A stopword or punctuation
    ends a name, so 'Fier en CKM' gives none."""
    toks = NAME_WORD.findall(question)
    out, i = [], 0
    while i < len(toks):
        w = toks[i]
        sentence_start = i == 0 or toks[i - 1] in {".", "?", "!", ":"}
        if sentence_start or not (w[:1].isupper() and w.isalpha() and not w.isupper()):
            i += 1
            continue
        legal = fold(w) in _LEGAL or fold(w).startswith("wetboek")
        j = i + 1
        while j < len(toks) and j - i < 4 and toks[j][:1].isalnum():
            # "Wetboek van Strafrecht": a legal title runs on over "van" to a capitalised word
            # ("Jan de Vries" likewise: a name runs on over "de" to a capitalised word)
            tussen = fold(toks[j]) in _TUSSEN and j + 1 < len(toks) and toks[j + 1][:1].isupper()
            if fold(toks[j]) in stopwords and not tussen:
                break
            if not (legal or tussen or toks[j][:1].isupper()):
                break
            if tussen:
                legal = False  # "Wetboek van Strafrecht" ends with its capitalised word
            j += 1
        if j - i >= 2:
            out.append(" ".join(toks[i:j]))
        elif _LAW_WORD.fullmatch(fold(w)):
            # one-word law names ("Vreemdelingenwet", "Participatiewet") are names too
            out.append(w)
        i = max(j, i + 1)
    return out


# ---------------------------------------------------------------- entities in a sentence

_NUM_WORDS = (
    "twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|dertien|veertien|vijftien|twintig|dertig|veertig|"
    "vijftig|zestig|honderd|honderden|duizend|duizenden|tientallen|two|three|four|five|six|seven|eight|nine|ten|"
    "twelve|twenty|thirty|hundred|hundreds|thousand|thousands|dozens"
)
_PER_PERIOD = re.compile(r"\b(per|a|each|every) (jaar|maand|week|year|month)\b")
_NUMBER_RE = re.compile(rf"\b(\d+([.,]\d+)?%?|{_NUM_WORDS}|eenmaal|tweemaal|driemaal)\b")
_PRICE_RE = re.compile(
    r"€\s?\d|\b\d+([.,]\d+)? ?(euro|eur)\b|\b(gratis|kosteloos|kosteloze|free of charge|free)\b"
)
_FREQ_RE = re.compile(
    rf"\b(\d+|{_NUM_WORDS}|een|1x|\d+x|eens) ?(keer|maal|x)? (per|in de|per jaar|a|each) ?"
    r"(jaar|maand|week|dag|kwartaal|year|month|week|day)\b|"
    r"\b(jaarlijks|maandelijks|wekelijks|dagelijks|tweejaarlijks|per jaar|yearly|annually|"
    r"monthly|weekly|daily)\b"
)
_DURATION_RE = re.compile(
    rf"\b(\d+|{_NUM_WORDS}|een|enkele|paar)\s+(minuut|minuten|uur|uren|dag|dagen|week|weken|maand|maanden|jaar|"
    r"jaren|minutes|hours|days|weeks|months|years)\b|\b\d+\s?(min|u)\b|\bhalve? (dag|uur)\b"
)
# "artikel 273f", "art. 6:1", "273f Sr", "Wetboek van Strafrecht": a citation, not just the word "wet"
_LAW_RE = re.compile(
    r"\b(artikel|art\.?) ?\d+[a-z]?\b|\b\d+[a-z]? (sr|sv|wvsr)\b|\bwetboek van\b|\bstb\. ?\d+"
)
_YEAR_RE = re.compile(r"\b(19|20)\d\d\b")
_DAYS = "maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag"
_MONTHS = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
_DATE_RE = re.compile(
    rf"\b\d{{1,2}}[-/.]\d{{1,2}}[-/.](19|20)?\d\d\b|\b\d{{1,2}} ({_MONTHS})\b|"
    rf"\b({_DAYS}) \d{{1,2}}\b"
)
_CLOCK_RE = re.compile(r"\b\d{1,2}[:.]\d\d\b")  # "8:30", "22.00"
_TIME_RE = re.compile(
    rf"{_CLOCK_RE.pattern}|\b({_DAYS}|{_MONTHS}|dagelijks|voorjaar|najaar|zomer|winter|begin|eind|einde|sinds)\b"
)
_PHONE_RE = re.compile(r"(\+31|\b0)[\s-]*\d{1,3}([\s-]*\d{2,3}){2,4}\b|\b0[89]00[\s-]*\d{3,4}\b|\b112\b")
_EMAIL_RE = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_ADDRESS_RE = re.compile(
    r"\b[A-Z][a-z]+(straat|weg|laan|plein|kade|singel|dijk|gracht|dreef|park|hof|steeg|boulevard|markt)\s+\d+|"
    r"\b\d{4}\s?[A-Z]{2}\b|\bpostbus\s+\d+",
    re.IGNORECASE,
)
_URL_RE = re.compile(r"https?://\S+|\bwww\.\S+|\b[\w-]+\.(nl|com|org|eu|info|net)\b")
_VERBS = words("are is was waren were werd worden wordt zijn heeft hebben had kan kunnen")
_TUSSEN = {"van", "de", "der", "den", "ter", "ten", "te", "van't", "la", "le", "du", "von"}
_DETERMINERS = words(
    """
    a an dat de deze die dit een haar het hun ons onze the zijn
"""
)
_WORD_RE = re.compile(r"[\w'’-]+")
TOKEN_RE = re.compile(r"[\w'’-]+|[^\w\s]")


def person_names(sentence: str, lower_words: set[str]) -> list[str]:
    """Spans of 2+ capitalised words that look like a person's name.

    `lower_words` are words seen in lower case in the corpus: "Officier van Justitie" is a role, not a
    name, because "officier" also occurs in lower case. An article before the span ("het Rode Kruis",
    "de Regionale Tafel") marks an organisation; acronyms never count; punctuation ends a span.
    """

    def name_like(w: str) -> bool:
        return (
            w[:1].isupper()
            and not w.isupper()
            and len(w) > 1
            and fold(w) not in lower_words
            and not any(ch.isdigit() for ch in w)
        )

    toks = TOKEN_RE.findall(sentence)
    names, i = [], 0
    while i < len(toks):
        if not name_like(toks[i]):
            i += 1
            continue
        # Maximal run of name-like words, joined by tussenvoegsels ("Jantien van Termeij").
        caps, j, k = 1, i, i + 1
        while k < len(toks):
            if name_like(toks[k]):
                caps, j, k = caps + 1, k, k + 1
            elif (
                toks[k] in _TUSSEN
                and k + 1 < len(toks)
                and (name_like(toks[k + 1]) or toks[k + 1] in _TUSSEN)
            ):
                k += 1
            else:
                break
        preceded_by_article = i > 0 and fold(toks[i - 1]) in _DETERMINERS
        if caps >= 2 and not preceded_by_article:
            names.append(" ".join(toks[i : j + 1]))
        i = j + 1
    return names


_ROLE_RE = re.compile(rf"\b\w*(?:{_PERSON_ROLES})\w*\b")


def _role(sentence_folded: str, query_folded: str) -> bool:
    """A role ("de regionale beleidsregisseur zit dit overleg voor") that the question does not name."""
    return any(m.group(0) not in query_folded for m in _ROLE_RE.finditer(sentence_folded))


def _organisations(sentence: str, query_folded: str, lower_words: set[str]) -> bool:
    """A capitalised name or acronym the question lacks (a first word: only if never lower case here)."""
    for i, w in enumerate(_WORD_RE.findall(sentence)):
        if not w[:1].isupper() or len(w) < 2 or (i == 0 and fold(w) in lower_words):
            continue
        if fold(w) not in query_folded:
            return True
    return False


_ONE_RE = re.compile(r"\b(?:[EeÉé]én|Één)\b")


def same_word(stems: set[str], noun_stems: set[str]) -> bool:
    """A word of one set in the other, also in another form: equal stems, one stem the other plus a
    plural ending the stemmer left ("aandachtsfunctionariss" of "-issen" against "aandachtsfunctionaris"),
    or a compound of it (its last part: "zorgcoordinator" counts coordinators)."""
    return any(
        a == b
        or (min(len(a), len(b)) >= 5 and (a.startswith(b) or b.startswith(a)) and abs(len(a) - len(b)) <= 2)
        or (min(len(a), len(b)) >= 6 and (a.endswith(b) or b.endswith(a)))
        for a in stems
        for b in noun_stems
    )


CONTACTS = (URL, EMAIL, PHONE)  # kinds told by their form alone, whatever the question


def has_contact(kind: str, text: str) -> bool:
    """Does `text` hold a contact of `kind` (one of CONTACTS)?"""
    pattern = {URL: _URL_RE, EMAIL: _EMAIL_RE, PHONE: _PHONE_RE}[kind]
    return bool(pattern.search(text))


_PERIODS = {"jaar": "year", "maand": "month", "week": "week", "dag": "day"}


def _other_period(after: list[str], asked: re.Match | None) -> bool:
    """Do the words after a counted noun ("per dag") name another period than the question ("per week")?"""
    if not asked or len(after) < 2 or after[0] not in ("per", "a", "each", "every"):
        return False
    period = _PERIODS.get(after[1], after[1])
    return period in _PERIODS.values() and period != _PERIODS.get(asked.group(2), asked.group(2))


def has_entity(
    kind: str, sentence: str, *, lower_words: set[str], query: str, noun_stems: set[str], stem
) -> bool:
    """Does `sentence` contain an entity of type `kind`?

    For NUMBER with a counted noun ("hoeveel gemeenten"), the noun must follow the number closely
    ("23 gemeenten"): a sentence with some other number ("maximaal 3 maanden") does not count.
    """
    s, f = sentence, fold(sentence)
    if kind == NUMBER:
        f = fold(_ONE_RE.sub("1", s))  # the accent makes "één" a numeral ("minimaal één"), "een" is not
        if not noun_stems:
            return bool(_NUMBER_RE.search(f))
        # "60% van het personeel" counts procent; a clock time ("22:00 uur") or a phone number is no count
        toks = _WORD_RE.findall(_CLOCK_RE.sub(" ", _PHONE_RE.sub(" ", f)).replace("%", " procent"))
        asked_period = _PER_PERIOD.search(fold(query))
        if asked_period and _FREQ_RE.search(f):
            # "hoeveel bijeenkomsten per jaar?": "komt twee keer per jaar bijeen" counts the meetings
            near = {x for w in toks for x in (w, *stem(w)) if len(x) >= 5}
            if any(a.startswith(b) or b.startswith(a) for a in near for b in noun_stems if len(b) >= 5):
                return True
        for i, t in enumerate(toks):
            if not _NUMBER_RE.fullmatch(t) or _YEAR_RE.fullmatch(t):
                continue
            # "23 gemeenten", "twee nieuwe zorgcoördinatoren", "Tien Regionale Informatie- en Expertise
            # Centra (RIEC's)": the noun follows the number within its phrase; a verb ends the phrase
            # ("een jaar of tien zijn de slachtoffers" does not count slachtoffers).
            for j, w in enumerate(toks[i + 1 : i + 8], start=i + 1):
                if same_word(set(stem(w)), noun_stems):
                    if _other_period(toks[j + 1 : j + 3], asked_period):
                        break  # "24 uur per dag" does not say how many hours per week
                    return True
                if w in _VERBS:
                    break
        return False
    if kind == LAW:
        return bool(_LAW_RE.search(f))
    if kind == PRICE:
        return bool(_PRICE_RE.search(f))
    if kind == FREQUENCY:
        return bool(_FREQ_RE.search(f))
    if kind == DURATION:
        return bool(_DURATION_RE.search(f))
    if kind == YEAR:
        return bool(_YEAR_RE.search(f))
    if kind == DATE:
        return bool(_DATE_RE.search(f))
    if kind == WHEN:
        return bool(_YEAR_RE.search(f) or _TIME_RE.search(f) or _FREQ_RE.search(f) or _DURATION_RE.search(f))
    if kind in CONTACTS:
        return has_contact(kind, s)
    if kind == ADDRESS:
        return bool(_ADDRESS_RE.search(s))
    if kind == PERSON:
        return bool(person_names(s, lower_words))
    if kind == WHO:  # a name, an organisation, or a role the question does not name itself
        q = fold(query)
        return bool(person_names(s, lower_words)) or _organisations(s, q, lower_words) or _role(f, q)
    if kind == WHERE:
        contact = any(has_contact(k, s) for k in CONTACTS) or _ADDRESS_RE.search(s)
        return bool(contact) or _organisations(s, fold(query), lower_words)
    return True


@dataclass
class TypeCheck:
    """Result of checking the answer type against candidate sentences."""

    types: tuple[str, ...]
    satisfied: bool
    sentences: list[str] = field(default_factory=list)  # the sentences that hold the entity
    missing: tuple[str, ...] = ()  # the types no relevant sentence holds
    holders: frozenset[int] = frozenset()  # positions (in the checked list) of the sentences that hold one
