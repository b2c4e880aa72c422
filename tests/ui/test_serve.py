"""`dossier serve` as a command: refusals before anything heavy loads, and a busy port."""

import socket

import pytest

import ui
from index.errors import SettingsError
from index.settings import Settings


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
