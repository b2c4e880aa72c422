"""What the page lets in, without Gradio: auth off loopback, question size, request bodies, headers.

Used by ui.py (the page and `dossier serve`); kept here, free of Gradio, so it is unit-tested plainly.
Also: who counts for the rate limit, and how an unexpected error is logged without the question.
"""

from __future__ import annotations

import ipaddress
import logging
import traceback
from pathlib import Path

from index.errors import SettingsError

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


def resolve_auth(settings, host: str) -> list[tuple[str, str]] | None:
    """The page's user/password pairs; refuses a non-loopback address without them (SettingsError)."""
    pairs: list[tuple[str, str]] = []
    if settings.auth_user or settings.auth_password:
        if not (settings.auth_user and settings.auth_password):
            raise SettingsError(
                "Stel zowel DOSSIER_AUTH_USER als DOSSIER_AUTH_PASSWORD in (nu is er maar één van beide)."
            )
        pairs.append((settings.auth_user, settings.auth_password))
    if settings.auth_file:
        pairs.extend(_read_auth_file(Path(settings.auth_file)))
    if not pairs and not is_loopback(host):
        raise SettingsError(
            f"Weigering: luisteren op {host} zonder wachtwoord maakt de vraagbaak bereikbaar voor anderen "
            "in het netwerk. Stel DOSSIER_AUTH_USER en DOSSIER_AUTH_PASSWORD in (of DOSSIER_AUTH_FILE "
            "met regels gebruiker:wachtwoord), of laat --host weg (dan alleen 127.0.0.1)."
        )
    return pairs or None


def _read_auth_file(path: Path) -> list[tuple[str, str]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise SettingsError(f"Kan het wachtwoordbestand {path} niet lezen ({err.strerror}).") from err
    pairs = []
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")
        if not (sep and user.strip() and password):
            raise SettingsError(f"{path}, regel {number}: verwacht 'gebruiker:wachtwoord'.")
        pairs.append((user.strip(), password))
    if not pairs:
        raise SettingsError(f"{path} bevat geen regels 'gebruiker:wachtwoord'.")
    return pairs


def client_key(request) -> str:
    """Who counts for the rate limit: the logged-in user, else the client's address."""
    user = getattr(request, "username", None)
    if user:
        return f"user:{user}"
    client = getattr(request, "client", None)
    return f"ip:{getattr(client, 'host', None) or 'onbekend'}"


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
# fetch an image, font or script from another host, or send data to one.
# gr.HTML compiles its template with new Function(), hence unsafe-eval; no host other than this one.
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; media-src 'self' blob: data:; "
    "worker-src 'self' blob:; frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'self'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"SAMEORIGIN"),
]


class GuardMiddleware:
    """ASGI middleware: refuses request bodies over `max_body` bytes and adds the security headers."""

    def __init__(self, app, max_body: int = MAX_BODY_BYTES):
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
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

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _refuse(send, status: int, text: str) -> None:
    body = text.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + SECURITY_HEADERS})
    await send({"type": "http.response.body", "body": body})
