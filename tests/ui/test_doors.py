"""No open doors on a real page server (Gradio + uvicorn on 127.0.0.1), probed as an attacker would.

Login throttling (60 wrong passwords from one address), X-Forwarded-For from loopback, the upload
route, Gradio's temp folder, comments. The assistant is the page tests' fake: the doors are the point.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request

import pytest
from ui_fakes import FakeAssistant
from ui_helpers import free_port

import ui
from index.settings import Settings
from page import accounts, guard

ACCOUNT, PASSWORD = "rotterdam", "een lang en goed wachtwoord"


def start(tmp_path, **overrides):
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path, _env_file=None, **overrides)
    ui.use_temp_dir(settings)
    page = ui.build_page(FakeAssistant(), settings)
    port = free_port()
    ui.launch(page, settings, "127.0.0.1", port, guard.resolve_auth(settings, "127.0.0.1"))
    return page, f"http://127.0.0.1:{port}/", settings


@pytest.fixture
def clean_env(monkeypatch):
    import os

    for name in [n for n in os.environ if n.startswith("DOSSIER_") or n == "FORWARDED_ALLOW_IPS"]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("GRADIO_TEMP_DIR", "")  # ui.use_temp_dir sets it; restored after the test


def post(url: str, data: bytes, headers: dict | None = None):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode(), err.headers


def login(url: str, password: str) -> int:
    form = f"username={ACCOUNT}&password={urllib.parse.quote(password)}".encode()
    return post(url + "login", form, {"Content-Type": "application/x-www-form-urlencoded"})[0]


def login_as_the_page_does(url: str, password: str) -> int:
    """Gradio's login page posts multipart form data."""
    body = "".join(
        f'--grens\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
        for k, v in (("username", ACCOUNT), ("password", password))
    ) + "--grens--\r\n"
    return post(url + "login", body.encode(), {"Content-Type": "multipart/form-data; boundary=grens"})[0]


