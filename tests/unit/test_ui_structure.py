"""The window's parts stay apart: no import cycle inside ui/, no SQL in it, settings declared once."""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "src" / "digest_desk" / "ui"
PACKAGE = "digest_desk.ui"
NO_SQL = ("sqlalchemy", "sqlite3")
SQLMODEL_QUERY = {"select", "Session", "col", "text", "func", "delete", "update", "insert"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(UI).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((PACKAGE, *parts))


def _ui_modules() -> dict[str, tuple[Path, ast.AST]]:
    found = {}
    for path in sorted(UI.rglob("*.py")):
        if "forms" in path.relative_to(UI).parts:
            continue
        found[_module_name(path)] = (path, ast.parse(path.read_text(encoding="utf-8")))
    return found


def _absolute(node: ast.ImportFrom, name: str, is_package: bool) -> str:
    """The module an ``from ... import`` names, relative dots resolved against ``name``."""
    if node.level == 0:
        return node.module or ""
    base = name.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _targets(name: str, path: Path, tree: ast.AST, known: set[str]) -> set[str]:
    """Every ui module this one imports: absolute, relative, in functions or under TYPE_CHECKING."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, name, path.name == "__init__.py")
            for alias in node.names:  # "from pkg import module" imports the module (pkg always)
                sub = f"{module}.{alias.name}"
                out.add(sub if sub in known else module)
    return {t for t in out if t in known and t != name and t != PACKAGE}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, trail: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return trail[trail.index(nxt):] + [node, nxt] if nxt in trail else [node, nxt]
            if nxt not in state and (found := visit(nxt, trail + [node])):
                return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [])):
            return found
    return None


def test_no_import_cycle_inside_ui():
    modules = _ui_modules()
    graph = {name: _targets(name, path, tree, set(modules)) for name, (path, tree) in modules.items()}
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_cycle_finder_finds_relative_and_type_checking_cycles():
    a = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\n")
    b = ast.parse("def f():\n    from digest_desk.ui import a\n")
    known = {"digest_desk.ui.a", "digest_desk.ui.b"}
    graph = {"digest_desk.ui.a": _targets("digest_desk.ui.a", Path("a.py"), a, known),
             "digest_desk.ui.b": _targets("digest_desk.ui.b", Path("b.py"), b, known)}
    assert _cycle(graph) is not None


def test_ui_runs_no_sql_of_its_own():
    offenders = []
    for name, (_path, tree) in _ui_modules().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                offenders += [f"{name}: {a.name}" for a in node.names if a.name.split(".")[0] in NO_SQL]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                top = node.module.split(".")[0]
                if top in NO_SQL or (top == "sqlmodel" and {a.name for a in node.names} & SQLMODEL_QUERY):
                    offenders.append(f"{name}: {node.module}")
    assert offenders == []


def test_settings_keys_are_spelled_only_in_the_settings_module():
    from digest_desk.ui import settings

    keys = {s.key for s in settings.ALL}
    offenders = []
    for name, (_path, tree) in _ui_modules().items():
        if name == settings.__name__:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("value", "setValue") \
                    and node.args and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str) and "/" in node.args[0].value:
                offenders.append(f"{name}: {node.args[0].value}")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and any(node.value.startswith(key) for key in keys):
                offenders.append(f"{name}: {node.value}")
    assert offenders == []


def test_every_setting_has_a_type_a_default_and_a_doc(tmp_path):
    from PySide6.QtCore import QSettings

    from digest_desk.ui import settings

    stored = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    assert len({s.key for s in settings.ALL}) == len(settings.ALL)
    for setting in settings.ALL:
        assert setting.doc and isinstance(setting.type, type)
        assert setting.read(stored) == setting.default
    settings.VIEW_DETAILS.write(stored, False)
    stored.sync()
    again = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    assert settings.VIEW_DETAILS.read(again) is False  # an ini file gives back the text "false"
    one, other = settings.LAST_ARTICLE.for_database("a.db"), settings.LAST_ARTICLE.for_database("b.db")
    one.write(again, 7)
    assert one.read(again) == 7 and other.read(again) is None


def test_only_the_task_helper_starts_threads():
    """Background work goes through ui/tasks.py (one helper, results delivered on the UI thread)."""
    threads = {"QThread", "QThreadPool", "QRunnable", "ThreadPoolExecutor", "Thread"}
    offenders = []
    for name, (_path, tree) in _ui_modules().items():
        if name == f"{PACKAGE}.tasks":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                offenders += [f"{name}: {a.name}" for a in node.names if a.name in threads]
            elif isinstance(node, ast.Attribute) and node.attr in threads:
                offenders.append(f"{name}: {node.attr}")
    assert offenders == []
