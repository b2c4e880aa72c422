"""The parts of the benchmark that run inside a fresh child process (`run.py --child NAME`).

Each takes the part's arguments (a dict) and returns its figures (a JSON-able dict); settings come from
the environment the parent set (DOSSIER_DATA_DIR, DOSSIER_CORPUS_DIR).
"""

from __future__ import annotations

import time
from pathlib import Path

from bench.common import dev_questions, passages_150_words, pct, peak_rss_mb


def child_embed_cold(args: dict) -> dict:
    """Import + load of the query embedder, timed from inside a fresh interpreter."""
    t0 = time.perf_counter()
    from index.embed import load_embedder
    from index.settings import Settings

    t1 = time.perf_counter()
    emb = load_embedder(Settings(), for_queries=True)
    t2 = time.perf_counter()
    emb.embed_query("warm")
    t3 = time.perf_counter()
    return {"import_s": t1 - t0, "load_s": t2 - t1, "first_query_s": t3 - t2, "class": type(emb).__name__}


def child_embed_speed(args: dict) -> dict:
    """Warm query latency and passages/s of one backend ('numpy' or 'torch')."""
    from index.embed import load_embedder
    from index.settings import Settings

    t0 = time.perf_counter()
    emb = load_embedder(Settings(), for_queries=args["backend"] == "numpy")
    load_s = time.perf_counter() - t0
    questions = dev_questions()
    emb.embed_query(questions[0])
    lat = []
    for q in questions * 2:
        t = time.perf_counter()
        emb.embed_query(q)
        lat.append(time.perf_counter() - t)
    out = {"class": type(emb).__name__, "load_s": load_s, "query_p50_ms": pct(lat, 50) * 1000}
    out["query_p95_ms"] = pct(lat, 95) * 1000
    texts = passages_150_words(args.get("passages", 96))
    emb.embed_documents(texts[:8])
    t = time.perf_counter()
    emb.embed_documents(texts)
    out["passages150_per_s"] = len(texts) / (time.perf_counter() - t)
    from ingest.chunk import chunk_document
    from ingest.load import load_document

    s = Settings()
    corpus = Path(s.corpus_dir)
    chunks = []
    for path in sorted(corpus.glob("*.txt")):
        chunks += [c.index_text for c in chunk_document(load_document(path, corpus, s), s)]
    t = time.perf_counter()
    emb.embed_documents(chunks)
    out["dossier_chunks_per_s"] = len(chunks) / (time.perf_counter() - t)
    out["dossier_chunks"] = len(chunks)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def child_ingest(args: dict) -> dict:
    """From empty, then a no-op re-ingest, in this process; the embedder as `dossier ingest` makes it.

    The model is loaded before the clock starts, so chunks/s is the ingest's own rate; the model's load
    (for sentence-transformers mostly importing torch) is reported beside it.
    """
    from index.settings import Settings
    from ingest.build import ingest_corpus

    s = Settings()
    t0 = time.perf_counter()
    if args.get("backend") == "numpy":
        from index.embed import load_embedder

        emb = load_embedder(s, for_queries=True)
        name = type(emb).__name__
    else:
        from ingest.cli import DeferredEmbedder

        emb = DeferredEmbedder(s)
        name = f"{type(emb).__name__}({type(emb._model()).__name__})"
    model_load = time.perf_counter() - t0
    t = time.perf_counter()
    first = ingest_corpus(s, emb)
    first_wall = time.perf_counter() - t
    t = time.perf_counter()
    again = ingest_corpus(s, emb)
    again_wall = time.perf_counter() - t
    return {
        "embedder": name,
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
    "ingest": child_ingest,
    "ask_warm": child_ask_warm,
}
