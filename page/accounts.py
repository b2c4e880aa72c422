"""Accounts of the page: one per officer or municipality, in an auth file of `name:hash` lines.

    # dossier accounts (dossier user add|remove|list)
    rotterdam:$argon2id$v=19$m=65536,t=3,p=4$...
    schiedam:$argon2id$v=19$...

Passwords are stored as argon2id hashes (argon2-cffi), never as text. The file is the one named by
DOSSIER_AUTH_FILE, else `accounts` in the data folder. Older files with `name:password` lines (plain
text) keep working: such a line is accepted, with a warning at start that names it, and `dossier user
add NAME` (or `dossier user migrate`, for all of them at once) replaces it by a hash. A `name:password`
pair from DOSSIER_AUTH_USER/DOSSIER_AUTH_PASSWORD is still one more account.

Off loopback every password that can still be checked (plain text, environment) must be strong enough
(`weakness`); `dossier user add` checks every new password, wherever the page will listen.
"""

from __future__ import annotations

import hmac
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from index.errors import SettingsError

log = logging.getLogger("dossier.page")

MIN_PASSWORD_CHARS = 10
MIN_DISTINCT_CHARS = 5
HASH_PREFIX = "$argon2"
ENV_ORIGIN = "DOSSIER_AUTH_USER/_PASSWORD"
HEADER = "# Accounts van de vraagbaak (dossier user add|remove|list); wachtwoorden als argon2-hash.\n"


def hasher():
    """The argon2id hasher of the accounts (argon2-cffi's defaults)."""
    from argon2 import PasswordHasher  # imported when needed: `dossier ask` never loads it

    return PasswordHasher()


def weakness(password: str) -> str | None:
    """Why `password` is too weak for a page others can reach (Dutch), or None when it is strong enough."""
    if len(password.strip()) < MIN_PASSWORD_CHARS:
        return f"korter dan {MIN_PASSWORD_CHARS} tekens (spaties aan begin en eind tellen niet)"
    if len(set(password)) < MIN_DISTINCT_CHARS:
        return f"minder dan {MIN_DISTINCT_CHARS} verschillende tekens"
    return None


def check_name(name: str) -> str:
    """A usable account name (stripped), or SettingsError naming the bad value."""
    name = (name or "").strip()
    if not name or ":" in name or any(c.isspace() or not c.isprintable() for c in name) or len(name) > 64:
        raise SettingsError(
            f"Accountnaam {name!r} is niet bruikbaar: gebruik 1 tot 64 tekens zonder spaties of ':', "
            "bijvoorbeeld de naam van de gemeente."
        )
    return name


@dataclass(frozen=True)
class Account:
    name: str
    secret: str  # an argon2 hash, or (older files, environment) the password itself
    origin: str  # where it comes from, for messages: "bestand, regel 3" or "DOSSIER_AUTH_USER"

    @property
    def hashed(self) -> bool:
        return self.secret.startswith(HASH_PREFIX)

    def verify(self, password: str) -> bool:
        if not self.hashed:
            return hmac.compare_digest(self.secret.encode(), password.encode())
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            return hasher().verify(self.secret, password)
        except (VerificationError, InvalidHashError):
            return False


def read_file(path: Path) -> list[Account]:
    """The accounts in an auth file; SettingsError naming the file and line for a bad line."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as err:
        raise SettingsError(f"Kan het accountbestand {path} niet lezen ({err}).") from err
    accounts = []
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, secret = line.partition(":")
        if not (sep and name.strip() and secret):
            raise SettingsError(
                f"{path}, regel {number}: verwacht 'naam:hash' (maak accounts met dossier user add NAAM)."
            )
        accounts.append(Account(name.strip(), secret, f"{path}, regel {number}"))
    return accounts


def write_file(path: Path, accounts: list[Account]) -> None:
    """Write the accounts atomically, readable by the owner only."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".accounts-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(HEADER)
            f.writelines(f"{a.name}:{a.secret}\n" for a in accounts)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def accounts_path(settings) -> Path:
    """The auth file: DOSSIER_AUTH_FILE, else `accounts` in the data folder."""
    return Path(settings.auth_file) if settings.auth_file else Path(settings.data_dir) / "accounts"


def load(settings) -> list[Account]:
    """Every account of the page: the auth file's and the one of DOSSIER_AUTH_USER/_PASSWORD."""
    accounts: list[Account] = []
    if settings.auth_user or settings.auth_password:
        if not (settings.auth_user and settings.auth_password):
            raise SettingsError(
                "Stel zowel DOSSIER_AUTH_USER als DOSSIER_AUTH_PASSWORD in (nu is er maar één van beide)."
            )
        accounts.append(Account(settings.auth_user, settings.auth_password, ENV_ORIGIN))
    path = accounts_path(settings)
    if settings.auth_file and not path.is_file():
        raise SettingsError(
            f"Het accountbestand {path} (DOSSIER_AUTH_FILE) bestaat niet. Maak het met dossier user add NAAM."
        )
    in_file = read_file(path)
    if settings.auth_file and not in_file:
        raise SettingsError(f"{path} bevat geen accounts. Voeg er een toe met dossier user add NAAM.")
    return accounts + in_file


def check_strength(accounts: list[Account], host: str) -> None:
    """Off loopback: refuse a weak password still given as text; warn about plain-text file lines."""
    for account in accounts:
        if account.hashed:
            continue  # checked by `dossier user add` when it was made
        if account.origin != ENV_ORIGIN:
            log.warning(
                "%s: het wachtwoord van %r staat als tekst in het bestand; zet het om naar een hash met "
                "'dossier user migrate'.",
                account.origin,
                account.name,
            )
        reason = weakness(account.secret)
        if reason:
            raise SettingsError(
                f"Weigering: het wachtwoord van {account.name!r} ({account.origin}) is te zwak om op {host} "
                f"te luisteren: {reason}. Kies een wachtwoord van minstens {MIN_PASSWORD_CHARS} tekens, "
                "bijvoorbeeld vier losse woorden, met dossier user add NAAM."
            )


class Verifier:
    """The callable Gradio's `auth=` takes: (name, password) -> bool, for a list of accounts."""

    def __init__(self, accounts: list[Account]):
        self._by_name: dict[str, list[Account]] = {}
        for account in accounts:
            self._by_name.setdefault(account.name, []).append(account)
        # An unknown name costs as much as a known one: the time of the answer does not tell which exist.
        self._decoy = Account("", hasher().hash("decoy-" + os.urandom(8).hex()), "")

    def __call__(self, name: str, password: str) -> bool:
        candidates = self._by_name.get((name or "").strip())
        if not candidates:
            self._decoy.verify(password or "")
            return False
        return any(account.verify(password or "") for account in candidates)
