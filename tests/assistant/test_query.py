"""Question cleaning, spelling correction, English terms, follow-ups."""

import pytest

from assistant.counting import counted_stems
from assistant.errors import QuestionError
from assistant.query import (
    Vocabulary,
    clean_question,
    is_followup,
    prepare,
    previous_user_question,
)
from index.chunk import Chunk
from index.lexical import tokenize
from tests.assistant.conftest import MemoryIndex, make_chunks

EXTRA = [
    "De portefeuillehouder is aangewezen. De definitie staat hierboven.",
    "De e-learning is voor professionals. Het netwerk van aandachtsfunctionarissen komt samen.",
    "Jaarlijks brengen zij landelijke kerncijfers uit. De crisisopvang biedt een veilige plek.",
    "Die cijfers komen niet terug in de regionale aanpak.",
    "De cursus wordt georganiseerd door de stichting. Dit is een organisatorisch punt.",
    "De koffer staat klaar voor de voorlichting.",
    "Het meld- en adviespunt is bereikbaar via telefoonnummer 010 - 123 45 67.",
]


@pytest.fixture
def vocab():
    from tests.fakes import HashEmbedder

    chunks = make_chunks() + [Chunk("x.txt", ("X",), t, ordinal=i) for i, t in enumerate(EXTRA)]
    return Vocabulary.from_index(MemoryIndex(chunks, HashEmbedder()))


# ---------------------------------------------------------------- cleaning


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\x00\x07", "\u200b"])
def test_empty_question_is_refused_in_dutch(text):
    with pytest.raises(QuestionError, match="Typ een vraag"):
        clean_question(text, 2000)


def test_too_long_question_names_the_limit():
    with pytest.raises(QuestionError, match="300"):
        clean_question("a" * 301, 300)
    assert clean_question("a" * 300, 300) == "a" * 300


def test_control_characters_and_broken_surrogates_are_removed():
    assert clean_question("Wat\x00 is\tmensen\x1bhandel?\ud800", 2000) == "Wat is mensen handel?"
    assert clean_question("line one\nline two", 2000) == "line one line two"


def test_emoji_html_and_markdown_survive_as_text():
    q = clean_question("<b>Wat</b> is **mensenhandel**? 🙏🏽", 2000)
    assert q == "<b>Wat</b> is **mensenhandel**? 🙏🏽"


# ---------------------------------------------------------------- spelling


@pytest.mark.parametrize(
    "typed,meant",
    [
        ("mensehandel", "mensenhandel"),
        ("defenitie", "definitie"),
        ("aandachtsfunctionarisen", "aandachtsfunctionarissen"),
        ("portefeuilehouder", "portefeuillehouder"),
        ("e-learing", "e-learning"),
        ("crisisopvan", "crisisopvang"),
    ],
)
def test_typos_are_read_as_the_dossier_word(vocab, typed, meant):
    from rapidfuzz import fuzz

    q = prepare(f"wat is {typed}", vocab)
    assert not q.unknown
    assert all(t in vocab.df for t in q.core)
    # the dossier's word, or another form of it (aandachtsfunctionaris/-issen share a lemma)
    for want in tokenize(meant):
        assert any(fuzz.ratio(t, want) >= 90 for t in q.core), (want, q.core)


def test_compounds_and_related_forms(vocab):
    q = prepare("wanneer zijn de crisisopvangplekken bezet", vocab)  # crisisopvang + plek
    assert {"crisisopvang", "plek"} <= set(q.core)
    q = prepare("hoe wordt mensenhandel gedefinieerd", vocab)  # related form of 'definitie'
    assert "definitie" in q.core


def test_a_short_english_word_is_not_read_as_a_dutch_word_one_letter_away(vocab):
    q = prepare("What does the foundation offer?", vocab)
    assert "koffer" not in q.core and "offer" not in q.terms.corrections
    assert "koffer" in prepare("wat zit er in de kofer", vocab).core  # a Dutch typo still is one


def test_question_words_are_not_corrected(vocab):
    q = prepare("hoeveel gemeenten zijn er", vocab)
    assert q.terms.corrections == {}


def test_compound_heads_expand_weakly(vocab):
    q = prepare("welke cijfers zijn er", vocab)
    assert "kerncijfer" in q.terms.alts["cijfer"]
    assert q.terms.alts["cijfer"]["kerncijfer"] < 1.0


def test_unknown_terms_and_codes_are_reported(vocab):
    q = prepare("Hoe werkt de B8-regeling voor een verblijfsvergunning?", vocab)
    assert "B8" in q.unknown_codes or "b8" in q.unknown_codes
    assert q.novelty > 0
    everyday = prepare("kunnen mannen ook terecht in de opvang", vocab)
    assert everyday.salient_unknown == []  # 'mannen' is an everyday word, not a missing topic


# ---------------------------------------------------------------- English


def test_english_words_reach_dutch_terms(vocab):
    q = prepare("Which organisations publish yearly national figures?", vocab)
    assert q.lang == "en"
    core = set(q.core)
    assert tokenize("jaarlijks")[0] in core
    assert tokenize("cijfers")[0] in core
    assert tokenize("kerncijfers")[0] in q.terms.alts[tokenize("cijfers")[0]]


