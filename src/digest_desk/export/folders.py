"""Atomic folder handling: build beside the target, swap in when complete, clean up leftovers."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from pathlib import Path

from digest_desk.export.errors import ExportError
from digest_desk.store.rescue import fsync_dir

MARKER = ".digest-desk-export-tmp"
MANIFEST = ".digest-desk-manifest.sqlite3"
OLD_MANIFEST = ".digest-desk-manifest.json"  # formats 1 to 3, read and converted
JOURNAL = ".digest-desk-journal.json"


def _sibling(out: Path, kind: str) -> Path:
    return out.parent / f"{out.name}.{kind}-{secrets.token_hex(4)}"


def _leftover_pattern(out: Path) -> re.Pattern[str]:
    return re.compile(re.escape(out.name) + r"\.(tmp|old)-[0-9a-f]{8}$")


def make_temp(out: Path) -> Path:
    """A new empty folder beside ``out`` (same file system), marked as ours."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = _sibling(out, "tmp")
        tmp.mkdir()
        (tmp / MARKER).write_text(json.dumps({"target": out.name, "pid": os.getpid()}), "utf-8")
    except OSError as exc:
        raise ExportError(
            f"Cannot create a working folder beside {out} ({exc.strerror or exc}). "
            "Check that the folder above it exists and is writable."
        ) from exc
    return tmp


def remove_tree(path: Path) -> None:
    """Delete a folder we created; symbolic links inside are removed, never followed."""
    if path.is_symlink():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path, ignore_errors=True)


def clear_temp(tmp: Path) -> None:
    """Empty a working folder from ``make_temp`` (its marker stays); links are not followed."""
    for entry in tmp.iterdir():
        if entry.name == MARKER:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def is_ours(path: Path, out: Path) -> bool:
    """A leftover sibling we made: named after ``out`` and carrying our marker or manifest."""
    if path.is_symlink() or not path.is_dir():
        return False
    if not _leftover_pattern(out).match(path.name):
        return False
    marker = path / MARKER
    if marker.is_file():
        try:
            return json.loads(marker.read_text("utf-8")).get("target") == out.name
        except (OSError, ValueError):
            return False
    return (path / MANIFEST).is_file() or (path / OLD_MANIFEST).is_file()


def cleanup_leftovers(out: Path) -> list[Path]:
    """Undo what an interrupted export left beside ``out``; returns the folders removed.

    A half-committed incremental export is rolled back from its journal; a whole-folder swap
    interrupted between its two renames gets the previous export renamed back into place.
    """
    from digest_desk.export.changeset import rollback_journal

    if not out.parent.is_dir():
        return []
    removed: list[Path] = []
    leftovers = sorted(p for p in out.parent.iterdir() if is_ours(p, out))
    for path in leftovers:
        if (path / JOURNAL).is_file() and out.is_dir():
            rollback_journal(path, out)
    for path in leftovers:
        if path.name.startswith(f"{out.name}.old-") and not out.exists():
            os.rename(path, out)
            continue
        remove_tree(path)
        removed.append(path)
    return removed


def swap_in(tmp: Path, out: Path) -> None:
    """Replace ``out`` by the complete ``tmp`` with two renames, then drop the old folder."""
    (tmp / MARKER).unlink(missing_ok=True)
    old: Path | None = None
    if out.exists():
        old = _sibling(out, "old")
        os.rename(out, old)
    try:
        os.rename(tmp, out)
    except OSError:
        if old is not None:
            os.rename(old, out)
        raise
    fsync_dir(out.parent)
    if old is not None:
        remove_tree(old)
