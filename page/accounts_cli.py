"""Handler of `dossier user add|remove|list|migrate` (registered in cli.py): the page's accounts.

A password is never an argument (it would stand in the shell history and in `ps`): it is asked twice
at a terminal, or read as one line from standard input (`--password-stdin`, or when stdin is no tty).
"""

from __future__ import annotations

import argparse
import getpass
import sys

from index.errors import SettingsError
from page import accounts


def cmd_user(args: argparse.Namespace, settings) -> int:
    path = accounts.accounts_path(settings)
    existing = accounts.read_file(path)
    if args.action == "list":
        for account in existing:
            note = "" if account.hashed else "  (wachtwoord als tekst: dossier user migrate)"
            print(f"{account.name}{note}")
        if not existing:
            print(f"Nog geen accounts in {path}. Voeg er een toe met: dossier user add NAAM", file=sys.stderr)
        return 0
    if args.action == "migrate":
        hasher = accounts.hasher()
        plain = [a for a in existing if not a.hashed]
        migrated = [a if a.hashed else accounts.Account(a.name, hasher.hash(a.secret), "") for a in existing]
        accounts.write_file(path, migrated)
        print(f"{len(plain)} wachtwoord(en) omgezet naar een hash in {path}.")
        return 0
    name = accounts.check_name(args.name)
    others = [a for a in existing if a.name != name]
    if args.action == "remove":
        if len(others) == len(existing):
            raise SettingsError(f"Account {name!r} bestaat niet in {path} (zie dossier user list).")
        accounts.write_file(path, others)
        print(f"Account {name!r} verwijderd uit {path}. Een lopende pagina ziet dat na een herstart.")
        return 0
    password = _read_password(args.password_stdin)
    reason = accounts.weakness(password)
    if reason:
        raise SettingsError(
            f"Het wachtwoord is te zwak: {reason}. Kies minstens {accounts.MIN_PASSWORD_CHARS} tekens, "
            "bijvoorbeeld vier losse woorden."
        )
    hashed = accounts.hasher().hash(password)
    accounts.write_file(path, [*others, accounts.Account(name, hashed, "")])
    verb = "bijgewerkt" if len(others) < len(existing) else "toegevoegd"
    print(f"Account {name!r} {verb} in {path}. Een lopende pagina ziet dat na een herstart.")
    return 0


def _read_password(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    first = getpass.getpass("Wachtwoord: ")
    if getpass.getpass("Nog een keer: ") != first:
        raise SettingsError("De twee wachtwoorden zijn niet gelijk. Probeer het opnieuw.")
    return first