def test_english_inflections_find_the_glossary(vocab):
    q = prepare("Who organises shelters for exploited women?", vocab)
    assert tokenize("opvang")[0] in q.core
    assert tokenize("uitbuiting")[0] in set(q.core) | {a for g in q.terms.alts.values() for a in g}


def test_a_hyphenated_english_word_reaches_the_glossary_through_its_parts(vocab):
    q = prepare("Is there an anti-exploitation team?", vocab)
    assert tokenize("uitbuiting")[0] in set(q.core) | {a for g in q.terms.alts.values() for a in g}
    assert tokenize("e-learning")[0] in prepare("How long is the e-learning?", vocab).core


def test_the_everyday_meldpunt_and_nummer_reach_the_dossier_words(vocab):
    q = prepare("nummer meldpunt?", vocab)
    assert not q.unknown
    assert {tokenize("telefoonnummer")[0], tokenize("adviespunt")[0]} <= set(q.core)


def test_where_the_answer_should_come_from_is_not_what_is_asked(vocab):
    q = prepare("wat is een portefeuillehouder volgens het dossier?", vocab)
    assert tokenize("dossier")[0] not in q.core and "dossier" not in q.search_text
    assert q.text.endswith("volgens het dossier?")  # the question as typed is kept
    alone = prepare("wat staat er in het dossier", vocab)  # about the dossier itself: kept
    assert "dossier" in alone.search_text


def test_the_labour_inspectorate_reaches_the_arbeidsinspectie(vocab):
    q = prepare("Which cases does the labour inspectorate take on?", vocab)
    assert tokenize("arbeidsinspectie")[0] in q.core


def test_english_false_friends_stay_out(vocab):
    q = prepare("How long does the e-learning take?", vocab)
    assert tokenize("taken")[0] not in q.core  # 'take' is not 'taken' (tasks)


# ---------------------------------------------------------------- follow-ups

HISTORY = [
    {"role": "user", "content": "Waar meld ik arbeidsuitbuiting?"},
    {"role": "assistant", "content": "Bel het meldpunt."},
]


@pytest.mark.parametrize(
    "question,follows",
    [
        ("en bij drugshandel?", True),
        ("En wat als het 's nachts is?", True),
        ("and for minors?", True),
        ("Die is dus gratis?", True),
        ("hoe vaak?", True),  # no subject of its own
        ("Sinds wanneer is hij burgemeester?", True),  # a pronoun refers back
        ("how do I reach their office?", True),  # a possessive too
        ("is er ook een folder over?", True),  # er ... over = daarover
        ("waar precies naartoe?", True),  # a question word and no verb
        ("Wat is Fier?", False),  # a verb: a question of its own
        ("zijn er trainingen voor jongeren?", False),  # 'er' without a stranded preposition
        ("seksuele uitbuiting?", True),  # a fragment takes the previous question's frame...
        ("telefoonnummer?", True),
        ("kosten per deelnemer?", True),  # three words without a verb: still a fragment
        ("website van het RIEC?", False),  # four words name their own question
        ("welke training voor nieuwe collega's?", False),  # ...a longer one names its own question
        ("Wat kost een nieuw paspoort?", False),
        ("Hoe vaak komt het platform samen en wie zit dat overleg voor?", False),  # long
    ],
)
def test_followup_detection(question, follows):
    assert is_followup(question, previous_user_question(HISTORY)) is follows


def test_a_new_topic_stands_alone_even_when_it_refers_back():
    previous = previous_user_question(HISTORY)
    assert is_followup("en wat kost een paspoort?", previous, related=lambda q, p: True)
    assert not is_followup("en wat kost een paspoort?", previous, related=lambda q, p: False)


def test_a_turn_without_a_subject_of_its_own_always_continues():
    previous = previous_user_question(HISTORY)
    for turn in ("kosten?", "en wat kost dat?", "hoe lang?"):
        assert is_followup(turn, previous, related=lambda q, p: False)


def test_a_turn_about_someone_it_does_not_name_continues():
    previous = "Wat is Fairwork?"
    for turn in ("and where are they based?", "en hoe bereik ik hen?", "welke taken heeft hij nog meer?"):
        assert is_followup(turn, previous, related=lambda q, p: False)
    assert not is_followup("and where is the town hall?", previous, related=lambda q, p: False)


def test_a_chain_of_followups_reads_back_to_its_subject():
    history = [
        {"role": "user", "content": "Wat is de e-learning voor professionals?"},
        {"role": "assistant", "content": "..."},
        {"role": "user", "content": "hoe lang duurt die ongeveer?"},
        {"role": "assistant", "content": "..."},
    ]
    expected = "Wat is de e-learning voor professionals? hoe lang duurt die ongeveer?"
    assert previous_user_question(history) == expected
    history[0] = {"role": "user", "content": "Waarmee helpt het ESSM?"}
    history[2] = {"role": "user", "content": "Wat is de e-learning voor professionals?"}
    assert previous_user_question(history) == "Wat is de e-learning voor professionals?"


