"""`dossier user add|remove|list|migrate`: manage the page's accounts (see accounts.py for the file).

A password is never an argument (it would stand in the shell history and in `ps`): it is asked twice
at a terminal, or read as one line from standard input (`--password-stdin`, or when stdin is no tty).
"""

from __future__ import annotations

import argparse
import getpass
import sys

from assistant import accounts
from index.errors import SettingsError


def register_user(sub: argparse._SubParsersAction) -> None:
    """Add `user` to the `dossier` command line."""
    p = sub.add_parser(
        "user",
        help="Accounts van de pagina beheren (één per collega of gemeente).",
        description="Beheert het accountbestand (DOSSIER_AUTH_FILE, anders 'accounts' in de datamap). "
        "Wachtwoorden worden als argon2-hash opgeslagen.",
    )
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTIE")
    add = actions.add_parser("add", help="Account toevoegen of wachtwoord wijzigen.")
    add.add_argument("name", help="Naam van het account, bijvoorbeeld de gemeente.")
    add.add_argument("--password-stdin", action="store_true", help="Lees het wachtwoord van stdin.")
    remove = actions.add_parser("remove", help="Account verwijderen.")
    remove.add_argument("name")
    actions.add_parser("list", help="Namen van de accounts tonen.")
    actions.add_parser("migrate", help="Wachtwoorden die nog als tekst in het bestand staan, hashen.")
    p.set_defaults(handler=cmd_user)


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
        hasher = accounts._hasher()
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
    hashed = accounts._hasher().hash(password)
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
