"""Reliability test fixtures: a fast hash-embedded index, subprocess helpers, a tally, a markup check.

The tally (tests/reliability_tally.py) counts every bad question, bad document and kill the tests tried;
tests/conftest.py prints it at the end of the run, for the report on the issue.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from reliability_tally import TALLY  # noqa: F401 (the tests import it from here)

from index.offline import OFFLINE_ENV

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"
HOSTILE = REPO / "tests" / "data" / "hostile"
DOSSIER_BIN = Path(sys.executable).with_name("dossier")

if str(HOSTILE) not in sys.path:
    sys.path.insert(0, str(HOSTILE))


# ---------------------------------------------------------------- environment and subprocesses


def clean_env(data_dir: Path, corpus_dir: Path = CORPUS, **extra: str) -> dict[str, str]:
    """Environment of a `dossier` subprocess: no DOSSIER_* from the shell, offline, given folders."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOSSIER_")}
    env.update(
        DOSSIER_DATA_DIR=str(data_dir),
        DOSSIER_CORPUS_DIR=str(corpus_dir),
        PYTHONUNBUFFERED="1",
        **OFFLINE_ENV,
    )
    env.update(extra)
    return env


def hash_settings_for(data_dir: Path, corpus_dir: Path = CORPUS, **overrides):
    """Settings independent of the shell's environment and of any .env file."""
    from index.settings import Settings

    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.startswith("DOSSIER_"):
                mp.delenv(name)
        return Settings(data_dir=data_dir, corpus_dir=corpus_dir, _env_file=None, **overrides)


@pytest.fixture(scope="session")
def hash_index(tmp_path_factory):
    """Settings of an index of the real dossier embedded with HashEmbedder (built once, ~2 s)."""
    from ingest.build import ingest_corpus
    from tests.fakes import HashEmbedder

    settings = hash_settings_for(tmp_path_factory.mktemp("hash-index"))
    ingest_corpus(settings, HashEmbedder())
    return settings


@pytest.fixture(scope="session")
def hash_assistant(hash_index):
    """An Assistant over `hash_index` with the hash embedder: milliseconds per question."""
    from assistant.core import Assistant
    from tests.fakes import HashEmbedder

    return Assistant(hash_index, embedder=HashEmbedder())


# ---------------------------------------------------------------- is anything in this markdown live?

# What the page's own formatting may produce: text structure, the highlight, the folded passage, and
# the tel: link of the meldpunt card. Anything else (img, script, iframe, a link to a web address,
# an event handler, a style) would have come from a document or a question.
ALLOWED_TAGS = {
    "p", "ul", "ol", "li", "strong", "em", "blockquote", "mark", "details", "summary", "br", "hr",
    "html", "head", "body", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre",
}  # fmt: skip
PAGE_HTML_TAGS = {"div", "span", "article", "section"}  # the header and the Dossier tab


def live_markup(html_or_markdown: str, *, markdown: bool = True) -> list[str]:
    """Elements, attributes and links a browser would act on, beyond what the page itself writes.

    Markdown is rendered with markdown-it (CommonMark, raw HTML passed through: stricter than the
    page, which also sanitises), then the HTML is parsed and every element checked.
    """
    from selectolax.lexbor import LexborHTMLParser

    html = html_or_markdown
    if markdown:
        from markdown_it import MarkdownIt

        md = MarkdownIt("commonmark", {"html": True})
        md.validateLink = lambda url: True  # markdown-it drops javascript: links; a test must see them
        html = md.render(html_or_markdown)
    tree = LexborHTMLParser(html)
    allowed = ALLOWED_TAGS | {"a"} | (set() if markdown else PAGE_HTML_TAGS)
    problems = []
    for node in tree.root.traverse(include_text=False) if tree.root else []:
        if node.tag not in allowed:
            problems.append(f"<{node.tag}>")
        for name, value in (node.attributes or {}).items():
            name = name.lower()
            if name.startswith("on") or name in ("style", "src", "srcdoc", "formaction", "action"):
                problems.append(f"<{node.tag} {name}={value!r}>")
            if name == "href" and not (value or "").startswith("tel:"):
                problems.append(f"<{node.tag} href={value!r}>")
    return problems
