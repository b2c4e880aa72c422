"""The assistant: a question in, a cited extractive answer out (with the meldpunt card when situational).

    question ─ clean ─ prepare (typos, English, follow-up) ─ retrieve (dense + BM25, fused)
        ├─ situational (intent rules)  → meldpunt card + meldpunt passage [1] + best quotes
        ├─ out of scope (scope.py)     → "Dat staat niet in het dossier." + who may know
        └─ otherwise                   → best quotes with [n] markers

The index is reopened when a newer ingest has finished (checked at most every couple of seconds).
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from assistant import advice, answertype, conversation, intent, lookfor, outofscope, overview, quotes, scope
from assistant import answer as ans
from assistant import meldpunt as mp
from assistant.acronym import find as find_definition
from assistant.advice import AdviceRanker
from assistant.errors import QuestionError
from assistant.query import Query, clean_question, prepare, situational_terms
from assistant.retrieve import DEFAULT_FUSION, Fusion, Hit, Retrieval, retrieve
from assistant.scope import Signals, Thresholds
from assistant.situation import Detector, is_e5
from assistant.state import IndexState
from assistant.types import Answer, Meldpunt, Referral
from index.chunk import Chunk

REOPEN_CHECK_SECONDS = 2.0


class _CachedQueries:
    """The question side of the retrieval embedder, through the detector's cache of the same model."""

    def __init__(self, detector: Detector):
        self.embed_query = detector.vector


def _with_cited(hits: list[Hit], cited: list[Chunk], k: int) -> list[Hit]:
    """A follow-up may be answered by what the previous answer quoted ("Sinds wanneer is hij
    burgemeester?"): the previously cited passages join the candidates (after the retrieved ones, k + 2)."""
    have = {h.chunk.id for h in hits}
    floor = min((h.score for h in hits), default=0.0)
    extra = [Hit(chunk=c, score=floor * 0.9) for c in cited if c.id not in have][:2]
    return hits[:k] + extra


def _continues(hits: list[Hit], next_chunk: dict) -> dict[int, int]:
    """hit index -> index of the hit whose passage continues it."""
    where = {h.chunk.id: i for i, h in enumerate(hits)}
    out = {}
    for i, h in enumerate(hits):
        nxt = next_chunk.get(h.chunk.id)
        if nxt is not None and nxt.id in where:
            out[i] = where[nxt.id]
    return out