def test_sixty_wrong_logins_are_throttled_and_the_right_password_works_after_the_wait(
    tmp_path, clean_env, caplog
):
    hashed = accounts.hasher().hash(PASSWORD)
    accounts.write_file(tmp_path / "data" / "accounts", [accounts.Account(ACCOUNT, hashed, "")])
    page, url, settings = start(tmp_path)
    try:
        with caplog.at_level(logging.WARNING, logger="dossier.page"):
            codes = [login(url, f"fout-{n}") for n in range(60)]
        assert codes[:5] == [400] * 5  # the free attempts: "incorrect credentials"
        assert codes[5] == 400 and set(codes[6:]) == {429}, codes  # the sixth locks; the rest wait
        assert codes.count(400) == 6  # six passwords checked out of sixty tried
        status, body, headers = post(
            url + "login",
            f"username={ACCOUNT}&password=x".encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 429 and "Te veel mislukte inlogpogingen" in json.loads(body)["detail"]
        assert int(headers["Retry-After"]) >= 1
        assert login(url, PASSWORD) == 429  # even the right password waits out the lock ...
        assert login_as_the_page_does(url, PASSWORD) == 429
        assert "Inloggen geblokkeerd voor ip:127.0.0.1" in caplog.text
        assert f"Inloggen geblokkeerd voor user:{ACCOUNT}" in caplog.text
        time.sleep(settings.login_lock_seconds + 0.2)
        assert login(url, PASSWORD) == 200  # ... and works once it has
        assert login(url, "fout") == 400  # counts were cleared: a typo is a typo again
        # The account is locked whatever the address: wrong passwords as the login page sends them.
        for _ in range(4):  # with the typo above: the free five
            assert login_as_the_page_does(url, "fout") == 400
        assert login_as_the_page_does(url, "fout") == 400 and login(url, PASSWORD) == 429
    finally:
        page.close()


def ask_from(url: str, forwarded_for: str) -> str | None:
    """Ask through the API with an X-Forwarded-For header; None if answered, else the message."""
    from gradio_client import Client

    client = Client(url, headers={"X-Forwarded-For": forwarded_for}, verbose=False)
    try:
        client.predict("Waar meld ik arbeidsuitbuiting?", api_name="/ask")
        return None
    except Exception as err:  # noqa: BLE001 - gradio_client raises AppError with the gr.Error message
        return str(err)
    finally:
        client.close()


def test_varying_x_forwarded_for_from_loopback_does_not_lift_the_limit(tmp_path, clean_env):
    page, url, _ = start(tmp_path, rate_limit_per_minute=5)
    try:
        refused = [ask_from(url, f"10.9.8.{n}") for n in range(10)]
    finally:
        page.close()
    assert refused[:5] == [None] * 5
    assert all(m and "maximaal 5 per minuut" in m for m in refused[5:]), refused


def test_a_named_proxy_is_believed(tmp_path, clean_env):
    """The positive control: with DOSSIER_TRUSTED_PROXIES=127.0.0.1 each forwarded address counts apart."""
    page, url, _ = start(tmp_path, rate_limit_per_minute=2, trusted_proxies="127.0.0.1")
    try:
        answered = [ask_from(url, f"10.9.8.{n}") for n in range(4)] + [ask_from(url, "10.9.8.1")]
        refused = ask_from(url, "10.9.8.1")
    finally:
        page.close()
    assert answered == [None] * 5 and refused and "maximaal 2 per minuut" in refused


def test_no_upload_route_and_the_temp_folder_is_inside_the_data_folder(tmp_path, clean_env):
    leftover = tmp_path / "data" / "tmp-gradio" / "oud.bin"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"x" * 1000)
    page, url, settings = start(tmp_path)
    try:
        boundary = "grens"
        body = (
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n"
            f"Content-Type: text/plain\r\n\r\n{'x' * 90_000}\r\n--{boundary}--\r\n"
        ).encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        for path in ("gradio_api/upload", "gradio_api/upload?upload_id=abc", "upload"):
            status, text, _ = post(url + path, body, headers)
            assert status in (404, 405) and "Traceback" not in text, (path, status)
        assert post(url + "gradio_api/upload", body, headers)[1] == "Deze vraagbaak neemt geen bestanden aan."
    finally:
        page.close()
    temp = tmp_path / "data" / "tmp-gradio"
    assert not leftover.exists()  # emptied at start
    assert page.GRADIO_CACHE.startswith(str(temp.resolve()))  # Gradio's cache lives in the data folder
    assert [p for p in temp.rglob("*") if p.is_file() and p.stat().st_size >= 90_000] == []


def test_comments_are_rate_limited_and_capped(tmp_path, clean_env):
    from ui import Conversation

    settings = Settings(
        data_dir=tmp_path / "data", corpus_dir=tmp_path, _env_file=None, comments_per_minute=3
    )
    fake = FakeAssistant()
    store_path = tmp_path / "data" / "feedback.jsonl"
    page = ui.build_page(fake, settings)
    fns = {fn.name: fn.fn for fn in page.fns.values()}
    on_like, on_comment = fns["on_like"], fns["on_comment"]
    import gradio as gr

    conv = Conversation()
    conv.answers[1] = fake.ask("Waar meld ik arbeidsuitbuiting?")
    request = gr.Request(username=None)
    request.client = type("C", (), {"host": "10.1.1.1"})()
    like = gr.LikeData(target=None, data={"index": 1, "value": "", "liked": True})
    conv, _, _ = on_like(conv, like)
    for _ in range(3):
        on_comment("bel 06-12345678 " + "x" * 5000, conv, request)
    with pytest.raises(gr.Error) as refused:
        on_comment("nog een", conv, request)
    assert "maximaal 3 per minuut" in refused.value.message
    comments = [json.loads(line).get("comment") for line in store_path.read_text("utf-8").splitlines()]
    stored = [c for c in comments if c]
    assert len(stored) == 3 and all(len(c) <= settings.feedback_comment_max_chars for c in stored)
    assert all(c.startswith("bel [telefoonnummer]") for c in stored)
