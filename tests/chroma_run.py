"""A real `chroma run` server for tests: started on a free port of 127.0.0.1, stopped in a bounded time."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


@dataclass
class ChromaServer:
    url: str
    port: int
    path: Path
    log: Path
    proc: subprocess.Popen | None = None

    def start(self) -> None:
        """Start `chroma run` and wait (bounded) for its heartbeat."""
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [
                    str(BIN / "chroma"),
                    "run",
                    "--path",
                    str(self.path),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        wait_for_heartbeat(self.url, self.proc, self.log)

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL), waiting a bounded time."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_heartbeat(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(
                f"chroma run stopte meteen (code {proc.returncode}):\n{log.read_text(errors='replace')}"
            )
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as r:
            if r.status == 200:
                return
        time.sleep(0.2)
    pytest.fail(f"chroma run antwoordde niet binnen {timeout:.0f} s:\n{log.read_text(errors='replace')}")
