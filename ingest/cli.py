"""Handlers of `dossier ingest`, `status` and `clean-index` (registered in cli.py)."""

from __future__ import annotations

import functools
import json
import sys


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def cmd_ingest(args, settings, *, embedder=None) -> int:
    """Run an ingest; exit code 1 when a file could not be read (the others are indexed)."""
    from ingest.build import ingest_corpus

    if embedder is None:
        from index.embed import load_embedder

        # The bundled model starts in well under a second; a sentence-transformers model of one's own
        # imports torch only once a passage must be embedded (an ingest with nothing new never does).
        embedder = load_embedder(settings)
    progress = None
    if sys.stderr.isatty() and not args.json:
        from tqdm import tqdm

        progress = functools.partial(tqdm, file=sys.stderr, leave=False, dynamic_ncols=True)
    report = ingest_corpus(settings, embedder, rebuild=args.rebuild, progress=progress)
    if args.json:
        out = {k: v for k, v in report.to_dict().items() if k != "generation"}
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(_summary(report))
    return 1 if report.skipped else 0


def _summary(report) -> str:
    files = _plural(report.files, "bestand", "bestanden")
    chunks = _plural(report.chunks, "passage", "passages")
    if report.embedded == 0 and report.removed == 0 and not report.rebuilt_because:
        lines = [f"De index was al bij: {files}, {chunks}; niets nieuw ingebed ({report.seconds:.1f} s)."]
    else:
        lines = [
            f"Index bijgewerkt in {report.seconds:.1f} s: {files}, {chunks} "
            f"({report.embedded} nieuw ingebed, {report.removed} verwijderd)."
        ]
    if report.rebuilt_because:
        lines.append(f"Helemaal opnieuw opgebouwd: {report.rebuilt_because}.")
    if report.skipped:
        lines.append(f"Niet gelezen ({len(report.skipped)}):")
        lines += [f"  - {s['path']}: {s['reason']}" for s in report.skipped]
    return "\n".join(lines)


def cmd_status(args, settings) -> int:
    """Print what the current index holds."""
    from index.store import Index

    index = Index.open(settings)
    try:
        m = index.manifest
        status = {
            "chunks": len(index.chunks),
            "sources": list(m.get("sources", [])),
            "sections": index.sections,
            "model": m.get("model"),
            "built_at": m.get("built_at"),
        }
        where = ""
        if settings.chroma_url:
            from index.chroma import display_url

            status["chroma_url"] = display_url(settings.chroma_url)
            where = f" op de Chroma-server {status['chroma_url']}"
        if args.json:
            print(json.dumps(status, ensure_ascii=False))
            return 0
        files = m.get("files", {})
        print(
            f"Index{where} met {_plural(status['chunks'], 'passage', 'passages')} uit "
            f"{_plural(len(status['sources']), 'bestand', 'bestanden')}, gebouwd op {status['built_at']} "
            f"met model {status['model']}."
        )
        print("Bronnen:")
        for source in status["sources"]:
            print(f"  - {source} ({_plural(files.get(source, {}).get('chunks', 0), 'passage', 'passages')})")
        print(f"Onderdelen ({len(status['sections'])}):")
        for section in status["sections"]:
            print(f"  - {section}")
        return 0
    finally:
        index.close()


def cmd_clean_index(args, settings) -> int:
    """List (or with --yes remove) segment folders of a Chroma server that no collection uses."""
    from ingest.housekeeping import orphan_segments, remove

    orphans = orphan_segments(args.path)
    total = sum(o.bytes for o in orphans)
    if not orphans:
        print(f"Niets op te ruimen in {args.path}.")
        return 0
    print(f"{_plural(len(orphans), 'map hoort', 'mappen horen')} bij geen collectie meer ({_mb(total)}):")
    for orphan in orphans:
        print(f"  - {orphan.path.name} ({_mb(orphan.bytes)})")
    if not args.yes:
        print(f"Verwijder ze met: dossier clean-index {args.path} --yes")
        return 0
    print(f"Verwijderd; {_mb(remove(orphans))} vrijgemaakt.")
    return 0


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"
