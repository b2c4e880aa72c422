"""Handlers of `dossier ask` and `dossier eval` (registered in cli.py): answer questions, measure quality.

`ask` stays light: no torch, sentence-transformers, LangChain or Gradio on its path (the query model
runs on numpy), so a cold `dossier ask` answers in a few seconds. `eval` builds the LangChain
baseline too, so it is allowed to be slow.
"""

from __future__ import annotations

import json
import os
import sys

from index.errors import DossierError, SettingsError

# ---------------------------------------------------------------- ask


def terminal_text(answer) -> str:
    """A readable answer for the terminal: the text, then the sources with their markers."""
    lines = [answer.answer, ""]
    if answer.citations:
        lines.append("Sources:" if answer.lang == "en" else "Bronnen:")
        for c in answer.citations:
            lines.append(f"  [{c.n}] {c.section} ({c.source}, score {c.score:.2f})")
    return "\n".join(lines).rstrip() + "\n"


def cmd_ask(args, settings) -> int:
    """Answer one question, or every line of stdin with '-'; exit 2 on an error the user can fix."""
    try:
        return _ask(args, settings)
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python from complaining at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _ask(args, settings) -> int:
    from assistant.core import Assistant

    assistant = Assistant(settings)
    if args.question != "-":
        answer = assistant.ask(args.question)
        _emit(answer, args.json)
        return 0
    status = 0
    for line in sys.stdin:
        if not line.strip():
            continue
        question = line.rstrip("\n")
        try:
            answer = assistant.ask(question)
        except DossierError as err:
            # One bad line does not stop the batch: it gets its own error object and the exit code says so.
            status = 2
            if args.json:
                print(json.dumps({"question": question, "error": str(err)}, ensure_ascii=False), flush=True)
            else:
                print(f"dossier: {err}", file=sys.stderr, flush=True)
            continue
        _emit(answer, args.json)
    return status


def _emit(answer, as_json: bool) -> None:
    if as_json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False), flush=True)
    else:
        print(terminal_text(answer), flush=True)


# ---------------------------------------------------------------- eval


def cmd_eval(args, settings, *, load_documents=None) -> int:
    """Print the metrics of the system and the baseline (and their ratio), or the calibration.

    `load_documents(settings)` gives the raw (source, text) of the corpus for the naive baseline; the
    command line passes ingest's loader (cli.py), since answering code does not import ingest.
    """
    from pathlib import Path

    from assistant import eval as ev
    from assistant.core import Assistant
    from assistant.meldpunt import contacts_path, load_facts

    if bool(args.file) == bool(args.conversations):
        raise SettingsError(
            "Geef een vragenset óf --conversations FILE, niet allebei en niet geen van beide. "
            "Voorbeeld: dossier eval tests/data/dev.jsonl"
        )
    if args.conversations:
        return _eval_conversations(args, settings)
    items = ev.load_questions(Path(args.file))
    phone = load_facts(contacts_path(settings)).phone
    assistant = Assistant(settings)
    if args.calibrate:
        print(ev.calibrate(assistant, items).report(assistant.thresholds))
        return 0
    ev.run_system(assistant, items)  # warm-up round: the timed round below measures warm answers
    results, seconds = ev.run_system(assistant, items)
    columns = {"system": ev.score(items, results, phone=phone, k=args.k)}
    if not args.no_baseline:
        documents = load_documents(settings)
        columns["baseline"] = ev.score(
            items, ev.baseline_results(settings, items, documents, k=args.k), phone=phone, k=args.k
        )
    missed = ev.failures(items, results, phone=phone)
    if args.json:
        out = {"file": args.file, "questions": len(items), **columns, "latency_ms": ev.latency_ms(seconds)}
        print(_json({**out, "missed": missed} if args.verbose else out))
        return 0
    print(f"{args.file}: {len(items)} vragen")
    print(ev.format_table(columns))
    print(ev.latency_summary(seconds))
    if args.verbose:
        for line in missed:
            print("  mist:", line)
    return 0


def _eval_conversations(args, settings) -> int:
    """Every turn of every conversation asked with its history; turns right and wrong turns by cause."""
    from pathlib import Path

    from assistant import eval_conversations as ec
    from assistant.core import Assistant

    convs = ec.load_conversations(Path(args.conversations))
    report = ec.run_conversations(Assistant(settings), convs, k=args.k)
    if args.json:
        out = {"file": args.conversations, "conversations": len(convs), **report.to_dict()}
        if not args.verbose:
            del out["wrong_turns"]
        print(_json(out))
        return 0
    print(f"{args.conversations}: {len(convs)} gesprekken, {report.turns} beurten")
    print(report.format(verbose=args.verbose))
    return 0


def _json(obj) -> str:
    """Strict JSON: a share of an empty group (NaN) is written as null."""

    def clean(v):
        if isinstance(v, float) and v != v:
            return None
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, list):
            return [clean(x) for x in v]
        return v

    return json.dumps(clean(obj), ensure_ascii=False, allow_nan=False)
