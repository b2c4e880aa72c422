"""What the page lets in: auth off loopback, question checks, who is rate-limited, logging, the body cap."""

import logging
import types

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import HTMLResponse, PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from index.errors import SettingsError
from index.settings import Settings
from page import guard


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
    settings = Settings(auth_user="afm", auth_password="een lang wachtwoord")
    for host in ("0.0.0.0", "127.0.0.1"):  # configured: used everywhere
        verify = guard.resolve_auth(settings, host)
        assert verify("afm", "een lang wachtwoord") and not verify("afm", "geheim")


@pytest.mark.parametrize("password", ["1", " ", "geheim"])
def test_weak_password_is_refused_off_loopback_only(password):
    settings = Settings(auth_user="afm", auth_password=password)
    with pytest.raises(SettingsError, match="te zwak"):
        guard.resolve_auth(settings, "0.0.0.0")
    assert guard.resolve_auth(settings, "127.0.0.1")("afm", password)


def test_half_configured_auth_is_refused():
    with pytest.raises(SettingsError, match="zowel"):
        guard.resolve_auth(Settings(auth_user="afm"), "0.0.0.0")


def test_auth_file_with_older_plain_lines(tmp_path):
    f = tmp_path / "users.txt"
    f.write_text("# officers\nanna:een:twee-drie-vier\n\n bob : b lange zin hier\n", encoding="utf-8")
    verify = guard.resolve_auth(Settings(auth_file=f), "0.0.0.0")
    assert verify("anna", "een:twee-drie-vier") and verify("bob", " b lange zin hier")


@pytest.mark.parametrize(
    ("content", "message"), [("zonder-dubbelepunt\n", "regel 1"), ("# leeg\n", "geen accounts")]
)
def test_bad_auth_file(tmp_path, content, message):
    f = tmp_path / "users.txt"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError, match=message):
        guard.resolve_auth(Settings(auth_file=f), "0.0.0.0")


def test_missing_auth_file(tmp_path):
    with pytest.raises(SettingsError, match="bestaat niet"):
        guard.resolve_auth(Settings(auth_file=tmp_path / "nope"), "0.0.0.0")


def test_rate_keys_are_the_account_and_the_address():
    req = types.SimpleNamespace(username="anna", client=types.SimpleNamespace(host="10.0.0.5"))
    assert guard.rate_keys(req) == ("user:anna", "ip:10.0.0.5")
    req = types.SimpleNamespace(username=None, client=types.SimpleNamespace(host="10.0.0.5"))
    assert guard.rate_keys(req) == (None, "ip:10.0.0.5")


def test_proxies_are_trusted_only_when_named(monkeypatch):
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    assert guard.trusted_proxies(Settings()) == ""  # uvicorn's default would trust 127.0.0.1
    assert guard.trusted_proxies(Settings(trusted_proxies="10.0.0.2")) == "10.0.0.2"
    with pytest.raises(SettingsError, match="DOSSIER_TRUSTED_PROXIES"):
        guard.trusted_proxies(Settings(trusted_proxies="*"))


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


def test_guard_refuses_the_upload_route_and_nonces_inline_scripts():
    async def page(request):
        return HTMLResponse(
            "<html><script>var a=1</script><script src='x.js'></script><p>&lt;script</p></html>"
        )

    app = Starlette(
        routes=[Route("/", page), Route("/gradio_api/upload", page, methods=["POST"])],
        middleware=[Middleware(guard.GuardMiddleware)],
    )
    client = TestClient(app)
    for path in ("/gradio_api/upload", "/gradio_api/upload/", "/upload"):
        refused = client.post(path, files={"files": ("a.txt", b"x")})
        assert refused.status_code == 404 and "geen bestanden" in refused.text
    shown = client.get("/")
    csp = shown.headers["content-security-policy"]
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert shown.text.count(f'<script nonce="{nonce}"') == 2 and "&lt;script</p>" in shown.text
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert client.get("/").headers["content-security-policy"] != csp  # a fresh nonce each time


def test_guard_caps_bodies_without_length():
    client = TestClient(_app(100))

    def chunks(n):
        for _ in range(n):
            yield b"x" * 50

    assert client.post("/", content=chunks(2)).text == "100"
    assert client.post("/", content=chunks(3)).status_code == 413
    assert client.get("/").text == "0"
