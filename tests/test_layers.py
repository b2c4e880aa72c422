"""Imports flow one way: page -> assistant -> index <- ingest; no file over 450 lines, no function over 80.

    ui.py, cli.py    the entry points: may import every layer
    page/            the page's helpers: assistant/ and index/, never ingest/
    assistant/       answering: index/ only; never ingest/, the page or Gradio
    ingest/          the write side: index/ only; never assistant/, the page or Gradio
    index/           the on-disk format and the read side: none of the others

Every import counts, also one inside a function (a lazy import is still a dependency), and no two
modules of the project may import each other, directly or through others.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("index", "ingest", "assistant", "page")
ENTRY_POINTS = ("ui", "cli")
GUI = {"gradio", "gradio_client"}

# What each layer may not import (top-level names).
FORBIDDEN = {
    "index": {"ingest", "assistant", "page", *ENTRY_POINTS, *GUI},
    "ingest": {"assistant", "page", *ENTRY_POINTS, *GUI},
    "assistant": {"ingest", "page", *ENTRY_POINTS, *GUI},
    "page": {"ingest", *ENTRY_POINTS},
}


def imports_of(path: Path) -> set[str]:
    """Dotted names of every absolute import in the file (`from a.b import c` gives a.b and a.b.c)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def imported_modules(path: Path) -> set[str]:
    """Top-level names imported by the file."""
    return {name.split(".")[0] for name in imports_of(path)}


def project_modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the layers and the entry points."""
    modules = {name: ROOT / f"{name}.py" for name in ENTRY_POINTS}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def dependency_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the project modules it imports (a package's __init__ is not counted for its submodules)."""
    graph = {}
    for name, path in modules.items():
        deps = {i for i in imports_of(path) if i in modules and i != name}
        # `from assistant import answer` names the submodule, not assistant/__init__.
        graph[name] = {d for d in deps if not any(o.startswith(d + ".") for o in deps)} | {
            d for d in deps if d.count(".") > 0
        }
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                return path[path.index(dep) :] + [dep]
            if dep not in state and (found := visit(dep)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_layers_import_only_downwards():
    violations = []
    for package, forbidden in FORBIDDEN.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            bad = imported_modules(path) & forbidden
            if bad:
                violations.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert not violations, "\n".join(violations)


def test_no_import_cycles():
    cycle = find_cycle(dependency_graph(project_modules()))
    assert cycle is None, " -> ".join(cycle)


def test_checker_sees_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import gradio as gr\ndef f():\n    from ingest.build import run\n")
    assert imported_modules(bad) >= {"gradio", "ingest"}


def test_checker_sees_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


# ---------------------------------------------------------------- sizes

MAX_FILE_LINES = 450
MAX_FUNCTION_LINES = 80


def oversized(paths: list[Path]) -> list[str]:
    """Files over MAX_FILE_LINES lines and functions over MAX_FUNCTION_LINES lines (docstring included)."""
    found = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        if (lines := len(text.splitlines())) > MAX_FILE_LINES:
            found.append(f"{name}: {lines} lines")
        nodes = ast.walk(ast.parse(text))
        functions = [n for n in nodes if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        for node in functions:
            if (length := node.end_lineno - node.lineno + 1) > MAX_FUNCTION_LINES:
                found.append(f"{name}:{node.lineno} {node.name}() {length} lines")
    return found


def test_no_file_over_450_lines_and_no_function_over_80():
    code = [ROOT / f"{name}.py" for name in ENTRY_POINTS]
    for folder in (*PACKAGES, "bench", "tests"):
        code += sorted((ROOT / folder).rglob("*.py"))
    assert not oversized(code), "\n".join(oversized(code))


def test_size_checker_sees_a_long_function(tmp_path):
    long = tmp_path / "long.py"
    long.write_text("def f():\n" + "    x = 1\n" * 80)
    assert oversized([long]) == [f"{long}:1 f() 81 lines"]
