"""The serving part: `dossier serve` on a free loopback port, its memory, and 16 concurrent page clients.

Traffic goes to 127.0.0.1 only; every request has a time limit and every loop a fixed count.
"""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
import threading
import time
from pathlib import Path

from bench.common import DOSSIER, bench_env, dev_questions, free_port, pct, tree_rss_mb
from index.offline import go_offline


def _wait_ready(proc: subprocess.Popen, log: Path, url: str, limit: float) -> float | None:
    """Seconds until the page answers on url (None when it died or did not come up within limit)."""
    import urllib.request

    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        if proc.poll() is not None:
            return None
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return time.perf_counter() - start
        except OSError:
            pass
        time.sleep(0.5)
    return None


def _client(url: str):
    from gradio_client import Client

    return Client(url, verbose=False, analytics_enabled=False, download_files=False)


def run_serve(work: Path, quick: bool) -> dict:
    go_offline()  # this process's gradio_client too
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = bench_env(work / "data", DOSSIER_RATE_LIMIT_PER_MINUTE="100000", DOSSIER_HOST="127.0.0.1")
    log = work / "serve.log"
    out: dict = {"port": port}
    with open(log, "w") as fh:
        proc = subprocess.Popen(
            [DOSSIER, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=fh,
            stderr=fh,
            cwd=work,
        )
    try:
        ready = _wait_ready(proc, log, url, 180)
        if ready is None:
            tail = log.read_text(errors="replace").strip().splitlines()[-3:]
            return {**out, "error": "page did not come up: " + " | ".join(tail)}
        out["startup_s"] = ready
        client = _client(url)
        api = client.view_api(print_info=False, return_format="dict")
        names = list((api or {}).get("named_endpoints", {}))
        out["api_endpoints"] = names
        endpoint = "/ask" if "/ask" in names else (names[0] if names else None)
        if endpoint is None:
            return {**out, "error": "no public API endpoint on the page"}
        questions = dev_questions()
        single = []
        for q in questions[:6]:
            t = time.perf_counter()
            client.submit(q, api_name=endpoint).result(timeout=60)
            single.append(time.perf_counter() - t)
        out["single_client_p50_s"] = pct(single, 50)
        out["rss_mb_after_questions"], _ = tree_rss_mb(proc.pid)
        client.close()
        if not quick:
            out.update(_concurrent(url, endpoint, questions, clients=16, per_client=4, server_pid=proc.pid))
        rss, hwm = tree_rss_mb(proc.pid)
        out["rss_mb_end"], out["peak_rss_mb"] = rss, hwm
    except Exception as err:  # noqa: BLE001 — report, and still stop the server below
        out["error"] = f"{type(err).__name__}: {err}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    return out


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (from /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _own_cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _concurrent(
    url: str, endpoint: str, questions: list[str], clients: int, per_client: int, server_pid: int
) -> dict:
    """`clients` threads, each its own gradio_client session, asking `per_client` questions each.

    All sessions connect first and start together (a barrier), so the figures are of asking, not of
    connecting. The CPU the server and this (client) process spend per request is reported too: on a
    2-core machine the clients compete with the server for the same cores.
    """
    from concurrent.futures import ThreadPoolExecutor

    start = threading.Barrier(clients, timeout=120)

    def one_client(i: int) -> tuple[list[float], list[str]]:
        lat, errors = [], []
        try:
            c = _client(url)
        except Exception as err:  # noqa: BLE001
            c, errors = None, [f"connect: {type(err).__name__}"] * per_client
        with contextlib.suppress(threading.BrokenBarrierError):
            start.wait()
        if c is None:
            return lat, errors
        for j in range(per_client):
            q = questions[(i * per_client + j) % len(questions)]
            t = time.perf_counter()
            try:
                c.submit(q, api_name=endpoint).result(timeout=60)
                lat.append(time.perf_counter() - t)
            except Exception as err:  # noqa: BLE001
                errors.append(f"{type(err).__name__}: {str(err)[:80]}")
        c.close()
        return lat, errors

    server0, own0 = _cpu_seconds(server_pid), _own_cpu_seconds()
    t = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(one_client, range(clients)))
    wall = time.perf_counter() - t
    requests = clients * per_client
    lat = [x for r in results for x in r[0]]
    errors = [e for r in results for e in r[1]]
    return {
        "concurrent_clients": clients,
        "concurrent_requests": requests,
        "concurrent_wall_s": wall,
        "concurrent_throughput_qps": len(lat) / wall,
        "concurrent_p50_s": pct(lat, 50),
        "concurrent_p95_s": pct(lat, 95),
        "concurrent_errors": len(errors),
        "concurrent_error_kinds": sorted(set(errors))[:5],
        "server_cpu_ms_per_request": (_cpu_seconds(server_pid) - server0) / requests * 1000,
        "client_cpu_ms_per_request": (_own_cpu_seconds() - own0) / requests * 1000,
    }
