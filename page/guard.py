"""What the page lets in, without Gradio: auth off loopback, question size, request bodies, headers.

Used by ui.py (the page and `dossier serve`); kept here, free of Gradio, so it is unit-tested plainly.
Also: who counts for the rate limit, and how an unexpected error is logged without the question.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
import secrets
import traceback
from pathlib import Path

from index.errors import SettingsError
from page import accounts

log = logging.getLogger("dossier.page")

MAX_BODY_BYTES = 256 * 1024


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and 'localhost': addresses only this machine can reach."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def resolve_auth(settings, host: str):
    """Gradio's `auth=`: a Verifier of the page's accounts, or None on loopback without accounts.

    Refuses (SettingsError) a non-loopback address without accounts, or with a weak password still
    given as text (environment, an older auth file's plain lines).
    """
    found = accounts.load(settings)
    if not found and not is_loopback(host):
        raise SettingsError(
            f"Weigering: luisteren op {host} zonder wachtwoord maakt de vraagbaak bereikbaar voor anderen "
            "in het netwerk. Maak accounts met 'dossier user add NAAM' (of stel DOSSIER_AUTH_USER en "
            "DOSSIER_AUTH_PASSWORD in), of laat --host weg (dan alleen 127.0.0.1)."
        )
    if not is_loopback(host):
        accounts.check_strength(found, host)
    return accounts.Verifier(found) if found else None


def client_host(scope) -> str:
    """The client's address as the server saw it: the socket's, or (only from DOSSIER_TRUSTED_PROXIES,
    which uvicorn's forwarded-headers trust is set to) the one the proxy forwarded."""
    client = scope.get("client") if isinstance(scope, dict) else getattr(scope, "client", None)
    if isinstance(client, (tuple, list)):
        return str(client[0]) if client else "onbekend"
    return getattr(client, "host", None) or "onbekend"


def rate_keys(request) -> tuple[str | None, str]:
    """Who counts for the rate limit: (the logged-in account or None, the client's address)."""
    user = getattr(request, "username", None)
    return (f"user:{user}" if user else None), f"ip:{client_host(request)}"


def trusted_proxies(settings) -> str:
    """The value for uvicorn's forwarded-allow-ips: DOSSIER_TRUSTED_PROXIES, else trust nobody.

    uvicorn trusts X-Forwarded-For from 127.0.0.1 by default, so on loopback anyone could set it and
    lift the per-address limit. An explicit FORWARDED_ALLOW_IPS of an older set-up is still honoured.
    """
    value = (settings.trusted_proxies or "").strip()
    if value == "*":
        raise SettingsError(
            "DOSSIER_TRUSTED_PROXIES=* zou iedereen toestaan zijn adres op te geven. Noem het adres van de "
            "proxy (bijvoorbeeld 127.0.0.1 voor nginx op dezelfde machine)."
        )
    return value or os.environ.get("FORWARDED_ALLOW_IPS", "")


def log_unexpected(err: BaseException, question: str | None, settings) -> None:
    """Log an unexpected error: where it happened; the question text only if log_questions is on."""
    if settings.log_questions:
        log.error("Onverwachte fout bij vraag %r", question, exc_info=err)
        return
    # The message of an exception can quote its input, so only its type and the code path are logged.
    frames = traceback.extract_tb(err.__traceback__)
    where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames[-6:]))
    log.error("Onverwachte fout %s (%s)", type(err).__name__, where)


# Nothing from elsewhere: even if a passage slipped through unescaped, the browser would refuse to
# fetch an image, font or script from another host, or send data to one. Scripts: only this host's files
# and the inline <script> blocks of Gradio's own page, which carry a fresh nonce per response ('unsafe-
# inline' is gone: an injected <script> or onerror= does not run). What remains, and why:
# - 'unsafe-eval': Gradio runs the page's `js=` hooks and gr.HTML templates with new Function();
# - style-src 'unsafe-inline': Svelte and the theme set style attributes and <style> blocks at run time;
# - img-src data:/blob:: Gradio's icons and the chat's avatars are data: URIs.
CSP_TEMPLATE = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; media-src 'self' blob: data:; "
    "worker-src 'self' blob:; frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'"
)
CSP = CSP_TEMPLATE.format(nonce="none")  # responses that are not HTML pages run no inline script at all
SECURITY_HEADERS = [
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"SAMEORIGIN"),
]
# Routes the page does not use that would write to disk: the page has no upload control.
REFUSED_PATHS = ("/gradio_api/upload", "/upload", "/gradio_api/upload/", "/upload/")


def _headers(nonce: str | None) -> list[tuple[bytes, bytes]]:
    csp = CSP_TEMPLATE.format(nonce=nonce) if nonce else CSP
    return [(b"content-security-policy", csp.encode()), *SECURITY_HEADERS]


class GuardMiddleware:
    """ASGI middleware: refuses bodies over `max_body` bytes and the upload route; adds security headers."""

    def __init__(self, app, max_body: int = MAX_BODY_BYTES):
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["path"].rstrip("/") in REFUSED_PATHS or scope["path"] in REFUSED_PATHS:
            return await _refuse(send, 404, "Deze vraagbaak neemt geen bestanden aan.")
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            return await _refuse(send, 413, "Verzoek te groot.")
        if length is None:
            # A body without Content-Length (chunked): read it here, bounded, then hand it on whole.
            body, more = b"", True
            while more:
                message = await receive()
                if message["type"] != "http.request":
                    return
                body += message.get("body", b"")
                more = message.get("more_body", False)
                if len(body) > self.max_body:
                    return await _refuse(send, 413, "Verzoek te groot.")
            replayed, upstream = False, receive

            async def receive_again():
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await upstream()  # later: the disconnect a streaming response waits for

            receive = receive_again
        await self.app(scope, receive, _NonceSender(send))


# Only real tags: Gradio writes its config into the page with every '<' escaped as \u003c.
_SCRIPT_TAG = re.compile(rb"<script(?=[\s>])", re.IGNORECASE)


class _NonceSender:
    """Adds the security headers; an HTML page is held back whole so its <script> tags get the nonce."""

    def __init__(self, send):
        self.send = send
        self.start: dict | None = None
        self.body = b""

    async def __call__(self, message):
        if message["type"] == "http.response.start":
            headers = message.get("headers", [])
            is_html = any(k.lower() == b"content-type" and b"text/html" in v.lower() for k, v in headers)
            if not is_html:
                return await self.send({**message, "headers": [*headers, *_headers(None)]})
            self.start = message
            return None
        if self.start is None or message["type"] != "http.response.body":
            return await self.send(message)
        self.body += message.get("body", b"")
        if message.get("more_body", False):
            return None
        nonce = secrets.token_urlsafe(16)
        body = _SCRIPT_TAG.sub(f'<script nonce="{nonce}"'.encode(), self.body)
        headers = [(k, v) for k, v in self.start.get("headers", []) if k.lower() != b"content-length"]
        headers += [(b"content-length", str(len(body)).encode()), *_headers(nonce)]
        await self.send({**self.start, "headers": headers})
        await self.send({"type": "http.response.body", "body": body})


async def _refuse(send, status: int, text: str) -> None:
    body = text.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + _headers(None)})
    await send({"type": "http.response.body", "body": body})
