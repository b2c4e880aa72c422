"""The hand-rule surface of the answering code: regex calls, listed words, glossary entries.

    python bench/rules.py [REPO]          # counts for the checkout at REPO (default: this one)
    python bench/rules.py --json [REPO]

Counted by parsing the source (no import), so it runs on any commit (`git worktree add` an old one):
- regex calls: calls of the `re` module's functions (compile, search, match, fullmatch, findall,
  finditer, sub, subn, split) in assistant/ — every pattern written by hand;
- listed words: words written out as data in assistant/ — each element of a list/set/tuple literal of
  strings, each word of a space-separated lower-case word string ("melden advies signaal ..."), and each
  plain-word alternative of a regex string ("twee|drie|vier");
- glossary entries: keys of assistant/glossary.toml (all tables).
Docstrings and user messages (capitalised or punctuated text) are not counted.
"""

from __future__ import annotations

import ast
import json
import re
import sys
import tomllib
from pathlib import Path

_RE_FUNCS = {"compile", "search", "match", "fullmatch", "findall", "finditer", "sub", "subn", "split"}
_WORD_STRING = re.compile(r"[a-zà-ÿ][a-zà-ÿ'’-]*(\s+[a-zà-ÿ][a-zà-ÿ'’-]*){2,}")
_PLAIN = re.compile(r"[a-zà-ÿ][a-zà-ÿ ']*")


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _regex_words(s: str) -> int:
    """Plain-word alternatives of a regex string ('\\b(twee|drie)\\b' -> 2)."""
    if "|" not in s:
        return 0
    n = 0
    for part in re.split(r"[|()]", s):
        part = part.replace(r"\b", "").replace("?:", "").strip()
        if len(part) > 1 and _PLAIN.fullmatch(part):
            n += 1
    return n


def count_file(path: Path) -> tuple[int, int]:
    """(regex calls, listed words) of one Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    regex, listed = 0, 0
    in_collection: set[int] = set()
    for node in ast.walk(tree):
        func = node.func if isinstance(node, ast.Call) else None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "re":
            regex += func.attr in _RE_FUNCS
        if isinstance(node, ast.List | ast.Set | ast.Tuple):
            for elt in node.elts:
                text = isinstance(elt, ast.Constant) and isinstance(elt.value, str)
                word = elt.value.strip() if text else ""
                if word and _PLAIN.fullmatch(word) and len(word.split()) <= 3:
                    listed += 1
                    in_collection.add(id(elt))
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if id(node) in skip or id(node) in in_collection:
            continue
        s = node.value.strip()
        if _WORD_STRING.fullmatch(s):
            listed += len(s.split())
        else:
            listed += _regex_words(s)
    return regex, listed


def glossary_entries(path: Path) -> int:
    if not path.exists():
        return 0
    data = tomllib.loads(path.read_text(encoding="utf-8"))

    def count(table) -> int:
        return sum(count(v) if isinstance(v, dict) else 1 for v in table.values())

    return count(data)


def surface(repo: Path) -> dict[str, int]:
    regex = listed = 0
    for path in sorted((repo / "assistant").rglob("*.py")):
        r, w = count_file(path)
        regex += r
        listed += w
    return {
        "regex_calls": regex,
        "listed_words": listed,
        "glossary_entries": glossary_entries(repo / "assistant" / "glossary.toml"),
    }


def main(argv: list[str]) -> None:
    as_json = "--json" in argv
    args = [a for a in argv if a != "--json"]
    repo = Path(args[0]) if args else Path(__file__).resolve().parent.parent
    counts = surface(repo)
    if as_json:
        print(json.dumps(counts))
    else:
        for name, n in counts.items():
            print(f"{name:<18}{n:>6}")


if __name__ == "__main__":
    main(sys.argv[1:])
