"""The `dossier` command line: every subcommand registered here, in one place; the handlers live in their
layer (ingest/cli.py, assistant/commands.py, page/accounts_cli.py, ui.py for `serve`).

`ui.main` is the console script: it calls `run` with the page's `serve` handler. Errors of the project
(`DossierError`) and bad settings become one Dutch line on stderr and exit code 2, never a stack trace.
This module sits above the layers, so it may hand ingest's document loader to the `eval` handler.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from pathlib import Path

from assistant.commands import cmd_ask, cmd_eval
from index.errors import DossierError
from index.settings import Settings
from ingest.cli import cmd_clean_index, cmd_ingest, cmd_status
from ingest.corpus import raw_documents
from page.accounts_cli import cmd_user

Handler = Callable[[argparse.Namespace, Settings], int]


def build_parser(serve: Handler | None = None) -> argparse.ArgumentParser:
    """The `dossier` parser with every subcommand (`serve` when its handler is given)."""
    parser = argparse.ArgumentParser(
        prog="dossier", description="Assistent bij het introductiedossier mensenhandel."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _index_commands(sub)
    _answer_commands(sub)
    _user_command(sub)
    if serve is not None:
        p = sub.add_parser("serve", help="Start de chatpagina (standaard http://127.0.0.1:7860).")
        p.add_argument("--host", help="Adres (standaard 127.0.0.1; een ander adres vereist een wachtwoord).")
        p.add_argument("--port", type=int, help="Poort (standaard 7860).")
        p.set_defaults(handler=serve)
    return parser


def _index_commands(sub: argparse._SubParsersAction) -> None:
    """`ingest`, `status`, `clean-index`."""
    p = sub.add_parser(
        "ingest",
        help="Bouw of werk de index bij met de documenten in de corpusmap.",
        description="Leest de documenten in de corpusmap (DOSSIER_CORPUS_DIR) en werkt de index bij. "
        "Alleen nieuwe of gewijzigde passages worden opnieuw ingebed.",
    )
    p.add_argument("--rebuild", action="store_true", help="Bouw de hele index opnieuw op.")
    p.add_argument("--json", action="store_true", help="Eén JSON-object in plaats van een samenvatting.")
    p.set_defaults(handler=cmd_ingest)

    s = sub.add_parser("status", help="Laat zien wat er in de index staat.")
    s.add_argument("--json", action="store_true", help="Druk één JSON-object af.")
    s.set_defaults(handler=cmd_status)

    c = sub.add_parser(
        "clean-index",
        help="Ruim mappen op die een Chroma-server na ingests laat staan.",
        description="Chroma verwijdert de map met vectoren van een opgeruimde indexversie niet. Dit zoekt "
        "in de map van de Chroma-server (chroma run --path MAP) de mappen die bij geen collectie meer "
        "horen, en verwijdert ze met --yes. Bij voorkeur terwijl de server stilstaat. Alleen voor een "
        "Chroma-server: de lokale index (DOSSIER_DATA_DIR) ruimt elke ingest zelf op.",
    )
    c.add_argument("path", type=Path, help="De map van de Chroma-server (--path van chroma run).")
    c.add_argument("--yes", action="store_true", help="Verwijder ze echt (zonder --yes: alleen tonen).")
    c.set_defaults(handler=cmd_clean_index)


def _answer_commands(sub: argparse._SubParsersAction) -> None:
    """`ask`, `eval`."""
    p = sub.add_parser(
        "ask",
        help="Stel een vraag over het dossier.",
        description="Beantwoordt een vraag met citaten uit het dossier. Met '-' als vraag: één vraag per "
        "regel van stdin (het model wordt één keer geladen).",
    )
    p.add_argument("question", help="De vraag, of '-' om vragen van stdin te lezen (één per regel).")
    p.add_argument("--json", action="store_true", help="Eén JSON-object per antwoord.")
    p.set_defaults(handler=cmd_ask)

    e = sub.add_parser(
        "eval",
        help="Meet de antwoordkwaliteit op een vragenset (JSONL).",
        description="Meet recall@5, answer_text, answer_hit, meldpunt, meldpunt_fp, oos_refused, "
        "false_refusal en cite_valid voor het systeem en, in dezelfde run, voor een naïeve "
        "LangChain-baseline. Met --conversations: de beurten van gesprekken, elk met de geschiedenis.",
    )
    e.add_argument(
        "file", nargs="?", help="Vragenset: één JSON-object per regel (zie README.md, 'Kwaliteit meten')."
    )
    e.add_argument(
        "--conversations",
        metavar="FILE",
        help="Gesprekkenset (JSONL, één gesprek per regel): beurten goed / beurten, fouten per oorzaak.",
    )
    e.add_argument("--json", action="store_true", help="Eén JSON-object met de uitkomsten.")
    e.add_argument("--k", type=int, default=5, help="Aantal passages voor recall@k (standaard 5).")
    e.add_argument("--no-baseline", action="store_true", help="Sla de (trage) baseline over.")
    e.add_argument(
        "--calibrate",
        action="store_true",
        help="Toon de signalen van binnen- en buiten-het-dossier-vragen en de drempels die daaruit volgen.",
    )
    e.add_argument("--verbose", action="store_true", help="Noem per vraag welke maat hij mist.")
    # The naive baseline reads the raw documents with ingest's loader, handed over from here: answering
    # code never imports ingest.
    e.set_defaults(handler=functools.partial(cmd_eval, load_documents=raw_documents))


def _user_command(sub: argparse._SubParsersAction) -> None:
    """`user add|remove|list|migrate` (accounts of the page)."""
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


def dispatch(args: argparse.Namespace) -> int:
    """Run a parsed command; errors a user can act on become one Dutch line and exit code 2."""
    from pydantic import ValidationError

    try:
        return int(args.handler(args, Settings()) or 0)
    except ValidationError as err:
        problems = "; ".join(
            f"DOSSIER_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in err.errors()
        )
        print(f"dossier: ongeldige instelling ({problems}). Pas de omgevingsvariabele aan.", file=sys.stderr)
        return 2
    except DossierError as err:
        print(f"dossier: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("dossier: afgebroken.", file=sys.stderr)
        return 130


def run(argv: list[str] | None = None, serve: Handler | None = None) -> int:
    """Parse and run one `dossier` command."""
    return dispatch(build_parser(serve).parse_args(argv))