class Assistant:
    """Answers questions over the index. Thread-safe for concurrent `ask` calls."""

    def __init__(
        self,
        settings=None,
        *,
        index=None,
        embedder=None,
        clock: Callable[[], datetime] | None = None,
        thresholds: Thresholds | None = None,
        fusion: Fusion = DEFAULT_FUSION,
        detector: Detector | None = None,
    ):
        if settings is None:
            from index.settings import Settings

            settings = Settings()
        self.settings = settings
        self.thresholds = thresholds or Thresholds.from_settings(settings)
        self.fusion = fusion
        self._clock = clock or (lambda: datetime.now(UTC))
        self._facts = mp.load_facts(mp.contacts_path(settings))
        self._referral = mp.load_referral(mp.contacts_path(settings))
        self._tz = mp.zone(settings)
        if index is None:
            from index.store import Index

            index = Index.open(settings)
        if embedder is None:
            from index.embed import load_embedder

            embedder = load_embedder(settings)
        from index.store import check_model

        check_model(getattr(index, "manifest", {}), embedder)
        self._embedder = embedder
        self._detector = detector or Detector.for_embedder(embedder)
        # With an e5 retrieval embedder, retrieval reads the detector's cache: a turn is embedded once.
        self._queries = _CachedQueries(self._detector) if is_e5(embedder) else embedder
        # the passage side of the same e5 model: the retrieval embedder's when it is e5
        passages = embedder.embed_documents if is_e5(embedder) else advice.e5_passages
        self._advice = AdviceRanker(self._detector.embed_query, passages)
        self._state = self._open_state(index)
        self._retired = None
        self._lock = threading.Lock()
        self._checked = time.monotonic()

    # ------------------------------------------------------------ index freshness

    @property
    def index(self):
        return self._current().index

    @property
    def embedder(self):
        return self._embedder

    def _current(self) -> IndexState:
        """The state of the newest finished index (reopened after an ingest; checked every ~2 s)."""
        now = time.monotonic()
        if now - self._checked < REOPEN_CHECK_SECONDS:
            return self._state
        with self._lock:
            if now - self._checked < REOPEN_CHECK_SECONDS:
                return self._state
            self._checked = now
            state = self._state
            is_current = getattr(state.index, "is_current", None)
            if is_current is None or is_current():
                return state
            from index.store import Index, check_model

            opened = Index.open(self.settings)
            try:
                check_model(opened.manifest, self._embedder)  # an ingest with another model: say so
            except Exception:
                opened.close()
                raise
            fresh = self._open_state(opened)
            # Close the index retired last time, not this one: a concurrent ask may still be reading it.
            if self._retired is not None and hasattr(self._retired, "close"):
                self._retired.close()
            self._retired = state.index
            self._state = fresh
            return fresh

    def _open_state(self, index) -> IndexState:
        cache = Path(self.settings.data_dir) / "cache"
        return IndexState(index, self._facts, self._embedder, cache)

    # ------------------------------------------------------------ the page

    def sections(self) -> list[str]:
        """Section paths in document order (for the page's Dossier tab)."""
        return list(dict.fromkeys(c.section_path for c in self._current().index.chunks))

    def section_text(self, path: str) -> str:
        """The passages of one section, joined in reading order."""
        chunks = [c for c in self._current().index.chunks if c.section_path == path]
        if not chunks:
            raise QuestionError(
                f"Onbekend onderdeel van het dossier: {path!r}. Kies een onderdeel uit de lijst."
            )
        return "\n\n".join(c.text for c in sorted(chunks, key=lambda c: (c.source, c.ordinal)))

    def meldpunt_now(self, lang: str = "nl") -> Meldpunt:
        """The meldpunt card with whether it is open at this moment."""
        return mp.card(self._facts, self._clock(), self._tz, lang)

    # ------------------------------------------------------------ answering

    def ask(self, question: str, history: list[dict] | None = None) -> Answer:
        """Answer one question; `history` = earlier messages [{"role", "content"}] for follow-ups."""
        return self.ask_with_signals(question, history)[0]

    def ask_with_signals(self, question: str, history: list[dict] | None = None) -> tuple[Answer, Signals]:
        """`ask`, plus the signals the out-of-scope decision looked at (for calibration)."""
        text = clean_question(question, self.settings.max_question_chars)
        state = self._current()
        query, verdict = self._read_turn(text, history, state)
        situational = verdict.situational
        if situational:
            query.extra = situational_terms(state.vocab)
        k = self.settings.top_k
        retrieval = retrieve(state.index, self._queries, query, k, self.fusion, state.next_chunk)
        hits = retrieval.hits
        if query.followup:
            hits = _with_cited(hits, conversation.cited_chunks(history, state.index.chunks), k)
        sentences = ans.candidates(hits, state.sentences)
        hits, sentences, defining = find_definition(text, hits, sentences, state)
        check = lookfor.check(query, hits, sentences, state)
        if defining is not None:  # the full name asked for ("volledige naam van het EMM") is there
            check = dataclasses.replace(check, satisfied=True, missing=())
        found = None  # a sentence holding the kind of fact asked for, found beyond the first passages
        if lookfor.missing(check):

            def search(n: int) -> list[Hit]:
                return retrieve(state.index, self._queries, query, n, self.fusion, state.next_chunk).hits

            hits, sentences, check, found = lookfor.look_for(
                query, hits, sentences, check, history, state, search
            )
        if (again := lookfor.on_referent(query, check, history, state)) is not None and lookfor.missing(
            again
        ):
            check, found = again, None  # "die cursus" is the one discussed: its price, not another's
        features = quotes.features(
            query, hits, sentences, retrieval.vector, state.vectors, state.idf, state.lower_words
        )
        signals = self.signals(query, retrieval, check, scope.top_coverage(query, hits, sentences, state.idf))
        signals.topic_terms = self._topic_terms(query, state)
        if query.lang == "nl":
            signals.missing_names = scope.missing_names(text, state.text_norm)
            signals.unknown_names = scope.unknown_names(text, state.text_norm, state.vocab.correct)
        signals.unknown_words = len(query.unknown)
        logits = quotes.score(features)
        sure = quotes.confidence(features)
        signals.top_sentence = float(features[:, 0].max()) if len(features) else 0.0
        signals.top_quote = quotes.logistic(float(sure.max())) if len(sure) else 0.0
        signals.off_topic = state.offtopic.closeness(retrieval.vector) - signals.top_sentence
        # The model does not refuse a sure situation, nor a question whose answer was found by name
        if (not situational or not verdict.sure) and defining is None:
            signals.off_scope = self._off_scope(query, signals)
        # Every turn is checked, situational ones too: an out-of-scope request after a situation is refused.
        if self.out_of_scope(signals, situational, named_ok=situational and not verdict.borderline):
            return self._refusal(text, query, signals, situational), signals
        if situational:
            best = quotes.best(sentences, sure)
            ans.score_sentences(query, hits, sentences, state.idf, entities=check.holders)
            answer = self._situational(text, query, hits, sentences, state, verdict.borderline, best)
            return answer, signals
        listed = overview.find(query, check.types, hits, state.index.chunks)
        if listed is not None:  # "welke trainingen zijn er?": the section's own subsections
            lead = overview.LEADS[query.lang].format(title=listed.title)
            k_all = len(listed.hits)
            cited, body = ans.compose(listed.hits, listed.headings, lang=query.lang, k=k_all, lead=lead)
            return Answer(text, body, cited, situational=False, out_of_scope=False, lang=query.lang), signals
        chosen = quotes.choose(sentences, logits, continues=_continues(hits, state.next_chunk))
        chosen = overview.named_heading(query, chosen, sentences)  # "is er een training voor …?"
        if defining is not None:
            chosen = [defining, *(s for s in chosen if s is not defining)][: quotes.selection()["limit"]]
        if found is not None and found not in chosen:
            # what was looked for, right after the best quote, within the quote's length
            chosen = [*chosen[:1], found, *chosen[1:]][: max(2, quotes.selection()["limit"])]
        citations, body = ans.compose(hits, chosen, lang=query.lang, k=k)
        answer = Answer(
            text, body, citations, situational=False, meldpunt=None, out_of_scope=False, lang=query.lang
        )
        return answer, signals

    def _off_scope(self, query: Query, signals: Signals) -> float:
        """The learned out-of-scope probability (assistant/outofscope.py), of the turn as it is read."""
        model = outofscope.shipped()
        if model is None:
            return 0.0
        reading = f"{query.previous} {query.text}" if query.followup and query.previous else query.text
        return model.probability(self._detector.vector(reading), signals)

    def _read_turn(
        self, text: str, history: list | None, state: IndexState
    ) -> tuple[Query, intent.Situational]:
        """The turn as retrieval reads it (query.prepare: with the previous question only when it refers
        back and is on the same topic), and whether it is situational (conversation.situation)."""
        answered = conversation.antecedent(history, text)
        query = prepare(text, state.vocab, history, self._detector.related, answered)
        return query, conversation.situation(self._detector, text, query, history)

    @staticmethod
    def _topic_terms(query: Query, state: IndexState) -> int:
        """Question terms that pin down a topic; a follow-up's topic may stand in the question it continues
        ("hoe lang duurt die ongeveer?" after "Vertel eens over de e-learning BUIT.")."""
        n = len(set(query.core) & scope.specific_terms(query, state.vocab.df, state.n_docs))
        return n + len(scope.continued_terms(query, state.vocab.df, state.n_docs))

    def signals(
        self, query: Query, retrieval: Retrieval, check: answertype.TypeCheck, coverage: float
    ) -> Signals:
        return Signals(
            coverage=query.coverage,
            novelty=query.novelty,
            codes=list(query.unknown_codes),
            top_coverage=coverage,
            top_lexical=retrieval.top_lexical,
            top_dense=retrieval.top_dense,
            top_fused=retrieval.hits[0].score if retrieval.hits else 0.0,
            types=check.types,
            types_ok=check.satisfied,
            unknown=list(query.salient_unknown),
            missing_types=check.missing,
        )

    def out_of_scope(self, s: Signals, situational: bool = False, named_ok: bool = False) -> bool:
        """Refuse? (see assistant/scope.py)

        A described situation names what was seen and where, in words the dossier does not use, and asks
        whom to call, which the card answers; none of that says it is out of scope. Nor do the names and
        codes a situation carries (a client's name, a case number, a regulation someone mentioned): the
        dossier still answers what to do, and the answer claims nothing about them (`named_ok`: a clear
        situation; a borderline call is likely a look-up, whose unknown names and codes, and a fact type
        it asks for that no passage carries, still refuse). A
        situational turn is otherwise refused only when nothing in the dossier is close at all; the refusal
        keeps the card."""
        if situational:
            s = dataclasses.replace(
                s,
                novelty=0.0,
                unknown_words=0,
                unknown=[],
                codes=[] if named_ok else s.codes,
                missing_names=[] if named_ok else s.missing_names,
                unknown_names=[] if named_ok else s.unknown_names,
                types_ok=True if named_ok else s.types_ok,
                missing_types=() if named_ok else s.missing_types,
            )
        return scope.refuse(s, self.thresholds)

    def _situational(self, text, query, hits, sentences, state, borderline=False, best=None) -> Answer:
        """The card, then quotes: what to do, or for a borderline call (the classifier under even odds and
        no rule: likely a look-up that gets the card to be safe) what answers the question. `best`: the
        quote model's most likely answer to the question as asked, quoted too when it is likely enough
        ("Kan ik haar ergens naar doorverwijzen?" asks something besides what to do)."""
        reading = f"{query.previous} {text}" if query.followup and query.previous else text
        card = mp.card(self._facts, self._clock(), self._tz, query.lang)
        pinned = None
        if state.meldpunt_chunk is not None:
            pinned = next((h for h in hits if h.chunk.id == state.meldpunt_chunk.id), None)
            if pinned is None:
                pinned = Hit(chunk=state.meldpunt_chunk, score=0.0)
        if not borderline:
            # Candidates: the retrieved passages and the ones nearest to what to do (a narrative retrieves
            # passages about what it describes, seldom the ones about acting on it).
            hits = hits + [Hit(chunk=c, score=0.0) for c in self._advice_passages(state, hits)]
            if pinned is not None and all(h.chunk.id != pinned.chunk.id for h in hits):
                hits = hits + [pinned]  # its sentences become candidates for the lead quote below
            sentences = ans.candidates(hits, state.sentences)
        own = [s for s in sentences if pinned is not None and hits[s.hit].chunk.id == pinned.chunk.id]
        others = [s for s in sentences if s not in own]
        if borderline:
            # The card says where to go; the quotes answer the question.
            chosen = ans.select(others, limit=3, continues=_continues(hits, state.next_chunk))
        else:
            # What to do (report, advice, signals, who helps), chosen with the model (assistant/advice.py).
            # The card paraphrases the meldpunt passage: the passage's sentence nearest to what the card is
            # for leads the quotes, verbatim, then its phone-number sentence (the card's number and hours in
            # the dossier's words: answer_text tuning9/10/11 .82/.82/.77 -> .94), then what else bears on it.
            stored = self._stored(state, hits)
            source = self._advice.nearest(self._detector.vector(mp.purpose(self._facts)), own, stored)
            phone = next((s for s in own if s.text == state.meldpunt_sentence and s is not source), None)
            lead = [s for s in (source, phone) if s is not None]
            doubt = self._advice.answering_doubt(self._detector.vector(reading), source, others, stored)
            if doubt is not None:
                lead.append(doubt)
            if best is not None and best[0] not in lead and best[1] >= quotes.ANSWERS_TOO:
                lead.append(best[0])
            others = [
                s for s in self._advice.rank(self._detector.vector(reading), others, stored) if s not in lead
            ]
            chosen = lead + ans.select(
                others, limit=3 - len(lead), ratio=0.9, continues=_continues(hits, state.next_chunk)
            )
        citations, body = ans.compose(
            hits,
            chosen,
            lang=query.lang,
            k=self.settings.top_k,
            pinned=pinned,
            pinned_highlight=state.meldpunt_sentence,
        )
        marker = "[1]" if pinned else ""
        head = mp.render(card, self._facts, query.lang, marker=marker)
        answer = head + ("\n\n" + body if body else "")
        return Answer(
            text,
            answer,
            citations,
            situational=True,
            meldpunt=card,
            out_of_scope=False,
            lang=query.lang,
            body=body,
            card_marker=marker,
        )

    def _stored(self, state: IndexState, hits: list[Hit]) -> dict:
        """Sentence text -> vector, as embedded at ingest, when the index has them for the classifier's model
        (an e5 retrieval embedder); else {} and the ranker embeds what it needs."""
        many = getattr(state.index, "sentence_vectors_many", None)
        if many is None or not is_e5(self._embedder):
            return {}
        try:
            table = many([h.chunk.id for h in hits])
        except (KeyError, FileNotFoundError, ValueError):
            return {}
        pairs = (zip(texts, matrix, strict=True) for texts, matrix in table.values())
        return {text: vec for pair in pairs for text, vec in pair}

    def _advice_passages(self, state: IndexState, hits: list[Hit], n: int = 3) -> list[Chunk]:
        """The `n` passages nearest to the what-to-do question that are not among `hits` (found once per
        index with the retrieval embedder)."""
        if state.advice is None:
            found = state.index.dense_search(self._embedder.embed_query(advice.ACTION), n + 3)
            state.advice = [state.index.by_id[cid] for cid, _ in found if cid in state.index.by_id]
        have = {h.chunk.id for h in hits}
        return [c for c in state.advice if c.id not in have][:n]

    def _refusal(self, text: str, query: Query, signals: Signals, situational: bool = False) -> Answer:
        lang = query.lang
        parts = [ans.PHRASES[lang]["none"]]
        missing = scope.what_is_missing(signals, lang)
        if missing:
            parts.append(missing)
        f, r = self._facts, self._referral
        if lang == "en":
            who = r.name_en
            refer = (
                f"The {who} may know more; for a concrete situation call the {f.name}: {f.phone} ({f.hours})."
            )
        else:
            who = r.name
            refer = (
                f"Misschien weet de {who} het; bij een concrete situatie kun je het {f.name} bellen: "
                f"{f.phone} ({f.hours})."
            )
        parts.append(refer)
        # A refused situational turn keeps its card (the meldpunt line is in the text above).
        card = mp.card(f, self._clock(), self._tz, lang) if situational else None
        return Answer(
            text,
            " ".join(parts),
            [],
            situational=situational,
            meldpunt=card,
            out_of_scope=True,
            lang=lang,
            referral=Referral(who, refer),
        )
