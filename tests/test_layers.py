"""Imports flow one way: ui.py -> assistant/ -> ingest/. Parsing the imports keeps it true."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Libraries that belong to a higher layer only.
FORBIDDEN = {
    "ingest": {"assistant", "ui", "gradio", "gradio_client"},
    "assistant": {"ui", "gradio", "gradio_client"},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_layers_import_only_downwards():
    violations = []
    for package, forbidden in FORBIDDEN.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            bad = imported_modules(path) & forbidden
            if bad:
                violations.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert not violations, "\n".join(violations)


def test_checker_sees_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import gradio as gr\nfrom assistant.core import Assistant\n")
    assert imported_modules(bad) >= {"gradio", "assistant"}
