"""The import rules of DESIGN.md, checked by walking every module's syntax tree."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "digest_desk"
QT = ("PySide6", "qtawesome", "shiboken6")
# Which of our own top-level packages each layer may import (besides itself).
ALLOWED = {
    "domain": set(),
    "store": {"domain", "paths"},
    "render": {"domain", "paths"},
    "links": {"domain", "paths"},
    "checks": {"render", "domain", "paths"},
    "export": {"render", "store", "checks", "domain", "links", "paths"},
    "convert": {"render", "domain", "paths"},
}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if "forms" in rel.parts and rel.parts[0] == "ui":
            continue
        yield rel, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imports(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_only_the_ui_imports_qt():
    offenders = []
    for rel, tree in _modules():
        if rel.parts[0] == "ui" or rel.as_posix() == "app.py":
            continue
        offenders += [f"{rel}: {name}" for name in _imports(tree) if name.split(".")[0] in QT]
    assert offenders == []


def test_layers_import_only_what_design_allows():
    offenders = []
    for rel, tree in _modules():
        layer = rel.parts[0]
        if layer not in ALLOWED or len(rel.parts) == 1:
            continue
        for name in _imports(tree):
            parts = name.split(".")
            if parts[0] != "digest_desk" or len(parts) < 2:
                continue
            target = parts[1]
            if target != layer and target not in ALLOWED[layer]:
                offenders.append(f"{rel} imports {name}")
    assert offenders == []


def test_the_walk_sees_the_packages():
    layers = {rel.parts[0] for rel, _ in _modules()}
    assert {"domain", "store", "render", "checks"} <= layers
