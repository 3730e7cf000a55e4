"""Every path the export writes is relative, plain and checked to stay inside its root."""

from __future__ import annotations

import os
import re
from pathlib import Path

from digest_desk.export.errors import UnsafePathError

# One path part: letters, digits, dot, dash, underscore; not starting with a dot except our manifest
# and the change-log mark beside it.
_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,120}")
_SPECIAL = {".digest-desk-manifest.sqlite3", ".digest-desk-manifest.json", ".digest-desk-changes.json"}  # folders.MANIFEST,
# OLD_MANIFEST, manifest.CHANGES


def check_rel(rel: str) -> str:
    """Return ``rel`` when it is a plain relative POSIX path of safe parts, else raise."""
    if not rel or rel[0] == "/" or "\\" in rel:
        raise UnsafePathError(f"Refusing to write “{rel}”: not a plain relative path.")
    for part in rel.split("/"):
        if not (_PART.fullmatch(part) or part in _SPECIAL) or part.strip(".") == "":
            raise UnsafePathError(f"Refusing to write “{rel}”: the part “{part}” is not allowed.")
    return rel


def inside(root: Path, rel: str, base: Path | None = None) -> Path:
    """The absolute path of ``rel`` under ``root``, refusing escapes and symbolic links.

    Every existing component between ``root`` and the target is checked with ``lstat`` so a
    symbolic link planted in the output folder cannot redirect a write elsewhere. ``base``:
    ``root.resolve()``, when the caller already has it (a commit checks thousands of paths).
    """
    check_rel(rel)
    base = base or root.resolve()
    parts = rel.split("/")
    current = str(base)
    for part in parts:
        current = f"{current}/{part}"
        if os.path.islink(current):
            raise UnsafePathError(f"Refusing to write through the symbolic link “{current}”.")
    target = base.joinpath(*parts)
    resolved = Path(os.path.normpath(target))
    if resolved != base and base not in resolved.parents:
        raise UnsafePathError(f"Refusing to write “{rel}”: it lies outside {base}.")
    return target


def top_level_symlink(root: Path) -> Path | None:
    """A symbolic link directly inside ``root`` (cheap: one directory scan, no stat calls)."""
    with os.scandir(root) as entries:
        for entry in entries:
            if entry.is_symlink():
                return Path(entry.path)
    return None
