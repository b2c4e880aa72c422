"""The address of a shared Chroma server (DOSSIER_CHROMA_URL) and the messages when it cannot be reached.

The index against a real `chroma run` server is tested in tests/ingest/test_chroma_server.py.
"""

from __future__ import annotations

import pytest

from index import chroma
from index.errors import IndexUnavailable, SettingsError
from index.settings import Settings
from index.store import Index
from tests.chroma_run import free_port


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8000", {"host": "127.0.0.1", "port": 8000, "ssl": False}),
        ("http://chroma.intern", {"host": "chroma.intern", "port": 8000, "ssl": False}),
        ("https://chroma.intern/", {"host": "chroma.intern", "port": 443, "ssl": True}),
    ],
)
def test_server_address_is_parsed(url, expected):
    assert chroma.client_args(url) == expected


def test_user_and_password_in_the_address_become_basic_auth_and_stay_out_of_messages():
    args = chroma.client_args("https://dossier:geheim%40%21@chroma.intern:9443")
    assert args["headers"] == {"Authorization": "Basic ZG9zc2llcjpnZWhlaW1AIQ=="}  # dossier:geheim@!
    assert (args["host"], args["port"]) == ("chroma.intern", 9443)
    assert "geheim" not in chroma.display_url("https://dossier:geheim@chroma.intern:9443")


@pytest.mark.parametrize(
    "url", ["127.0.0.1:8000", "ftp://host:21", "http://:8000", "http://h:99999", "http://h/x"]
)
def test_unusable_server_address_is_a_settings_error(url):
    with pytest.raises(SettingsError, match="http://127.0.0.1:8000"):
        Index.open(Settings(chroma_url=url))


def test_no_server_listening_is_index_unavailable(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(IndexUnavailable, match=f"De Chroma-server op {url} is niet bereikbaar"):
        Index.open(Settings(chroma_url=url))


def _wrapped(reason: Exception) -> ValueError:
    """What chromadb raises on a failed first contact: one ValueError, the real reason as its context."""
    err = ValueError("Could not connect to a Chroma server. Are you sure it is running?")
    err.__context__ = reason
    return err


@pytest.mark.parametrize(
    ("reason", "fix"),
    [
        (ConnectionError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"), "SSL_CERT_FILE="),
        (Exception("<html><title>401 Authorization Required</title></html>"), "gebruiker en wachtwoord"),
        (ConnectionError("[Errno 111] Connection refused"), "Start die (chroma run"),
    ],
)
def test_unreachable_server_message_names_the_likely_fix(reason, fix):
    message = str(chroma.unavailable("https://dossier:geheim@index.intern:8443", _wrapped(reason)))
    assert fix in message and "geheim" not in message and "<html>" not in message
    assert message.startswith("De Chroma-server op https://dossier:***@index.intern:8443 is niet bereikbaar")
