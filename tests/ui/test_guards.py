"""The page's guards, without a browser: auth off loopback, question checks, logging, the body cap."""

import logging
import socket
import types

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

import ui
from ingest.errors import QuestionError, SettingsError
from ingest.settings import Settings


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_needs_no_auth(host):
    assert ui.is_loopback(host)
    assert ui.resolve_auth(Settings(), host) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "dossier.gemeente.nl"])
def test_other_address_without_auth_is_refused(host):
    assert not ui.is_loopback(host)
    with pytest.raises(SettingsError, match="DOSSIER_AUTH_USER") as err:
        ui.resolve_auth(Settings(), host)
    assert host in str(err.value)


def test_user_and_password_allow_any_address():
    settings = Settings(auth_user="afm", auth_password="geheim")
    assert ui.resolve_auth(settings, "0.0.0.0") == [("afm", "geheim")]
    assert ui.resolve_auth(settings, "127.0.0.1") == [("afm", "geheim")]  # configured: used everywhere


def test_half_configured_auth_is_refused():
    with pytest.raises(SettingsError, match="zowel"):
        ui.resolve_auth(Settings(auth_user="afm"), "0.0.0.0")


def test_auth_file(tmp_path):
    f = tmp_path / "users.txt"
    f.write_text("# officers\nanna:een:twee\n\n bob : b\n", encoding="utf-8")
    assert ui.resolve_auth(Settings(auth_file=f), "0.0.0.0") == [("anna", "een:twee"), ("bob", " b")]


@pytest.mark.parametrize(
    ("content", "message"), [("zonder-dubbelepunt\n", "regel 1"), ("# leeg\n", "geen regels")]
)
def test_bad_auth_file(tmp_path, content, message):
    f = tmp_path / "users.txt"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError, match=message):
        ui.resolve_auth(Settings(auth_file=f), "0.0.0.0")


def test_missing_auth_file(tmp_path):
    with pytest.raises(SettingsError, match="niet lezen"):
        ui.resolve_auth(Settings(auth_file=tmp_path / "nope"), "0.0.0.0")


def test_serve_refuses_public_host_without_auth_before_loading(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("DOSSIER_DATA_DIR", str(tmp_path))
    for var in ("DOSSIER_AUTH_USER", "DOSSIER_AUTH_PASSWORD", "DOSSIER_AUTH_FILE"):
        monkeypatch.delenv(var, raising=False)
    code = ui.main(["serve", "--host", "0.0.0.0", "--port", "1"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("dossier: Weigering") and "DOSSIER_AUTH_USER" in err
    assert "Traceback" not in err
    assert not (tmp_path / "feedback.jsonl").exists()


def test_check_question():
    assert ui.check_question("  Waar meld ik?  ", 100) == "Waar meld ik?"
    with pytest.raises(QuestionError, match="Typ eerst"):
        ui.check_question("   ", 100)
    with pytest.raises(QuestionError, match="101 tekens.*maximum is 100"):
        ui.check_question("x" * 101, 100)


def test_client_key_prefers_the_user():
    req = types.SimpleNamespace(username="anna", client=types.SimpleNamespace(host="10.0.0.5"))
    assert ui.client_key(req) == "user:anna"
    req = types.SimpleNamespace(username=None, client=types.SimpleNamespace(host="10.0.0.5"))
    assert ui.client_key(req) == "ip:10.0.0.5"


def _raise(question):
    raise RuntimeError(f"kapot bij {question}")


def test_unexpected_error_is_logged_without_the_question(caplog):
    try:
        _raise("mijn buurman Jan")
    except RuntimeError as err:
        with caplog.at_level(logging.ERROR, logger="dossier.ui"):
            ui.log_unexpected(err, "mijn buurman Jan", Settings())
    assert "RuntimeError" in caplog.text and "_raise" in caplog.text
    assert "Jan" not in caplog.text


def test_unexpected_error_is_logged_with_the_question_when_allowed(caplog):
    try:
        _raise("mijn buurman Jan")
    except RuntimeError as err:
        with caplog.at_level(logging.ERROR, logger="dossier.ui"):
            ui.log_unexpected(err, "mijn buurman Jan", Settings(log_questions=True))
    assert "Jan" in caplog.text


def _app(max_body):
    async def echo(request):
        body = await request.body()
        return PlainTextResponse(f"{len(body)}")

    return Starlette(
        routes=[Route("/", echo, methods=["GET", "POST"])],
        middleware=[Middleware(ui.GuardMiddleware, max_body=max_body)],
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


def test_busy_port_is_a_dutch_message(tmp_path):
    from ui_fakes import FakeAssistant

    settings = Settings(data_dir=tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        page = ui.build_page(FakeAssistant(), settings)
        with pytest.raises(SettingsError, match=f"Poort {port} op 127.0.0.1 is bezet.*--port"):
            ui.launch(page, settings, "127.0.0.1", port, None)
