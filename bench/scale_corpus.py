"""Generate a large corpus for the scale benchmark from the dossier's own paragraphs.

Each *variant* rewrites the whole dossier for one municipality of the Rotterdam region: the region's
name is swapped for the municipality, words are swapped for synonyms, sentences within a paragraph
are shuffled, sections are numbered per variant and a municipality line opens some paragraphs. So
passages are alike in vocabulary and length (realistic for BM25 and the dense index) but not trivially
duplicate. Variants are written eight to a Markdown file with `#`/`##` headings. Generation stops once
the project's own chunker (`ingest.chunk.chunk_document`) counts at least the requested number of
passages, so the figure is exact for the current chunk settings.

    .venv/bin/python bench/scale_corpus.py OUT_DIR [--chunks 20000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.settings import Settings  # noqa: E402
from ingest.chunk import chunk_document  # noqa: E402
from ingest.load import load_document  # noqa: E402
from ingest.structure import split_sections  # noqa: E402

DOSSIER = Path(__file__).resolve().parent.parent / "corpus" / "dossier-mensenhandel-regio-rotterdam.txt"
VARIANTS_PER_FILE = 8

REGION = [
    "Rotterdam",
    "Schiedam",
    "Vlaardingen",
    "Maassluis",
    "Capelle aan den IJssel",
    "Krimpen aan den IJssel",
    "Barendrecht",
    "Ridderkerk",
    "Albrandswaard",
    "Lansingerland",
    "Nissewaard",
    "Voorne aan Zee",
    "Goeree-Overflakkee",
    "Hoeksche Waard",
]

# Whole-word swaps; each variant picks its own subset, so no two variants read the same.
SYNONYMS = {
    "slachtoffers": ["gedupeerden", "getroffenen"],
    "slachtoffer": ["gedupeerde", "getroffene"],
    "signalen": ["aanwijzingen", "indicaties"],
    "belangrijk": ["van belang", "essentieel"],
    "vaak": ["dikwijls", "geregeld"],
    "ook": ["eveneens", "tevens"],
    "mensen": ["personen", "mensen"],
    "medewerkers": ["collega's", "professionals"],
    "samenwerking": ["samenwerkingsverband", "afstemming"],
    "gemeente": ["gemeentelijke organisatie", "lokale overheid"],
    "gemeenten": ["gemeentelijke organisaties", "lokale overheden"],
    "ondersteuning": ["hulp", "begeleiding"],
    "informatie": ["gegevens", "kennis"],
    "partners": ["ketenpartners", "samenwerkingspartners"],
    "melden": ["doorgeven", "melden"],
    "zorg": ["hulpverlening", "zorg"],
    "opvang": ["onderdak", "opvang"],
    "werkgever": ["baas", "werkgever"],
    "snel": ["vlot", "spoedig"],
    "moet": ["dient", "moet"],
    "kan": ["kan", "is in staat"],
    "bijvoorbeeld": ["onder meer", "zoals"],
    "daarnaast": ["verder", "bovendien"],
}
_WORDS = re.compile(r"\b(" + "|".join(sorted(map(re.escape, SYNONYMS), key=len, reverse=True)) + r")\b")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def dossier_sections(settings: Settings) -> list[tuple[str, list[str]]]:
    """(heading, paragraphs) of the dossier, as the project's own loader and structure step see them."""
    doc = load_document(DOSSIER, DOSSIER.parent, settings)
    return [(s.path[-1], list(s.paragraphs)) for s in split_sections(doc) if s.paragraphs]


def rewrite(paragraph: str, town: str, swaps: dict[str, str], rng: random.Random) -> str:
    """One paragraph in a variant's wording: town, synonyms, and (half the time) sentence order."""
    text = paragraph.replace("regio Rotterdam", f"gemeente {town}").replace("Rotterdam", town)

    def swap(m: re.Match) -> str:
        return swaps.get(m.group(1), m.group(1))

    text = _WORDS.sub(swap, text)
    sentences = _SENTENCE_END.split(text)
    if len(sentences) > 2 and rng.random() < 0.5:
        head, rest = sentences[0], sentences[1:]
        rng.shuffle(rest)
        text = " ".join([head, *rest])
    return text


def variant(sections: list[tuple[str, list[str]]], number: int, rng: random.Random) -> str:
    """The whole dossier as one variant, in Markdown."""
    town = REGION[number % len(REGION)]
    swaps = {w: rng.choice(alts) for w, alts in SYNONYMS.items() if rng.random() < 0.6}
    lines = [f"# Dossier mensenhandel {town}, uitgave {number + 1}", ""]
    for i, (heading, paragraphs) in enumerate(sections, 1):
        lines += [f"## {number + 1}.{i} {rewrite(heading, town, swaps, rng)}", ""]
        for p in paragraphs:
            text = rewrite(p, town, swaps, rng)
            if rng.random() < 0.15:
                text = f"Voor {town} geldt: {text[0].lower()}{text[1:]}"
            lines += [text, ""]
    return "\n".join(lines)


def generate(out_dir: Path, target_chunks: int, seed: int = 7, settings: Settings | None = None) -> dict:
    """Write variant files into out_dir until the chunker counts >= target_chunks; returns the counts."""
    settings = settings or Settings()
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("regio-*.md"):
        old.unlink()
    sections = dossier_sections(settings)
    rng = random.Random(seed)
    chunks = files = number = 0
    while chunks < target_chunks:
        town = REGION[number % len(REGION)].lower().replace(" ", "-")
        path = out_dir / f"regio-{files + 1:03d}-{town}.md"
        parts = []
        for _ in range(VARIANTS_PER_FILE):
            parts.append(variant(sections, number, rng))
            number += 1
        path.write_text("\n".join(parts), encoding="utf-8")
        chunks += len(chunk_document(load_document(path, out_dir, settings), settings))
        files += 1
    return {
        "files": files,
        "variants": number,
        "chunks": chunks,
        "bytes": sum(p.stat().st_size for p in out_dir.glob("*.md")),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--chunks", type=int, default=20_000, help="Passages to reach (default 20000).")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    print(generate(args.out_dir, args.chunks, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
