"""What kind of question this is: its language, and whether it is situational.

Situational = the officer describes a concrete situation, a doubt or gut feeling, or asks what to do,
where to report or whom to call. Such questions always get the meldpunt card (decided here, by rules,
not by retrieval). The rules are small families of cues; a strong cue decides alone, weak cues must
come in pairs, so a plain look-up that happens to contain "terecht" or "slachtoffer" stays a look-up.
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

_W = r"[^?.!;]"  # within one clause
_ME = r"(ik|we|wij|je|jij)"
_CAN = r"(moet|moeten|kan|kun|kunnen|zou|zouden|mag)"
_IT = r"(dit|dat|het|hiermee|daarmee|deze \w+)"

# Each cue family counts once. Strong families decide alone.
_STRONG = {
    "what-to-do": [
        # "wat kan ik doen om bewustwording te vergroten" asks for policy, not about a situation
        # ... and "wat kan ik doen met de Koffer Verkeerd" asks how to use something
        rf"\bwat {_CAN} {_ME}\b{_W}{{0,40}}\b(doen|ondernemen)\b(?! om\b)(?! met (de|het|een)\b)",
        r"\bwat is (hier )?wijsheid\b",
        r"\bwat (adviseer|adviseert|raad|raadt) (je|jij|u)\b",
        r"\bwat zou(den)? (jij|u|jullie|je) doen\b",
        rf"\bhoe {_CAN} {_ME} (hier |daar |nu |dan )?(het beste )?(handelen|reageren|optreden|ingrijpen)\b",
        rf"\bwelke stappen {_CAN} {_ME}\b",
        r"\bhoe (help|helpen) (ik|we|wij) (hem|haar|hen|ze|die|deze \w+)\b",
        r"\bwat te doen\b",
        r"\bwat nu\s*\??\s*$",
        r"\bwat doe (ik|we|je)\b",
        rf"\bwat {_CAN} {_ME} (hier ?mee|daar ?mee|ermee|met (dit|dat|deze|zo'n) \w+)\b",
        rf"\b(bij wie|waar|naar wie) {_CAN} {_ME} {_IT}\b{_W}{{0,20}}"
        r"\b(kwijt|melden|neerleggen|bespreken|voorleggen|terecht|heen)\b",
        r"\bwhat (should|can|do) (i|we) do (with|about) (this|that|it)\b",
        rf"\bhoe (pak|pakken|ga|gaan|moet|kan|kun|kunnen|moeten) {_ME} "
        r"(dit|dat|hiermee|hier|daarmee|deze|zoiets)\b",
        r"\bvervolgstap",
        rf"\b(wat|hoe) {_CAN} (ik|we|wij) (hem|haar|hen|ze|die|deze \w+|de \w+)\b{_W}{{0,20}}"
        r"\b(adviseren|helpen|doorverwijzen|verwijzen|sturen|ondersteunen)\b",
        rf"\bwhat (should|can|must|do|could) (i|we)\b{_W}{{0,30}}\bdo\b",
        r"\bnext steps?\b",
        r"\bhow (do|should|can) (i|we) (handle|deal with|approach|respond)\b",
    ],
    "where-to-report": [
        rf"\bwaar (meld|melden|kan|kun|kunnen|moet|moeten|zou)\b{_W}{{0,40}}\b(melden|gemeld|melding|meld)\b",
        r"\bwaar meld\b",
        rf"\b({_CAN}) {_ME} (een |de |hier een |dit )?(melding|aangifte) (doen|maken)\b",
        rf"\b({_CAN}|zal) {_ME}\b{_W}{{0,40}}\b(melden|gemeld|doorgeven|aangeven)\b",
        r"\bhoe meld (ik|we|je)\b",
        rf"\bhoe (doe|maak) (ik|we|je)\b{_W}{{0,30}}\b(melding|aangifte)\b",
        rf"\bwhere (do|can|should|could|must) (i|we)\b{_W}{{0,30}}\breport\b",
        rf"\b(should|can|must|do) (i|we)\b{_W}{{0,20}}\breport\b",
        rf"\bhow (do|can|should) (i|we)\b{_W}{{0,20}}\breport\b",
    ],
    "whom-to-call": [
        r"\bwie (bel|bellen)\b",
        # infinitives, also the ones join_particles makes from "wie schakel ik in", "neem ik contact op"
        rf"\b(wie|welke (\w+ )?(organisatie|instantie|hulpverlener|partij)\w*)\b{_W}{{0,40}}\b(opbellen|"
        r"inschakelen|inlichten|inseinen|informeren|tippen|alarmeren|contact opnemen|aanspreken|"
        r"bijschakelen|aanhaken|oppakken|overdragen|doorverwijzen|waarschuwen)\b",
        rf"\bwie {_CAN} {_IT}\b{_W}{{0,20}}\b(oppakken|overnemen|opvolgen|aanpakken|behandelen)\b",
        rf"\b(waar|naar wie|bij wie)\b{_W}{{0,40}}\b(naartoe|heen|door) (sturen|verwijzen|brengen|"
        r"sturen|doorsturen)\b",
        rf"\b(waar|naar wie)\b{_W}{{0,40}}\b(doorsturen|doorverwijzen|verwijzen|heensturen)\b",
        rf"\bmet wie\b{_W}{{0,40}}\bcontact\b",
        r"\bwho (do|should|can|could|must) (i|we)\b[^?.!;]{0,30}\b(call|contact|phone|ring|alert|inform|"
        r"notify|involve|refer \w+ to|turn to)\b",
        r"\bwhere (do|should|can|could|must) (i|we) (send|refer|take) (him|her|them)\b",
        rf"\bwie\b{_W}{{0,30}}\b(bellen|inschakelen|benaderen|waarschuwen)\b",
        rf"\bwie (kan|kunnen) (hem|haar|hen|ze|die|dit \w+|deze \w+)\b{_W}{{0,20}}"
        r"\b(helpen|opvangen|ondersteunen)\b",
        rf"\b({_CAN}) {_ME}\b{_W}{{0,40}}\b(inschakelen|waarschuwen|alarmeren|ingrijpen)\b",
        rf"\bwelke (organisatie|organisaties|instantie|instanties|hulpverlening)\b{_W}{{0,40}}"
        r"\b(bellen|inschakelen|benaderen|melden|waarschuwen)\b",
        r"\bwho (do|should|can|could|must) (i|we) (call|contact|phone|ring|alert|inform)\b",
        r"\bwho to (call|contact)\b",
        r"\bwho can help (him|her|them)\b",
    ],
    "doubt": [
        r"\bik (vermoed|twijfel|denk dat|heb (een|het|mijn) (vermoeden|gevoel|idee|twijfel))",
        rf"\b(ik|we|wij) (heb|hebben|had|hadden)\b{_W}{{0,40}}\b(een|het|mijn|ons|onze) "
        r"(naar |slecht |raar |vervelend )?(vermoeden|gevoel|onderbuikgevoel|twijfels?|idee) "
        r"(dat|van|over|bij)\b",
        r"\b(het|dit|dat) voelt niet goed\b",
        r"\b(we|wij) (vermoeden|twijfelen)\b",
        r"\bonderbuik",
        r"\bniet pluis\b",
        r"\bvermoeden van\b",
        r"\b(ik|we|wij) maak(en)? (me|mij|ons) zorgen\b",
        r"\b(ik|we|wij) (heb|hebben|kreeg|kregen|krijg|krijgen) (een|het) (signaal|melding|tip|vermoeden)\b",
        r"\bi (suspect|doubt|am worried|'m worried|am not sure|have a (gut )?feeling|fear)\b",
        r"\bgut feeling\b",
        # "ik weet niet (zeker) of dit mensenhandel is", "I'm not sure whether ..."
        r"\b(ik|we|wij) (weet|weten) (het |echt |eigenlijk |nog )?niet (zo )?(zeker |goed )?"
        r"(of|wat (ik|we|wij)|hoe (ik|we|wij)|wat hiervan|wat (ik|we|wij) hiervan)\b",
        r"\bik ben (er )?(niet|nog niet) (zeker|zo zeker|overtuigd)\b",
        r"\b(i'm|i am|we're|we are) (not|un)(sure| sure| certain|certain)\b",
        r"\bi (don't|do not) know (whether|if|what to)\b",
        r"\bnot sure (whether|if)\b",
    ],
    "is-this": [
        rf"\bis (dit|dat|hier|er hier|daar|het hier|dit dan)\b{_W}{{0,25}}"
        r"\b(mensenhandel|\w*uitbuiting|uitgebuit)\b",
        rf"\bis (this|that|it|she|he|they)\b{_W}{{0,25}}\b(trafficking|exploitation|exploited)\b",
        rf"\b(kan|zou|kunnen) (dit|dat|het|hier)\b{_W}{{0,25}}\b(mensenhandel|\w*uitbuiting|uitgebuit)\b",
        rf"\b(could|might|can) (this|that|it) be\b{_W}{{0,25}}\b(trafficking|exploitation)\b",
    ],
}

_PEOPLE = (
    r"(client\w*|klant\w*|buurvrouw|buurman|buren|collega\w*|\w*werker|\w*eigenaar|werkgever|jongen|meisje|"
    r"vrouw|man|moeder|vader|leerling|bewoner\w*|huurder|inwoner\w*|medewerker\w*|sekswerker\w*|"
    r"arbeidsmigrant\w*|ouder\w*|kind|kinderen|minderjarige|jongere\w*|melder|vriend|vriendin|zoon|dochter|"
    r"neef|nicht|broer|zus|meisjes|jongens|vrouwen|mannen|werknemer\w*|scholier\w*|student\w*|"
    r"patient\w*|bezoeker\w*|statushouder\w*|vluchteling\w*|asielzoeker\w*|buur\w*|"
    r"schoonma\w*|kapper\w*|bezorger\w*|cliente|meid|au-?pair\w*|puber\w*|tiener\w*|iemand)"
)
_TELLS = r"(vertelt|vertelde|belt|belde|meldt|meldde|zegt|zei|vroeg|vraagt)"
_WEAK = {
    # asking for advice without saying about what: a situation only together with another weak cue
    "advice-request": [
        r"\bwat (raad|raadt|adviseer|adviseert) (je|jij|u|jullie)( mij| me| ons)? aan\b",
        r"\bhoe (nu |dan |moet ik |moeten we |gaan we |ga ik )?verder\b",
        r"\bwat is (nu |hier |dan |het meest )?(verstandig|handig|wijs|slim)\b",
        r"\badvies\s*\??\s*$",
        r"\b(graag|wil|zou graag) (je |jouw |uw )?advies\b",
        r"\b(tips|suggesties)\s*\?\s*$",
        r"\bwhat (do|would) you (recommend|advise|suggest)\b",
        r"\b(any )?advice\s*\??\s*$",
        r"\bhow (to )?(proceed|go on|move forward)\b",
        r"\bwhat now\b",
    ],
    "narrative": [
        rf"\b(een|mijn|onze|ons|de|die|deze) (\w+ )?{_PEOPLE}\b{_W}{{0,80}}\b({_TELLS[1:-1]}|komt|kwam|lijkt|"
        r"leek|werkt|werkte|woont|leent|wil|durft|heeft moeten|zag|ziet|zien|hoort|hoorde|laat|liet|krijgt|"
        r"kreeg|mag|mocht|moet|moest|slaapt|sliep|verdient|gaat|ging|wordt|werd|verzuimt|spijbelt|"
        r"draagt|verblijft|verblijven|wonen|werken|worden|gaan|komen|lijken|mogen|moeten|heeft|had|is|was)\b",
        rf"\b(een|mijn|onze|ons|de|die|deze) ([\w-]+ ){{1,2}}{_TELLS}\b",
        r"\b(bij|tijdens|na) (een|de|het|onze|ons) (\w+)?(controle|huisbezoek|bezoek|inspectie|gesprek|"
        r"intake|keukentafelgesprek|spreekuur|afspraak)\b",
        # "twaalf mannen wonen in één woning", "er slapen mensen in de loods"
        rf"\b(\d+|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|veel|meerdere|enkele|paar|groep) "
        rf"(\w+ )?{_PEOPLE}\b",
        r"\ber (wonen|woont|werken|werkt|slapen|slaapt|verblijven|verblijft|zitten|zit) \w+",
        r"\b(we|wij|ik) (troffen|trof|zagen|zag|hoorde|hoorden|kregen|kreeg|ontdekten|ontdekte|merkten|"
        r"merkte|spraken|sprak)\b",
        r"\bik werk (bij|als|in|op)\b",
        r"\bbij (ons|mij) (zit|staat|is|kwam|komt|zat)\b",
        r"\b(a|my|our) (client|customer|neighbour|neighbor|colleague|tenant|resident|pupil|worker|woman|man|"
        rf"boy|girl)\b{_W}{{0,60}}\b(told|tells|says|said|called|calls|seems|works|lives)\b",
        r"\b(during|at) (an?|the|our) (inspection|check|home visit|visit|intake|interview)\b",
        r"\bwe (found|saw|noticed)\b",
        r"\b(someone|somebody|a \w+|my \w+|our \w+)( \w+){0,3} (says|said|tells|told|called|calls)\b",
    ],
    "help-for-someone": [
        rf"\b(waar|bij wie) (kan|kun|kunnen|moet|moeten) (ik|we|wij|je|hij|zij|ze)\b{_W}{{0,30}}"
        r"\bterecht\b",
        rf"\b(kan|kunnen|moet) (hij|zij|ze|die|deze \w+)\b{_W}{{0,40}}\bterecht\b",
        rf"\bwhere can (he|she|they|i|we)\b{_W}{{0,30}}\b(go|get help|turn)\b",
    ],
    "victim-vocabulary": [
        r"\b(gedwongen|dwang|bedreigd|bedreiging|bang|paspoort\w*|zonder loon|onderbetaald|schulden? bij|"
        r"slaapt|geen (andere )?plek|uitgebuit|afgepakt|ingehouden|houdt \w+ in|ingenomen|loverboy\w*|"
        r"pooier\w*|"
        r"(slapen|slaapt|sliepen) op (de |een )?(werkplek|matras\w*|grond|zaak))\b",
        r"\b(forced|threatened|afraid|scared|passports?|unpaid|no place to (sleep|stay)|exploited)\b",
    ],
}

# Dutch separable verbs put their particle at the end of the clause: "wie schakel ik in?", "met wie neem
# ik contact op?". Before matching, each such clause gets the joined infinitive appended ("inschakelen",
# "contact opnemen"), so the action cues only need the infinitive. Stems map to their infinitive because
# Dutch spelling doubles or undoubles letters (bel → bellen, neem → nemen).
_PAIRS = """
    schakel:schakelen bel:bellen neem:nemen licht:lichten sein:seinen stuur:sturen pak:pakken
    roep:roepen zet:zetten geef:geven draag:dragen vang:vangen kaart:kaarten sluit:sluiten zoek:zoeken
    schuif:schuiven verwijs:verwijzen breng:brengen stap:stappen trek:trekken help:helpen
    klop:kloppen lever:leveren
