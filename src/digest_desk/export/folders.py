"""Atomic folder handling: build beside the target, swap in when complete, clean up leftovers."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import threading
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


def _mark(folder: Path, out: Path) -> None:
    """Write our marker into ``folder``; never through a link planted under its name."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(folder / MARKER, flags, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"target": out.name, "pid": os.getpid()}))


def make_temp(out: Path) -> Path:
    """A new empty folder beside ``out`` (same file system), marked as ours."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = _sibling(out, "tmp")
        tmp.mkdir()
        _mark(tmp, out)
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


# Folders this process no longer needs (a committed working folder, the previous export a full
# export replaced) are removed on a thread of their own: the export is done when its files are
# in place, not when thousands of replaced files are deleted. Each carries our marker, removed
# last, so a removal cut short (the process ended) leaves a folder the next export still knows
# as ours and removes; a manifest goes first, so such a folder is never taken for an export.
_discarding: dict[Path, threading.Thread] = {}
_discard_lock = threading.Lock()


def discard(path: Path) -> None:
    """Remove a folder carrying our marker, in the background (``settle`` waits for it)."""
    with _discard_lock:
        if path in _discarding:
            return
        worker = threading.Thread(target=_remove_marked_last, args=(path,), name="digest-desk-discard", daemon=True)
        _discarding[path] = worker
    worker.start()


def settle(timeout: float | None = None) -> bool:
    """Wait for the folders being discarded; False when some are still there after ``timeout``."""
    with _discard_lock:
        pending = list(_discarding.values())
    for worker in pending:
        worker.join(timeout)
    with _discard_lock:
        return not _discarding


def discarding(path: Path) -> bool:
    with _discard_lock:
        return path in _discarding


def _remove_marked_last(path: Path) -> None:
    try:
        _lower_priority()
        if path.is_symlink() or not path.is_dir():
            remove_tree(path)
            return
        for name in (MANIFEST, OLD_MANIFEST):
            _unlink(os.path.join(path, name))
        for entry in os.scandir(path):
            if entry.name == MARKER:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                _unlink(entry.path)
        if os.listdir(path) != [MARKER]:
            return  # something could not be removed: the marker stays, the next export tries again
        _unlink(os.path.join(path, MARKER))
        os.rmdir(path)
    except OSError:
        pass  # what is left carries our marker: the next export removes it
    finally:
        with _discard_lock:
            _discarding.pop(path, None)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _lower_priority() -> None:
    """This thread at the lowest CPU priority (Linux: per thread), so deleting never slows the
    window or the next export."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    except (AttributeError, OSError):
        pass


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
    leftovers = sorted(p for p in out.parent.iterdir() if not discarding(p) and is_ours(p, out))
    for path in leftovers:
        if (path / JOURNAL).is_file() and out.is_dir():
            rollback_journal(path, out)
    for path in leftovers:
        if path.name.startswith(f"{out.name}.old-") and not out.exists() and not (path / MARKER).exists():
            os.rename(path, out)
            continue
        discard(path)
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
        try:
            _mark(old, out)  # from here on a leftover to remove, never an export to put back
        except OSError:
            remove_tree(old)  # cannot be marked: removed now, as it is
        else:
            discard(old)
