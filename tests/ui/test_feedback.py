"""Local feedback store: rating and citations by default; the question only opt-in, and redacted."""

import json

import pytest

from assistant.types import Answer, Citation
from index.settings import Settings
from page.feedback import FeedbackStore

QUESTION = "Cliënt met BSN 123.456.782 en 06-12345678 (piet@example.nl) werkt 70 uur, wat nu?"


def answer():
    c = Citation(
        n=1,
        chunk_id="abc123",
        source="dossier.txt",
        section="Melden › Route",
        text="Meld het.",
        score=0.9,
        highlight="Meld het.",
    )
    return Answer(question=QUESTION, answer="Meld het [1].", citations=[c], situational=True)


def lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_default_stores_rating_and_citations_not_the_question(tmp_path):
    store = FeedbackStore.from_settings(Settings(data_dir=tmp_path))
    store.rate(answer(), "up")
    (entry,) = lines(tmp_path / "feedback.jsonl")
    assert entry["rating"] == "up"
    assert entry["citations"] == [
        {"n": 1, "chunk_id": "abc123", "section": "Melden › Route", "source": "dossier.txt"}
    ]
    assert entry["situational"] is True
    assert "question" not in entry
    raw = (tmp_path / "feedback.jsonl").read_text(encoding="utf-8")
    assert "70 uur" not in raw and "Meld het" not in raw  # neither question nor passage text


def test_opt_in_stores_the_question_redacted(tmp_path):
    store = FeedbackStore.from_settings(Settings(data_dir=tmp_path, feedback_store_question=True))
    store.rate(answer(), "down")
    (entry,) = lines(tmp_path / "feedback.jsonl")
    assert (
        entry["question"] == "Cliënt met BSN [BSN] en [telefoonnummer] ([e-mailadres]) werkt 70 uur, wat nu?"
    )


def test_comment_refers_to_its_rating_and_is_redacted(tmp_path):
    store = FeedbackStore(tmp_path / "sub" / "feedback.jsonl")
    rated = store.rate(answer(), "down")
    store.comment(rated, "Verkeerde bron; bel mij op 0612345678")
    first, second = lines(tmp_path / "sub" / "feedback.jsonl")
    assert second["refers_to"] == first["id"]
    assert second["comment"] == "Verkeerde bron; bel mij op [telefoonnummer]"
    assert second["rating"] == "down"
    assert [e.rating for e in store.entries()] == ["down", "down"]


def test_withdrawn_rating_and_bad_rating(tmp_path):
    store = FeedbackStore(tmp_path / "f.jsonl")
    store.rate(answer(), "withdrawn")
    assert store.entries()[0].rating == "withdrawn"
    with pytest.raises(ValueError, match="meh"):
        store.rate(answer(), "meh")


def test_no_file_means_no_entries(tmp_path):
    assert FeedbackStore(tmp_path / "none.jsonl").entries() == []


def test_a_comment_is_redacted_before_it_is_cut(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.jsonl", max_comment_chars=40)
    rated = store.rate(answer(), "down")
    text = "x" * 30 + " bel 06-12345678 of mail piet@example.nl"  # the number straddles the cut at 40
    entry = store.comment(rated, text)
    assert entry.comment == "x" * 30 + " bel"  # never "06-12": the number was replaced first
    assert "0612" not in entry.comment.replace("-", "") and "06-1" not in entry.comment
    assert len(entry.comment) <= 40


def test_the_file_is_rotated_and_bounded(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.jsonl", max_bytes=2000)
    rated = store.rate(answer(), "up")
    for n in range(200):
        store.comment(rated, f"opmerking nummer {n} " + "tekst " * 10)
    assert (tmp_path / "feedback.jsonl").stat().st_size < 2000
    assert (tmp_path / "feedback.1.jsonl").stat().st_size < 2000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feedback.1.jsonl", "feedback.jsonl"]
    assert store.entries()[-1].comment.startswith("opmerking nummer 199")
