"""What the page lets in: auth off loopback, question checks, who is rate-limited, logging, the body cap."""

import logging
import types

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from assistant import guard
from index.errors import SettingsError
from index.settings import Settings


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_needs_no_auth(host):
    assert guard.is_loopback(host)
    assert guard.resolve_auth(Settings(), host) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "dossier.gemeente.nl"])
def test_other_address_without_auth_is_refused(host):
    assert not guard.is_loopback(host)
    with pytest.raises(SettingsError, match="DOSSIER_AUTH_USER") as err:
        guard.resolve_auth(Settings(), host)
    assert host in str(err.value)


def test_user_and_password_allow_any_address():
    settings = Settings(auth_user="afm", auth_password="geheim")
    assert guard.resolve_auth(settings, "0.0.0.0") == [("afm", "geheim")]
    assert guard.resolve_auth(settings, "127.0.0.1") == [("afm", "geheim")]  # configured: used everywhere


def test_half_configured_auth_is_refused():
    with pytest.raises(SettingsError, match="zowel"):
        guard.resolve_auth(Settings(auth_user="afm"), "0.0.0.0")


def test_auth_file(tmp_path):
    f = tmp_path / "users.txt"
    f.write_text("# officers\nanna:een:twee\n\n bob : b\n", encoding="utf-8")
    assert guard.resolve_auth(Settings(auth_file=f), "0.0.0.0") == [("anna", "een:twee"), ("bob", " b")]


@pytest.mark.parametrize(
    ("content", "message"), [("zonder-dubbelepunt\n", "regel 1"), ("# leeg\n", "geen regels")]
)
def test_bad_auth_file(tmp_path, content, message):
    f = tmp_path / "users.txt"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError, match=message):
        guard.resolve_auth(Settings(auth_file=f), "0.0.0.0")


def test_missing_auth_file(tmp_path):
    with pytest.raises(SettingsError, match="niet lezen"):
        guard.resolve_auth(Settings(auth_file=tmp_path / "nope"), "0.0.0.0")


def test_client_key_prefers_the_user():
    req = types.SimpleNamespace(username="anna", client=types.SimpleNamespace(host="10.0.0.5"))
    assert guard.client_key(req) == "user:anna"
    req = types.SimpleNamespace(username=None, client=types.SimpleNamespace(host="10.0.0.5"))
    assert guard.client_key(req) == "ip:10.0.0.5"


def _raise(question):
    raise RuntimeError(f"kapot bij {question}")


def test_unexpected_error_is_logged_without_the_question(caplog):
    try:
        _raise("mijn buurman Jan")
    except RuntimeError as err:
        with caplog.at_level(logging.ERROR, logger="dossier.page"):
            guard.log_unexpected(err, "mijn buurman Jan", Settings())
    assert "RuntimeError" in caplog.text and "_raise" in caplog.text
    assert "Jan" not in caplog.text


def test_unexpected_error_is_logged_with_the_question_when_allowed(caplog):
    try:
        _raise("mijn buurman Jan")
    except RuntimeError as err:
        with caplog.at_level(logging.ERROR, logger="dossier.page"):
            guard.log_unexpected(err, "mijn buurman Jan", Settings(log_questions=True))
    assert "Jan" in caplog.text


def _app(max_body):
    async def echo(request):
        body = await request.body()
        return PlainTextResponse(f"{len(body)}")

    return Starlette(
        routes=[Route("/", echo, methods=["GET", "POST"])],
        middleware=[Middleware(guard.GuardMiddleware, max_body=max_body)],
    )


def test_guard_caps_bodies_and_sets_headers():
    client = TestClient(_app(100))
    ok = client.post("/", content=b"x" * 100)
    assert ok.status_code == 200 and ok.text == "100"
    assert "default-src 'self'" in ok.headers["content-security-policy"]
    assert ok.headers["referrer-policy"] == "no-referrer"
    big = client.post("/", content=b"x" * 101)
    assert big.status_code == 413
    assert "content-security-policy" in big.headers


def test_guard_caps_bodies_without_length():
    client = TestClient(_app(100))

    def chunks(n):
        for _ in range(n):
            yield b"x" * 50

    assert client.post("/", content=chunks(2)).text == "100"
    assert client.post("/", content=chunks(3)).status_code == 413
    assert client.get("/").text == "0"
