"""Recovering the previous answer's passages from the history the client sends (own sentences)."""

from assistant.conversation import cited_chunks, previous_answer, quoted_sentences
from tests.assistant.conftest import make_chunks

ANSWER = (
    "Volgens het dossier:\n"
    "- Burgemeester Jan Willem Boersma is als regionaal portefeuillehouder aangewezen. [1]\n"
    "- Via [2]\n"
    "- De e-learning BUIT duurt maximaal 30 minuten per verhaallijn en is gratis. [2]\n\n"
    "Bronnen: ..."
)


def test_quoted_lines_without_marker_and_fragments():
    assert quoted_sentences(ANSWER) == [
        "Burgemeester Jan Willem Boersma is als regionaal portefeuillehouder aangewezen.",
        "De e-learning BUIT duurt maximaal 30 minuten per verhaallijn en is gratis.",
    ]


def test_previous_answer_is_the_last_assistant_message_as_text_or_parts():
    history = [
        {"role": "assistant", "content": "oud"},
        {"role": "user", "content": "vraag"},
        {"role": "assistant", "content": [{"type": "text", "text": ANSWER}]},
        {"role": "user", "content": "nog een vraag"},
    ]
    assert previous_answer(history) == ANSWER
    assert previous_answer([{"role": "user", "content": "x"}]) == ""
    assert previous_answer([{"role": "assistant", "content": None}, "rommel"]) == ""


def test_quotes_lead_back_to_their_passages_in_quoting_order():
    chunks = make_chunks()
    history = [{"role": "user", "content": "Wie is het?"}, {"role": "assistant", "content": ANSWER}]
    cited = cited_chunks(history, chunks)
    assert [c.section[-1] for c in cited] == ["Regionale portefeuillehouder", "E-learning"]


def test_a_quote_that_is_not_in_the_dossier_leads_nowhere():
    history = [{"role": "assistant", "content": "- Dit heeft iemand zelf bedacht en staat nergens. [1]"}]
    assert cited_chunks(history, make_chunks()) == []


def test_a_followup_may_be_answered_from_the_passage_the_previous_answer_quoted(assistant):
    first = assistant.ask("Wie is de regionale portefeuillehouder?")
    assert "Boersma" in first.answer
    history = [
        {"role": "user", "content": "Wie is de regionale portefeuillehouder?"},
        {"role": "assistant", "content": first.answer},
    ]
    answer = assistant.ask("Legt hij ook verantwoording af?", history)
    assert not answer.out_of_scope
    assert "verantwoording af" in answer.answer


def test_after_a_who_question_the_answer_names_whom_the_turn_is_about():
    from assistant.conversation import antecedent

    quote = "De beleidsregisseur zit het netwerk voor."
    history = [
        {"role": "user", "content": "wie leidt het netwerk van de gemeenten?"},
        {
            "role": "assistant",
            "content": f"Volgens het dossier:\n- {quote} [1]\n- Het komt twee keer per jaar bijeen. [1]",
        },
    ]
    assert antecedent(history, "en waar werkt zij?") == quote  # a personal pronoun
    assert antecedent(history, "hoe heet die persoon?") == quote  # asks for the name
    assert antecedent(history, "namens welke organisatie?") == quote  # a fragment completes the question
    assert antecedent(history, "en hoeveel deelnemers passen daar?") == ""  # about a thing
    what = [{"role": "user", "content": "wat doet het netwerk van de gemeenten?"}, history[1]]
    assert antecedent(what, "en waar werkt zij?") == ""  # the previous question did not ask who
    assert antecedent([], "en waar werkt zij?") == ""


def test_a_demonstrative_points_at_the_section_the_conversation_named_it_in():
    from assistant.conversation import referent

    chunks = make_chunks()
    history = [
        {"role": "user", "content": "Bestaat er een e-learning over uitbuiting?"},
        {"role": "assistant", "content": ANSWER},
        {"role": "user", "content": "Wie is de portefeuillehouder?"},
        {
            "role": "assistant",
            "content": "Volgens het dossier:\n- Burgemeester Jan Willem Boersma is als "
            "regionaal portefeuillehouder aangewezen. [1]",
        },
    ]
    # the e-learning was named two turns back; its answer cited it second, under its own heading
    pointed = referent(history, "En hoeveel kost die e-learning per gebruiker?", chunks)
    assert [c.section_path for c in pointed] == ["Dossier › E-learning"]
    assert referent(history, "Is that e-learning in English too?", chunks) == pointed
    assert referent(history, "Wat kost een e-learning meestal?", chunks) == []  # nothing pointed at
    assert referent(history, "Wat kost die opvang?", chunks) == []  # not named in this conversation
    assert referent(None, "Wat kost die e-learning?", chunks) == []
    as_parts = [{**m, "content": [{"type": "text", "text": m["content"]}]} for m in history]
    assert referent(as_parts, "En hoeveel kost die e-learning per gebruiker?", chunks) == pointed
