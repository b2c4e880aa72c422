"""Login throttling: failed logins lock an address and an account for a while, longer after each lock.

Each client address and each account name has a count of failed logins. The first `free` failures
cost nothing; every further failure locks that key for `base` seconds, doubled each time, at most
`cap` seconds. A login tried while its address or account is locked is answered 429 without even
checking the password (so guessing goes no faster than the locks allow) and does not count again.
The right password, after the lock ended, logs in and clears the count of that address and account:
nobody is locked out for ever, an attacker who knows no password gets a handful of guesses per lock.
Every lock is one line in the operator's log (address or account, failures, seconds).

`LoginGuard` is the ASGI middleware around Gradio's `POST /login` that applies it.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("dossier.page")


@dataclass
class _Record:
    failures: int = 0
    locked_until: float = 0.0
    last: float = 0.0


class LoginThrottle:
    """Failed-login counts per key ("ip:…", "user:…"); thread-safe, forgets keys idle for an hour."""

    def __init__(
        self,
        free: int = 5,
        base: float = 2.0,
        cap: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.free, self.base, self.cap = free, base, cap
        self._clock = clock
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def wait(self, *keys: str) -> float:
        """Seconds until a login for these keys may be tried; 0.0 when it may be tried now."""
        now = self._clock()
        with self._lock:
            return max([r.locked_until - now for k in keys if (r := self._records.get(k))] + [0.0])

    def failed(self, *keys: str) -> float:
        """Count a failed login for every key; returns the longest lock it started (0.0 if none)."""
        now = self._clock()
        longest = 0.0
        with self._lock:
            if len(self._records) > 10_000:
                self._forget_idle(now)
            for key in keys:
                record = self._records.setdefault(key, _Record())
                record.failures += 1
                record.last = now
                over = record.failures - self.free
                if over > 0:
                    seconds = min(self.base * 2 ** (over - 1), self.cap)
                    record.locked_until = now + seconds
                    longest = max(longest, seconds)
                    log.warning(
                        "Inloggen geblokkeerd voor %s: %d mislukte pogingen, %d s wachten.",
                        key,
                        record.failures,
                        math.ceil(seconds),
                    )
        return longest

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._records.pop(key, None)

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, r in self._records.items() if r.locked_until < now and r.last < now - 3600]:
            del self._records[key]


def locked_message(seconds: float) -> str:
    return (
        f"Te veel mislukte inlogpogingen. Wacht {math.ceil(seconds)} seconden en probeer het dan "
        "opnieuw met de juiste naam en het juiste wachtwoord."
    )


async def _read_body(receive) -> tuple[bytes, bool]:
    body, more = b"", True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            return body, False
        body += message.get("body", b"")
        more = message.get("more_body", False)
    return body, True


async def _user_name(scope, body: bytes) -> str:
    """The user name of a login form: urlencoded (scripts) or multipart (Gradio's login page)."""
    from starlette.requests import Request

    async def replay():
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(scope, replay).form()
        return str(form.get("username") or "")
    except Exception:  # noqa: BLE001 - an unreadable form: Gradio refuses it; count it for the address
        return ""


class LoginGuard:
    """ASGI middleware: `POST /login` throttled per client address and per account name (429 in Dutch).

    Place it inside the guard that caps body sizes; `client_host(scope)` says who the client is.
    """

    def __init__(self, app, throttle: LoginThrottle, client_host: Callable[[dict], str]):
        self.app = app
        self.throttle = throttle
        self.client_host = client_host

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or not scope["path"].endswith("/login"):
            return await self.app(scope, receive, send)
        body, whole = await _read_body(receive)
        if not whole:
            return
        name = (await _user_name(scope, body)).strip()
        keys = (f"ip:{self.client_host(scope)}",) + ((f"user:{name}",) if name else ())
        wait = self.throttle.wait(*keys)
        if wait > 0:
            return await _answer_429(send, wait)
        status = 0
        replayed = False

        async def receive_again():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def watch(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive_again, watch)
        if 200 <= status < 400:
            self.throttle.succeeded(*keys)
        elif status in (400, 401, 403):
            self.throttle.failed(*keys)


async def _answer_429(send, wait: float) -> None:
    body = json.dumps({"detail": locked_message(wait)}, ensure_ascii=False).encode()
    headers = [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(math.ceil(wait)).encode()),
    ]
    await send({"type": "http.response.start", "status": 429, "headers": headers})
    await send({"type": "http.response.body", "body": body})
