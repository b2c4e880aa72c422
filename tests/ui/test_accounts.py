"""Accounts: hashed passwords in the auth file, `dossier user`, strength off loopback, old plain lines."""

from __future__ import annotations

import argparse
import io

import pytest

from index.errors import SettingsError
from index.settings import Settings
from page import accounts
from page.accounts_cli import cmd_user

STRONG = "vier losse woorden hier"


def settings_for(tmp_path, **kw) -> Settings:
    return Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path, **kw)


def user(settings, action, name=None, password=None, monkeypatch=None):
    if password is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return cmd_user(argparse.Namespace(action=action, name=name, password_stdin=True), settings)


@pytest.mark.parametrize("weak", ["1", " ", "          ", "aaaaaaaaaaaa", "abcabcabcabc", "kort"])
def test_weak_passwords_are_named_and_strong_ones_pass(weak):
    assert accounts.weakness(weak)
    assert accounts.weakness(STRONG) is None


def test_user_add_stores_a_hash_and_the_password_logs_in(tmp_path, monkeypatch, capsys):
    settings = settings_for(tmp_path)
    user(settings, "add", "rotterdam", STRONG, monkeypatch)
    user(settings, "add", "schiedam", "een ander wachtwoord", monkeypatch)
    text = (tmp_path / "data" / "accounts").read_text(encoding="utf-8")
    assert STRONG not in text and "rotterdam:$argon2id$" in text
    assert (tmp_path / "data" / "accounts").stat().st_mode & 0o077 == 0  # owner only
    verify = accounts.Verifier(accounts.load(settings))
    assert verify("rotterdam", STRONG) and verify("schiedam", "een ander wachtwoord")
    assert not verify("rotterdam", "een ander wachtwoord") and not verify("niemand", STRONG)
    user(settings, "list")
    assert capsys.readouterr().out.split()[-2:] == ["rotterdam", "schiedam"]
    user(settings, "remove", "schiedam")
    assert not accounts.Verifier(accounts.load(settings))("schiedam", "een ander wachtwoord")


def test_user_add_refuses_a_weak_password_and_a_bad_name(tmp_path, monkeypatch):
    settings = settings_for(tmp_path)
    for weak in ("1", " "):
        with pytest.raises(SettingsError, match="te zwak"):
            user(settings, "add", "delft", weak, monkeypatch)
    with pytest.raises(SettingsError, match="niet bruikbaar"):
        user(settings, "add", "twee woorden", STRONG, monkeypatch)
    with pytest.raises(SettingsError, match="bestaat niet"):
        user(settings, "remove", "delft")
    assert not (tmp_path / "data" / "accounts").exists()


def test_old_plain_lines_keep_working_and_migrate_to_hashes(tmp_path, monkeypatch, caplog):
    path = tmp_path / "gebruikers.txt"
    path.write_text("eerste:wachtwoord-een\n# opmerking\ntweede:wachtwoord-twee\n", encoding="utf-8")
    settings = settings_for(tmp_path, auth_file=path)
    loaded = accounts.load(settings)
    assert accounts.Verifier(loaded)("eerste", "wachtwoord-een")
    accounts.check_strength(loaded, "0.0.0.0")  # strong enough; warns about text in the file
    assert "dossier user migrate" in caplog.text
    user(settings, "migrate")
    assert "wachtwoord-een" not in path.read_text(encoding="utf-8")
    verify = accounts.Verifier(accounts.load(settings))
    assert verify("eerste", "wachtwoord-een") and verify("tweede", "wachtwoord-twee")


def test_weak_passwords_given_as_text_are_refused_off_loopback_only(tmp_path):
    for password in ("1", " "):
        settings = settings_for(tmp_path, auth_user="gemeente", auth_password=password)
        loaded = accounts.load(settings)
        with pytest.raises(SettingsError, match="te zwak om op 0.0.0.0"):
            accounts.check_strength(loaded, "0.0.0.0")
    file = tmp_path / "f.txt"
    file.write_text("gemeente:1\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="regel 1"):
        accounts.check_strength(accounts.load(settings_for(tmp_path, auth_file=file)), "10.0.0.5")


def test_a_named_auth_file_that_is_missing_or_empty_is_a_dutch_message(tmp_path):
    with pytest.raises(SettingsError, match="bestaat niet"):
        accounts.load(settings_for(tmp_path, auth_file=tmp_path / "weg.txt"))
    (tmp_path / "leeg.txt").write_text("# niets\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="geen accounts"):
        accounts.load(settings_for(tmp_path, auth_file=tmp_path / "leeg.txt"))
    with pytest.raises(SettingsError, match="allebei|één van beide"):
        accounts.load(settings_for(tmp_path, auth_user="alleen-naam"))


def test_dossier_user_reads_the_password_from_stdin_never_from_argv(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    dossier = Path(sys.executable).with_name("dossier")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOSSIER_")}
    env["DOSSIER_DATA_DIR"] = str(tmp_path / "data")
    run = subprocess.run(
        [str(dossier), "user", "add", "gouda"], input=STRONG + "\n", env=env, text=True, capture_output=True
    )
    assert run.returncode == 0 and "toegevoegd" in run.stdout, run.stderr
    weak = subprocess.run(
        [str(dossier), "user", "add", "delft"], input="1\n", env=env, text=True, capture_output=True
    )
    assert weak.returncode == 2 and "te zwak" in weak.stderr and "Traceback" not in weak.stderr
    in_argv = subprocess.run(
        [str(dossier), "user", "add", "delft", STRONG], env=env, text=True, capture_output=True
    )
    assert in_argv.returncode == 2  # no place for a password on the command line
    listed = subprocess.run([str(dossier), "user", "list"], env=env, text=True, capture_output=True)
    assert listed.stdout.split() == ["gouda"]
