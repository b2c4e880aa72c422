"""Shared by the benchmark's parts: paths, the child-process runner, percentiles, memory, inputs."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from index.offline import OFFLINE_ENV

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DOSSIER = str(Path(PY).with_name("dossier"))
RESULTS = ROOT / "bench" / "results"
DEV = ROOT / "tests" / "data" / "dev.jsonl"
RUN = Path(__file__).resolve().with_name("run.py")


def bench_env(data_dir: Path, corpus_dir: Path | None = None, **extra: str) -> dict[str, str]:
    """Environment for children: own data dir, absolute corpus dir, offline, no telemetry."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOSSIER_")}
    env.update(
        DOSSIER_DATA_DIR=str(data_dir),
        DOSSIER_CORPUS_DIR=str(corpus_dir or ROOT / "corpus"),
        TOKENIZERS_PARALLELISM="false",
        **OFFLINE_ENV,
    )
    env.update(extra)
    return env


def child(part: str, env: dict[str, str], timeout: float, **args) -> dict:
    """Run one part in a fresh process; its last stdout line is a JSON object with the figures."""
    cmd = [PY, str(RUN), "--child", part, "--args", json.dumps(args)]
    try:
        proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"error": f"exit {proc.returncode}: " + " | ".join(tail)}
    return json.loads(lines[-1])


def pct(values: list[float], q: float) -> float:
    """Percentile with linear interpolation (q in 0..100)."""
    if not values:
        return float("nan")
    s = sorted(values)
    pos = (len(s) - 1) * q / 100
    lo, hi = int(pos), min(int(pos) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM), MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def tree_rss_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a process and its children, MB, from /proc."""
    rss = hwm = 0.0
    pids = [pid]
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(k) for k in kids]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1]) / 1024
                elif line.startswith("VmHWM:"):
                    hwm += int(line.split()[1]) / 1024
        except OSError:
            continue
    return rss, hwm


def dev_questions() -> list[str]:
    return [
        json.loads(line)["question"] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
