"""Before a missing kind of fact counts as absence: look for it where the first passages do not reach.

A question can ask a kind of fact (a number, a phone number, an e-mail address, ...) that none of the
first passages holds, while the dossier has it:
  - lower in the ranking: "Hoeveel aandachtsfunctionarissen?" is answered in the local approach's list,
    ranked below the passages about the officer. A sentence there counts only when it holds the fact and
    itself names what the question is about (scope.check_types, strict);
  - in the passages the previous answer quoted: "welk nummer was dat ook alweer?" after an answer that
    quoted the meldpunt passage asks for the number in it, although the turn names nothing itself.
Either way the sentence found is quoted (core.Assistant) and the check is redone on the new hits.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from assistant import answer as ans
from assistant import answertype, conversation, scope
from assistant.counting import counted_stems
from assistant.followup import refers_back
from assistant.query import Query
from assistant.retrieve import Hit
from index.lexical import tokenize
from index.text import normalise

DEEPER = 4  # how many times top_k passages a question asking for a missing kind of fact searches
TYPE_DEPTH = 3  # the first passages checked for the kind of fact asked (scope.check_types' default)


def check(query: Query, hits: list[Hit], sentences: list, state, depth=TYPE_DEPTH, strict=False):
    """scope.check_types with what the index state knows."""
    return scope.check_types(
        query,
        hits,
        sentences,
        vocabulary=state.vocab.df,
        n_docs=state.n_docs,
        lower_words=state.lower_words,
        depth=depth,
        strict=strict,
        idf=state.idf,
    )


def missing(found: answertype.TypeCheck) -> set[str]:
    """The kinds of fact asked for that no relevant sentence holds and whose absence refuses."""
    return set(found.missing) & scope.REFUSING_TYPES


def in_previous_answer(query: Query, hits: list[Hit], found, history: list | None, state):
    """The first sentence of the passages the previous answer quoted (in quoting order) that holds every
    missing kind of fact, when the turn refers back ("dat nummer"); its passage joins the hits (last place)
    when it is not among them. Returns (hits, the passage's id, the sentence) or None."""
    wanted = missing(found)
    quoted = {normalise(q) for q in conversation.quoted_sentences(conversation.previous_answer(history))}
    if not (wanted and quoted and refers_back(query.text)):
        return None
    cited = [Hit(chunk=c, score=0.0) for c in conversation.cited_chunks(history, state.index.chunks)]
    noun_stems = counted_stems(query.type_text, query.lang, state.idf)  # once, not per sentence
    for s in ans.candidates(cited, state.sentences):
        if not s.heading and all(_holds(kind, s.text, query, state, noun_stems) for kind in wanted):
            holder = cited[s.hit].chunk
            if all(h.chunk.id != holder.id for h in hits):
                hits = [*hits[: max(len(hits) - 1, 1)], Hit(chunk=holder, score=0.0)]
            return hits, holder.id, s
    return None


def on_referent(query: Query, found, history: list | None, state):
    """The check redone on the passages of the thing the turn points at (conversation.referent: "is die
    cursus gratis?" asks the price of the course just discussed, which another course's "kosteloos" does
    not answer). None when there is nothing to redo: no kind of fact asked whose absence refuses, or the
    turn points at nothing the conversation named."""
    if not (history and set(found.types) & scope.REFUSING_TYPES):
        return None
    passages = conversation.referent(history, query.text, state.index.chunks)
    if not passages:
        return None
    hits = [Hit(chunk=c, score=0.0) for c in passages]
    return check(query, hits, ans.candidates(hits, state.sentences), state, depth=len(hits))


def _holds(kind: str, text: str, query: Query, state, noun_stems: set[str]) -> bool:
    return answertype.has_entity(
        kind, text, lower_words=state.lower_words, query=query.text, noun_stems=noun_stems, stem=tokenize
    )


def lower_in_ranking(query: Query, hits: list[Hit], sentences: list, found, state, search: Callable):
    """Search the passages ranked lower (`search(n)` gives the first n of the ranking). A passage found
    outside the hits takes their last place. Returns the hits, their sentences, the check and the
    sentence found (None, and everything as it was, when nothing holds it)."""
    k = len(hits)
    checked = {h.chunk.id for h in hits[:TYPE_DEPTH]}
    lower = [h for h in search(DEEPER * k) if h.chunk.id not in checked]
    # A web address, e-mail address or phone number may stand anywhere, even in an unrelated passage (a
    # stray link line): the passages holding one of the kind asked join the search (few in a dossier).
    seen = checked | {h.chunk.id for h in lower}
    for kind in missing(found) & set(answertype.CONTACTS):
        for c in state.contacts.get(kind, ()):
            if c.id not in seen:
                seen.add(c.id)
                lower.append(Hit(chunk=c, score=0.0))
    lower_sentences = ans.candidates(lower, state.sentences)
    deeper = check(query, lower, lower_sentences, state, depth=len(lower), strict=True)
    if not deeper.holders or missing(deeper) & missing(found):
        return hits, sentences, found, None
    holding = lower_sentences[min(deeper.holders)]
    holder = lower[holding.hit]
    if all(h.chunk.id != holder.chunk.id for h in hits):
        hits = [*hits[: max(k - 1, 1)], holder]
        sentences = ans.candidates(hits, state.sentences)
    # the check on the new hits, knowing what the strict search found (its relevance may rest on the
    # sentence alone, where the ordinary check also reads neighbours and the section)
    again_checked = check(query, hits, sentences, state, depth=len(hits))
    still = tuple(t for t in again_checked.missing if t in deeper.missing)
    found = dataclasses.replace(again_checked, missing=still, satisfied=not still)
    place = next(n for n, h in enumerate(hits) if h.chunk.id == holder.chunk.id)
    again = next((s for s in sentences if s.hit == place and s.position == holding.position), None)
    return hits, sentences, found, again


def look_for(query: Query, hits: list[Hit], sentences: list, found, history: list | None, state, search):
    """Both places in turn (see the module docstring); same return as `lower_in_ranking`."""
    previous = in_previous_answer(query, hits, found, history, state)
    if previous is None:
        return lower_in_ranking(query, hits, sentences, found, state, search)
    hits, holder_id, holding = previous
    sentences = ans.candidates(hits, state.sentences)
    place = next(n for n, h in enumerate(hits) if h.chunk.id == holder_id)
    again = next((s for s in sentences if s.hit == place and s.position == holding.position), None)
    return hits, sentences, dataclasses.replace(found, satisfied=True, missing=()), again
