"""Every path the export writes is relative, plain and checked to stay inside its root."""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

from digest_desk.export.errors import UnsafePathError

# One path part: letters, digits, dot, dash, underscore; not starting with a dot except our manifest.
_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,120}$")
_SPECIAL = {".digest-desk-manifest.json"}


def check_rel(rel: str) -> str:
    """Return ``rel`` when it is a plain relative POSIX path of safe parts, else raise."""
    pure = PurePosixPath(rel)
    if not rel or pure.is_absolute() or "\\" in rel or str(pure) != rel:
        raise UnsafePathError(f"Refusing to write “{rel}”: not a plain relative path.")
    for part in pure.parts:
        if part in (".", "..") or not (_PART.match(part) or part in _SPECIAL):
            raise UnsafePathError(f"Refusing to write “{rel}”: the part “{part}” is not allowed.")
    return rel


def inside(root: Path, rel: str) -> Path:
    """The absolute path of ``rel`` under ``root``, refusing escapes and symbolic links.

    Every existing component between ``root`` and the target is checked with ``lstat`` so a
    symbolic link planted in the output folder cannot redirect a write elsewhere.
    """
    check_rel(rel)
    base = root.resolve()
    target = base.joinpath(*PurePosixPath(rel).parts)
    current = base
    for part in PurePosixPath(rel).parts:
        current = current / part
        if current.is_symlink():
            raise UnsafePathError(f"Refusing to write through the symbolic link “{current}”.")
    resolved = Path(os.path.normpath(target))
    if resolved != base and base not in resolved.parents:
        raise UnsafePathError(f"Refusing to write “{rel}”: it lies outside {base}.")
    return target


def find_symlinks(root: Path, limit: int = 5) -> list[Path]:
    """Symbolic links anywhere under ``root`` (the export never follows or keeps them)."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            if path.is_symlink():
                found.append(path)
                if len(found) >= limit:
                    return found
    return found