"""
_STEMS = dict(pair.split(":") for pair in _PAIRS.split())
_PARTICLES = "in|op|aan|door|mee|uit|af|over|naartoe|heen|toe|terug|bij|verder"
_SEPARABLE = re.compile(
    rf"\b({'|'.join(_STEMS)})(t|\w?en)?\b([^?.!;,]{{0,50}}?)\b({_PARTICLES})"
    r"(?=\s*(?:[?.!;,]|$)|\s+(?:bij|als|voor|wanneer|zodra|met|tijdens|na|of)\b)"
)


def join_particles(q: str) -> str:
    """Add the infinitive after each split particle verb ('wie schakel ik in?' → '... in inschakelen?')."""

    def add(m: re.Match) -> str:
        verb, particle = _STEMS[m.group(1)], m.group(4)
        if m.group(2) == "t" and not re.search(r"\b(dit|dat|het|hem|haar|hen|ze|deze|zoiets)\b", m.group(3)):
            # "wie schakelt de zorgcoördinator in?" asks who does it; "wie pakt dit op?" asks for help
            return m.group(0)
        extra = [f"{particle}{verb}"]
        if particle in ("naartoe", "heen", "door", "verder"):
            extra.append(f"{particle} {verb}")
        if "contact" in m.group(3):
            extra.append(f"contact {particle}{verb}")
        return m.group(0) + " " + " ".join(extra)

    return _SEPARABLE.sub(add, q)


_COMPILED = {
    kind: {fam: [re.compile(p) for p in pats] for fam, pats in fams.items()}
    for kind, fams in (("strong", _STRONG), ("weak", _WEAK))
}


@dataclass(frozen=True)
class Situational:
    """The decision and the cue families that fired (for tests and for explaining it)."""

    situational: bool
    strong: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()


def classify_situational(question: str) -> Situational:
    """Strong cue → situational; otherwise two different weak cue families → situational."""
    q = join_particles(fold(question))
    strong = tuple(f for f, pats in _COMPILED["strong"].items() if any(p.search(q) for p in pats))
    weak = tuple(f for f, pats in _COMPILED["weak"].items() if any(p.search(q) for p in pats))
    return Situational(bool(strong) or len(weak) >= 2, strong, weak)


def is_situational(question: str) -> bool:
    return classify_situational(question).situational