@pytest.mark.parametrize(
    "question,own",
    [
        ("en is hij gratis?", True),
        ("wie zit dat overleg voor?", True),
        ("en kan ik er ook heen fietsen?", True),  # a verb first asks a question of its own
        ("en het platform?", False),
        ("and for minors?", False),
        ("die folder, wie heeft die geschreven?", True),  # a topic stands before the question
        ("en de opvang, voor hoe lang?", False),
        ("en tot hoe laat is de wijkpost open?", True),  # a preposition before the question word
        ("met wie moet ik dan overleggen?", True),
        ("en voor de jongeren in de wijk, als het om seksuele uitbuiting gaat?", False),
    ],
)
def test_a_followup_with_its_own_question_keeps_its_own_answer_type(question, own):
    from assistant.query import asks_for_itself

    assert asks_for_itself(question) is own


def test_no_history_no_followup():
    assert not is_followup("en bij drugshandel?", None)


def test_followup_is_read_with_the_previous_question(vocab):
    q = prepare("en bij drugshandel?", vocab, HISTORY)
    assert q.followup and q.previous == "Waar meld ik arbeidsuitbuiting?"
    assert "arbeidsuitbuiting" in q.search_text
    assert tokenize("arbeidsuitbuiting")[0] in q.context_core
    # the question's own terms weigh double in the lexical query
    assert q.lexical_terms().count(tokenize("drugshandel")[0]) == 2


def test_history_with_content_parts():
    history = [{"role": "user", "content": [{"type": "text", "text": "Wat is opvang?"}]}]
    assert previous_user_question(history) == "Wat is opvang?"
    assert previous_user_question([{"role": "assistant", "content": "x"}]) is None


@pytest.mark.parametrize(
    "history",
    [
        [{"role": "user", "content": "Waar meld ik \ud800 uitbuiting?\x00"}],
        [{"role": "user", "content": [{"type": "text", "text": 5}]}],
        [{"role": "user", "content": None}, {"role": "user", "content": 7}],
        [{"role": "user", "content": "arbeidsuitbuiting " * 5000}],
        ["not a message", {"content": "geen rol"}],
    ],
)
def test_history_from_the_client_is_cleaned(vocab, history):
    q = prepare("en bij drugshandel?", vocab, history)
    if q.previous is not None:
        q.search_text.encode("utf-8")  # no lone surrogates reach the embedder
        assert len(q.previous) <= 500 and "\x00" not in q.previous


# ---------------------------------------------------------------- the noun a count asks for

IDF = {"kantor": 2.5, "grot": 2.5, "politie": 0.4, "mensenhandel": 0.1, "slachtoffer": 1.0, "scan": 2.5}


def test_a_dutch_count_names_its_noun_first_or_as_a_rare_word_after_it():
    # written apart the noun comes last; a verb may follow it
    assert tokenize("kantoren")[0] in counted_stems("hoeveel grote kantoren zijn er?", "nl", IDF)
    assert tokenize("kantoren")[0] in counted_stems("hoeveel kantoren bestaan er?", "nl", IDF)
    # a word common in the dossier after the noun does not count ("slachtoffers mensenhandel")
    stems = counted_stems("hoeveel slachtoffers mensenhandel zijn er?", "nl", IDF)
    assert "slachtoffer" in stems and "mensenhandel" not in stems


def test_an_english_count_counts_the_last_word_or_else_its_rare_modifiers():
    # the common 'trafficking' (mensenhandel) says nothing about what is counted
    stems = counted_stems("How many trafficking victims were helped?", "en", IDF)
    assert "victim" in stems and "mensenhandel" not in stems
    # 'gadgets' is no dossier word: a rare word before it ('scan') stands in
    assert "scan" in counted_stems("How many scan gadgets are there?", "en", IDF)


def test_an_english_count_of_participants_meets_the_dossiers_deelnemers():
    deelnemer = tokenize("deelnemers")[0]
    assert deelnemer in counted_stems("How many participants can join the session?", "en", {deelnemer: 2.0})


def test_a_verb_meets_its_participle_in_the_dossier(vocab):
    # 'organiseert' is a form of 'georganiseerd', not of 'organisatorisch'
    assert vocab.related("organiseert") == tokenize("georganiseerd")[0]


def test_what_of_the_previous_answer_a_turn_refers_to_is_read_with_the_previous_question(vocab):
    quote = "De beleidsregisseur zit het netwerk voor."
    history = [
        {"role": "user", "content": "wie leidt het netwerk van de gemeenten?"},
        {"role": "assistant", "content": f"Volgens het dossier:\n- {quote} [1]"},
    ]
    asked = prepare("en waar werkt zij?", vocab, history, answered=quote)
    assert asked.followup and quote in asked.search_text
    assert asked.previous == "wie leidt het netwerk van de gemeenten?"  # what the situation model reads
    assert quote not in prepare("en waar werkt zij?", vocab, history).search_text
