"""The `dossier` command line: one parser, each layer registers its own subcommands.

`ui.main` is the console script; it adds `serve` and calls `run` here. Errors of the project
(`DossierError`) become one Dutch line on stderr and exit code 2, never a stack trace. This module sits
above the layers, so it may hand ingest's document loader to the `eval` handler.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable

from ingest import cli as ingest_cli
from ingest.corpus import raw_documents

Register = Callable[[argparse._SubParsersAction], None]


def build_parser(*extra: Register) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dossier", description="Assistent bij het introductiedossier mensenhandel."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    ingest_cli.add_commands(sub)
    add_commands(sub)
    for register in extra:
        register(sub)
    return parser


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register `ask` and `eval` (handlers in assistant.commands)."""
    from assistant import commands

    commands.add_commands(sub)
    # The naive baseline of `eval` reads the raw documents with ingest's loader; the handler gets that
    # loader from here, so answering code never imports ingest.
    sub.choices["eval"].set_defaults(
        handler=functools.partial(commands.cmd_eval, load_documents=raw_documents)
    )


def run(argv: list[str] | None = None, *extra: Register) -> int:
    return ingest_cli.dispatch(build_parser(*extra).parse_args(argv))
