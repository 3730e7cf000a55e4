"""Private files stay private: our folders 0700, databases, backups and recovery files 0600."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: Path) -> Path:
    """Create ``path`` (and missing parents) and make it ours alone: one of our own folders."""
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # a folder we may not change (shared, read-only) stays
        os.chmod(path, FOLDER_MODE)
    return path


def parent_folder(path: Path) -> None:
    """Create the folder ``path`` lives in, private when we create it; an existing one is left."""
    if not path.parent.exists():
        private_folder(path.parent)


def new_private_file(path: Path) -> None:
    """Create ``path`` empty and 0600 (before SQLite opens it, so its WAL and SHM follow)."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, FILE_MODE)
    os.close(fd)


def make_private(path: Path) -> None:
    """Readable and writable by the owner only (when the file exists and is ours to change)."""
    with contextlib.suppress(OSError):
        os.chmod(path, FILE_MODE)
