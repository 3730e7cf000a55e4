"""Committing an incremental export: move changed files in with renames, roll back on failure.

The new and changed files are first written to a folder beside the export. The commit then
only renames: each replaced or removed file goes to a backup folder, each new file into place,
the manifest last. A journal written before the first rename lets a failure (or the next start
after a crash) put every file back, so the previous export is restored exactly.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from digest_desk.export.folders import JOURNAL, MANIFEST, discard, fsync_dir
from digest_desk.export.safepath import check_rel, inside
from digest_desk.export.writer import FAULT_ENV, fault_count

BACKUP = ".backup"
# Replaced and removed files are kept in BACKUP by their number in the journal's drop + put
# list, not under their own path: no backup folder tree to make, nor to delete afterwards.
NUMBERED = "numbered"


def _move(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.replace(src, dst)


def _prune_empty(out: Path, rels: list[str]) -> None:
    """Remove folders left empty under ``out`` (never ``out`` itself)."""
    folders = {str(Path(rel).parent) for rel in rels}
    candidates: set[Path] = set()
    for folder in folders:
        path = Path(folder)
        while str(path) not in ("", "."):
            candidates.add(path)
            path = path.parent
    for folder in sorted(candidates, key=lambda p: len(p.parts), reverse=True):
        target = out / folder
        if target.is_dir() and not target.is_symlink():
            try:
                target.rmdir()
            except OSError:
                pass  # not empty: other files still live there


def commit(tmp: Path, out: Path, put: list[str], drop: list[str]) -> None:
    """Move ``put`` (written under ``tmp``) into ``out`` and take ``drop`` out of it, atomically
    in the sense that any failure restores ``out`` as it was. ``put`` must end with the manifest.
    """
    for rel in put + drop:
        check_rel(rel)
    journal = tmp / JOURNAL
    with open(journal, "w", encoding="utf-8") as fh:
        json.dump({"put": put, "drop": drop, "backup": NUMBERED}, fh)
        fh.flush()
        os.fsync(fh.fileno())
    backup = tmp / BACKUP
    backup.mkdir()
    base = out.resolve()
    crash_after = fault_count(os.environ.get(FAULT_ENV), "crash-commit")
    moves = 0

    def moved() -> None:
        nonlocal moves
        moves += 1
        if crash_after is not None and moves >= crash_after:
            os._exit(70)  # test hook: die like a killed process, with no clean-up at all

    try:
        for number, rel in enumerate(drop):
            src = inside(out, rel, base)
            if src.exists():
                os.replace(src, backup / str(number))
                moved()
        for number, rel in enumerate(put, start=len(drop)):
            dst = inside(out, rel, base)
            if dst.exists():
                os.replace(dst, backup / str(number))
                moved()
            _move(tmp / rel, dst)
            moved()
        fsync_dir(out)
    except BaseException:
        rollback_journal(tmp, out)
        raise
    journal.unlink()  # committed: from here on nothing is rolled back
    _prune_empty(out, drop)
    discard(tmp)  # the backups of replaced files and the emptied working folders


def rollback_journal(tmp: Path, out: Path) -> None:
    """Put back every file an unfinished commit moved (idempotent)."""
    try:
        data = json.loads((tmp / JOURNAL).read_text("utf-8"))
        put, drop = list(data["put"]), list(data["drop"])
        numbered = data.get("backup") == NUMBERED
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return
    backup = tmp / BACKUP
    new = set(put)
    for number, rel in enumerate(drop + put):
        check_rel(rel)
        saved = backup / str(number) if numbered else backup / rel  # older journals: by path
        dst = inside(out, rel)
        if saved.exists():
            _move(saved, dst)
        elif rel in new and not (tmp / rel).exists() and dst.exists():
            dst.unlink()  # a new file that had been moved in
    _prune_empty(out, [rel for rel in put if rel != MANIFEST])
    (tmp / JOURNAL).unlink(missing_ok=True)
    fsync_dir(out)
