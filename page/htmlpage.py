"""The page's HTML as served: Dutch (`lang="nl"`) and titled before any script runs, no foreign meta tags.

Gradio's template says `lang="en"` and carries og:/twitter: tags with "Gradio" and an image on another
host. A screen reader that reads the page before the scripts run, or a chat app that previews the
link, would use them. This ASGI middleware rewrites the HTML of the page itself (GET /) and nothing else.
"""

from __future__ import annotations

import html
import re

TITLE = "Vraagbaak mensenhandel"
_LANG = re.compile(r'(<html\b[^>]*?\blang=")[^"]*(")', re.IGNORECASE)
_SOCIAL = re.compile(r'<meta\s[^>]*?\b(?:property|name)="(?:og|twitter):[^"]*"[^>]*>\s*', re.IGNORECASE)
_TITLE = re.compile(r"<title>.*?</title>", re.IGNORECASE | re.DOTALL)
_CHARSET = re.compile(r"<meta\s+charset=[^>]*>", re.IGNORECASE)


def dutch_html(page: str, title: str = TITLE) -> str:
    """`page` with lang="nl", one Dutch <title> and no og:/twitter: meta tags."""
    page = _LANG.sub(r"\1nl\2", page, count=1)
    page = _SOCIAL.sub("", page)
    page = _TITLE.sub("", page)
    tag = f"<title>{html.escape(title)}</title>"
    m = _CHARSET.search(page)
    return page[: m.end()] + tag + page[m.end() :] if m else page.replace("<head>", "<head>" + tag, 1)


class DutchPage:
    """ASGI middleware: rewrites the HTML of GET / with `dutch_html`; other responses pass untouched."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "GET" or scope.get("path") != "/":
            return await self.app(scope, receive, send)
        start: dict = {}
        chunks: list[bytes] = []

        async def rewrite(message):
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                return await send(message)
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            body = b"".join(chunks)
            kind = dict(headers).get(b"content-type", b"")
            if kind.startswith(b"text/html"):
                body = dutch_html(body.decode("utf-8")).encode("utf-8")
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, rewrite)
