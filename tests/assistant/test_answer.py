"""Extractive answers over the tiny index: quotes come from cited passages, markers point at citations."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant import meldpunt as mp
from assistant.answer import split_units
from assistant.core import Assistant
from assistant.errors import QuestionError
from assistant.eval import markers_valid
from tests.fakes import HashEmbedder

MARKER = re.compile(r"\[(\d+)\]")
LEADS = ("Volgens het dossier:", "According to the dossier (quoted in Dutch):")


def quoted_lines(answer) -> list[tuple[str, int]]:
    """(sentence, marker) for every quoted line of the answer body."""
    out = []
    for line in answer.answer.splitlines():
        m = re.match(r"^- (.*) \[(\d+)\]$", line)
        if m:
            out.append((m.group(1), int(m.group(2))))
    return out


def check_grounded(answer):
    """Every marker points at a citation, every quoted sentence stands in the passage it cites."""
    assert markers_valid(answer.answer, len(answer.citations))
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    for sentence, n in quoted_lines(answer):
        cited = answer.citations[n - 1]
        if sentence.startswith(("Kopje: ", "Heading: ")):
            assert sentence.split(": ", 1)[1] == cited.section.split(" › ")[-1]
        else:
            assert " ".join(sentence.split()) in " ".join(cited.text.split())


def test_split_units_keeps_lead_in_with_its_items():
    units = split_units(
        "De functionaris heeft taken:\n\n- Zet aan tot bewustwording;\n\n- Houdt casussen bij."
    )
    assert [u.text for u in units] == [
        "De functionaris heeft taken: - Zet aan tot bewustwording; - Houdt casussen bij."
    ]
    units = split_units("Eerste zin. Tweede zin!\n\n- een punt;")
    assert [(u.text, u.item) for u in units] == [
        ("Eerste zin.", False),
        ("Tweede zin!", False),
        ("een punt;", True),
    ]


def test_split_units_restores_items_whose_bullet_was_lost_and_marks_the_sentence_before_them():
    units = split_units(
        "Er zijn vier opgaven.\n\n1. Zicht op aard en omvang\n\nSamenwerking in de regio\n\n"
        "Signaleren en melden\n\nDaarna volgt een gewone zin."
    )
    assert [(u.text, u.item, u.opens_list) for u in units] == [
        ("Er zijn vier opgaven.", False, True),
        ("Zicht op aard en omvang", True, False),
        ("Samenwerking in de regio", True, False),
        ("Signaleren en melden", True, False),
        ("Daarna volgt een gewone zin.", False, False),
    ]
    # a short line without a list before it stays a sentence of its own
    assert [(u.item, u.opens_list) for u in split_units("Kort kopje\n\nEen zin.")] == [(False, False)] * 2


@pytest.mark.parametrize(
    "question",
    [
        "Hoe definieert het dossier mensenhandel?",
        "Hoeveel gemeenten zitten in het netwerk?",
        "Welke taken heeft de aandachtsfunctionaris?",
        "Wat is de langste verblijfsduur in de crisisopvang?",
        "Welke burgemeester is aangewezen als portefeuillehouder?",
    ],
)
def test_lookup_answers_are_quotes_with_valid_markers(assistant, question):
    answer = assistant.ask(question)
    assert not answer.situational and answer.meldpunt is None and not answer.out_of_scope
    assert answer.answer.startswith(LEADS[0])
    assert 1 <= len(quoted_lines(answer)) <= 4
    check_grounded(answer)
    # nothing but the fixed lead and quoted lines
    assert all(line in LEADS or line.startswith("- ") for line in answer.answer.splitlines())


def test_best_passage_is_cited_first_and_highlighted(assistant):
    answer = assistant.ask("Hoeveel gemeenten zitten in het netwerk van aandachtsfunctionarissen?")
    first = answer.citations[0]
    assert "23 gemeenten" in first.text
    assert first.highlight and first.highlight in first.text
    assert answer.answer.splitlines()[1].startswith("- " + first.highlight)


def test_list_is_quoted_with_its_items_across_passages(assistant):
    answer = assistant.ask("Welke taken heeft de aandachtsfunctionaris?")
    lines = [s for s, _ in quoted_lines(answer)]
    assert lines[0].startswith("De aandachtsfunctionaris heeft de volgende taken: - Zet aan")
    assert "Is het aanspreekpunt voor collega's met signalen;" in lines  # from the next passage


def test_a_fact_only_in_the_heading_is_quoted_as_the_heading(assistant):
    answer = assistant.ask("Wat kost de cursus bewustwording?")
    assert not answer.out_of_scope
    assert "- Kopje: Cursus bewustwording gratis [1]" in answer.answer
    check_grounded(answer)


def test_english_question_gets_english_framing_around_dutch_quotes(assistant):
    answer = assistant.ask("How many minutes is one storyline of the e-learning?")
    assert answer.lang == "en" and answer.answer.startswith(LEADS[1])
    assert "30 minuten" in answer.answer
    check_grounded(answer)


def test_situational_answer_opens_with_the_card_and_cites_the_meldpunt(assistant):
    answer = assistant.ask("Ik vermoed arbeidsuitbuiting bij een klant van de schuldhulp. Wat moet ik doen?")
    assert answer.situational and answer.meldpunt is not None
    assert answer.meldpunt.phone == "010 - 236 52 56" and answer.meldpunt.open_now
    first_line = answer.answer.splitlines()[0]
    assert "010 - 236 52 56" in first_line and "[1]" in first_line
    assert "236 52 56" in answer.citations[0].text
    assert "236 52 56" in answer.citations[0].highlight
    check_grounded(answer)


def test_situational_answer_carries_the_card_as_data(assistant):
    answer = assistant.ask("Ik vermoed arbeidsuitbuiting bij een klant van de schuldhulp. Wat moet ik doen?")
    head, _, rest = answer.answer.partition("\n\n")
    assert (
        answer.body == rest and answer.body and answer.meldpunt.phone in head and answer.card_marker == "[1]"
    )
    plain = assistant.ask("Wat is mensenhandel?")
    assert plain.body is None and plain.card_marker == "" and plain.referral is None


def test_situational_answer_at_night_says_closed_and_112(assistant, clock):
    clock.when = datetime(2026, 6, 15, 22, 30, tzinfo=UTC)  # 00:30 in Amsterdam
    answer = assistant.ask("Bij ons zit een vrouw die gedwongen werkt en bang is. Wie bel ik?")
    assert answer.situational and not answer.meldpunt.open_now
    assert "112" in answer.answer and "8:30" in answer.answer


def test_a_situation_in_words_the_dossier_lacks_is_not_refused(assistant):
    # words the dossier does not use and "wie bel ik" (the card answers it)
    answer = assistant.ask("Ik twijfel over de schoonmaakploeg van de sporthal; wie bel ik?")
    assert answer.situational and not answer.out_of_scope and answer.meldpunt is not None


def test_a_situation_naming_a_code_the_dossier_lacks_gets_its_card_and_what_to_do(assistant):
    answer = assistant.ask("Ik twijfel over een B8-regeling bij een cliënt; wat moet ik doen?")
    assert answer.situational and not answer.out_of_scope and answer.meldpunt is not None
    assert "010 - 236 52 56" in answer.answer and "B8" not in answer.answer


def test_a_situation_naming_a_person_is_not_refused(assistant):
    # situations name people and case numbers the dossier never holds; the card and what to do still apply
    answer = assistant.ask("Mijn cliënt Piet Verbeek, dossier 4711-X, slaapt op zijn werk. Wat moet ik doen?")
    assert answer.situational and not answer.out_of_scope and answer.meldpunt is not None
    assert "Verbeek" not in answer.answer and "4711" not in answer.answer


def test_a_situational_turn_far_from_the_dossier_is_refused_and_keeps_its_card(settings, tiny_index, clock):
    from assistant.core import Assistant
    from assistant.scope import Thresholds

    # thresholds no passage reaches: nothing in the dossier is close to the turn
    far = Thresholds(min_lexical=1e9, min_dense=2.0, min_sentence=2.0, max_off_topic=2.0)
    assistant = Assistant(settings, index=tiny_index, embedder=HashEmbedder(), clock=clock, thresholds=far)
    answer = assistant.ask("Ik twijfel of ik mijn zonnepanelen moet schoonmaken, wat moet ik doen?")
    assert answer.situational and answer.out_of_scope and answer.meldpunt is not None
    assert "010 - 236 52 56" in answer.answer


def test_out_of_scope_after_a_situation_is_refused_without_card(assistant):
    history = [
        {"role": "user", "content": "Ik vermoed dat een bewoner zonder loon werkt, wat moet ik doen?"},
        {"role": "assistant", "content": "Bel het meldpunt."},
    ]
    answer = assistant.ask("Hoe vraag ik een vergunning voor zonnepanelen aan?", history)
    assert answer.out_of_scope and not answer.situational and answer.meldpunt is None


def test_a_lookup_after_a_situation_is_not_situational(assistant):
    history = [
        {"role": "user", "content": "Een man slaapt op zijn werk en krijgt geen loon. Wie bel ik?"},
        {"role": "assistant", "content": "Bel het meldpunt."},
    ]
    answer = assistant.ask("Hoe lang ben je bezig met de e-learning BUIT?", history)
    assert not answer.situational and answer.meldpunt is None and not answer.out_of_scope


def test_english_situation_gets_the_card_in_english(assistant):
    answer = assistant.ask("A client told me her boss keeps her passport. What should I do?")
    assert answer.situational and answer.lang == "en"
    assert answer.answer.startswith("Report or ask advice:") and "010 - 236 52 56" in answer.answer


@pytest.mark.parametrize(
    "question,why",
    [
        ("Wat is het e-mailadres van het meldpunt?", "e-mailadres"),
        ("Hoeveel slachtoffers zijn er in de crisisopvang geweest?", "aantal"),
        ("Wat is de naam van de officier van justitie?", "naam"),
        ("Hoe vraag je een B8-verblijfsvergunning aan?", "B8"),
        # a law the dossier never names, or a legal article it never cites: no invented law
        ("Welk artikel maakt uitbuiting in de horeca strafbaar?", "wetsartikel"),
        ("Wat zegt de Arbeidsomstandighedenwet over de meldcode?", "Arbeidsomstandighedenwet"),
        ("Onder welk wetsartikel valt de crisisopvang?", "wetsartikel"),
        ("Wie is Karel van Dongen?", "noemt"),
    ],
)
def test_out_of_scope_says_so_and_points_onwards(assistant, question, why):
    answer = assistant.ask(question)
    assert answer.out_of_scope and not answer.situational and answer.citations == []
    assert answer.answer.startswith("Dat staat niet in het dossier.")
    assert why in answer.answer
    assert "beleidsadviseur mensenhandel van de VAR" in answer.answer and "010 - 236 52 56" in answer.answer
    assert not MARKER.search(answer.answer)


def test_out_of_scope_referral_comes_from_contacts_toml(settings, tiny_index, clock, tmp_path):
    own = tmp_path / "contacts.toml"
    bundled = (Path(__file__).resolve().parents[2] / "corpus" / "contacts.toml").read_text(encoding="utf-8")
    own.write_text(
        bundled.replace("regionaal beleidsadviseur mensenhandel van de VAR", "ketenregisseur van Hoekstad"),
        encoding="utf-8",
    )
    custom = settings.model_copy(update={"contacts_file": own})
    answer = Assistant(custom, index=tiny_index, embedder=HashEmbedder(), clock=clock).ask(
        "Wat is het e-mailadres van het meldpunt?"
    )
    assert answer.out_of_scope and answer.referral.name == "ketenregisseur van Hoekstad"
    assert answer.referral.text in answer.answer and "VAR" not in answer.answer
    assert "referral" not in answer.to_dict()


def test_a_contacts_file_without_referral_uses_the_bundled_one(tmp_path):
    own = tmp_path / "contacts.toml"
    own.write_text(
        '[meldpunt]\nname = "X"\nphone = "1"\nopens = "08:00"\ncloses = "17:00"\n', encoding="utf-8"
    )
    assert "VAR" in mp.load_referral(own).name


def test_follow_up_uses_the_previous_question(assistant):
    history = [
        {"role": "user", "content": "Waar kan ik uitbuiting melden?"},
        {"role": "assistant", "content": "..."},
    ]
    answer = assistant.ask("en bij drugshandel door jongeren?", history)
    assert answer.situational  # the conversation is about where to report
    # after the meldpunt and what-to-do passages of a situational answer comes the topic asked about
    assert any("Criminele uitbuiting" in c.section for c in answer.citations[:3])


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_question(assistant, text):
    with pytest.raises(QuestionError, match="Typ een vraag"):
        assistant.ask(text)


def test_too_long_question(assistant, settings):
    with pytest.raises(QuestionError, match=str(settings.max_question_chars)):
        assistant.ask("waarom " * 400)


@pytest.mark.parametrize(
    "question",
    [
        "🙂🙂🙂",
        "<script>alert(1)</script>",
        "**vet** _schuin_ [link](http://x)",
        "\ud83d mensenhandel",
        "?!?!",
    ],
)
def test_odd_input_never_crashes(assistant, question):
    answer = assistant.ask(question)
    assert isinstance(answer.answer, str) and answer.answer
    assert markers_valid(answer.answer, len(answer.citations))


def test_to_dict_has_the_issue_shape(assistant):
    d = assistant.ask("Ik vermoed uitbuiting, waar meld ik dat?").to_dict()
    assert set(d) == {"question", "answer", "citations", "situational", "meldpunt", "out_of_scope"}
    assert set(d["citations"][0]) == {"n", "chunk_id", "source", "section", "text", "score"}
    assert {"name", "phone", "hours", "open_now"} <= set(d["meldpunt"])


def test_sections_and_section_text(assistant):
    sections = assistant.sections()
    assert "Dossier › Taken" in sections and len(sections) == len(set(sections))
    text = assistant.section_text("Dossier › Taken")
    assert "volgende taken" in text and "Houdt de casussen bij" in text
    with pytest.raises(QuestionError):
        assistant.section_text("Bestaat niet")


def test_meldpunt_now_follows_the_clock(assistant, clock):
    assert assistant.meldpunt_now().open_now
    clock.when = datetime(2026, 6, 15, 4, 0, tzinfo=UTC)  # 6:00 in Amsterdam
    assert not assistant.meldpunt_now().open_now


def test_out_of_scope_decision_combines_the_signals(assistant):
    from assistant.core import Signals

    def signals(**kw):
        base = dict(
            coverage=1.0,
            novelty=0.0,
            codes=[],
            top_coverage=1.0,
            top_lexical=9.0,
            top_dense=0.7,
            top_fused=1.0,
            types=(),
            types_ok=True,
            unknown=[],
        )
        return Signals(**{**base, **kw})

    t = assistant.thresholds
    assert not assistant.out_of_scope(signals())
    # asks for a kind of fact no relevant passage holds
    assert assistant.out_of_scope(signals(types=("email",), types_ok=False, missing_types=("email",)))
    # ...but not for one answered in too many ways to refuse on its absence (an organisation that acts)
    assert not assistant.out_of_scope(signals(types=("who",), types_ok=False, missing_types=("who",)))
    assert assistant.out_of_scope(signals(codes=["B8"]))  # names a regulation the dossier lacks
    assert assistant.out_of_scope(signals(missing_names=["Wet regulering sekswerk"]))
    # a one-word name the dossier lacks, when the learned model leans that way too
    assert assistant.out_of_scope(signals(unknown_names=["Zonnehuis"], off_scope=0.5))
    assert not assistant.out_of_scope(signals(unknown_names=["Europa"], off_scope=0.01))
    named = signals(unknown_names=["Zonnehuis"], off_scope=0.5)
    assert not assistant.out_of_scope(named, situational=True, named_ok=True)  # a described situation
    # a word the dossier lacks is no reason by itself
    assert not assistant.out_of_scope(
        signals(novelty=0.5, unknown=["voorbeelden"], unknown_words=1, topic_terms=0)
    )
    # nearer to what the dossier does not cover than to its best sentence
    assert assistant.out_of_scope(signals(off_topic=t.max_off_topic + 0.01))
    assert not assistant.out_of_scope(signals(off_topic=t.max_off_topic - 0.01))
    # nothing is close: BM25, the best passage and the best sentence all weak
    weak = dict(top_lexical=t.min_lexical / 2, top_dense=t.min_dense - 0.1, top_sentence=t.min_sentence - 0.1)
    assert assistant.out_of_scope(signals(**weak))
    assert not assistant.out_of_scope(signals(**{**weak, "top_sentence": t.min_sentence + 0.01}))
    assert not assistant.out_of_scope(signals(**{**weak, "top_lexical": t.min_lexical + 1}))


def test_unknown_law_is_refused_by_name(assistant):
    answer = assistant.ask("Hoe werkt de Wet regulering sekswerk bij arbeidsuitbuiting?")
    assert answer.out_of_scope and "Wet regulering sekswerk" in answer.answer


def test_a_set_whose_size_the_dossier_gives_but_not_its_members_is_refused(assistant):
    answer = assistant.ask("Welke 23 gemeenten zitten er in het netwerk?")
    assert answer.out_of_scope and "somt ze niet op" in answer.answer
    assert not assistant.ask("Hoeveel gemeenten zitten er in het netwerk?").out_of_scope


def test_one_word_names_the_dossier_never_uses():
    from assistant.scope import unknown_names

    text = " de crisisopvang van fier en het essm "
    known = {"crisisopvan": "crisisopvang"}.get  # a slip on a dossier word is not a name
    assert unknown_names("Werkt Fier samen met Zonnehuis en het ESSM?", text, known) == ["Zonnehuis"]
    assert unknown_names("Zonnehuis is nieuw. Kent Fier Crisisopvan?", text, known) == []  # opens a sentence


def test_the_price_of_the_thing_pointed_at_is_its_own_not_another_things(assistant):
    first = "Hebben aandachtsfunctionarissen een eigen netwerk?"
    history = [
        {"role": "user", "content": first},
        {"role": "assistant", "content": assistant.ask(first).answer},
    ]
    # the course is free, the network's price the dossier does not give
    answer = assistant.ask("Is dat netwerk gratis, net als de cursus bewustwording?", history)
    assert answer.out_of_scope and "bedrag" in answer.answer
    assert not assistant.ask("Is de cursus bewustwording gratis?", history).out_of_scope
