"""Reading a file someone sent us: regular files only, size checked before reading, reads capped."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO


class UnsafeFileError(OSError):
    """A file that is refused before any of it is read; ``str()`` is a one-line reason."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "refused"


def _megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB"


def read_capped(path: Path, limit: int) -> bytes:
    """The bytes of ``path`` when it is a regular file of at most ``limit`` bytes.

    FIFOs, devices and sockets are refused without blocking (opened non-blocking, checked with
    ``fstat`` on the open descriptor so a swap between check and read changes nothing); the size is
    checked before reading and the read stops one byte past the limit whatever ``stat`` said.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise UnsafeFileError(f"cannot be read ({exc.strerror or exc})") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFileError("is not a regular file (a device, pipe or socket is never read)")
        if info.st_size > limit:
            raise UnsafeFileError(f"is larger than {_megabytes(limit)}")
        chunks, left = [], limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
    except UnsafeFileError:
        raise
    except OSError as exc:
        raise UnsafeFileError(f"cannot be read ({exc.strerror or exc})") from exc
    finally:
        os.close(fd)
    if len(data) > limit:
        raise UnsafeFileError(f"is larger than {_megabytes(limit)}")
    return data


def open_capped(path: Path) -> BinaryIO:
    """``path`` opened for streaming when it is a regular file (never a device, pipe or socket)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise UnsafeFileError(f"cannot be read ({exc.strerror or exc})") from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UnsafeFileError("is not a regular file (a device, pipe or socket is never read)")
    return os.fdopen(fd, "rb")


def inside(path: Path, roots: list[Path]) -> Path | None:
    """``path`` with every symlink resolved, when it lies inside one of ``roots``; else None."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    for root in roots:
        try:
            if real.is_relative_to(root.resolve()):
                return real
        except (OSError, RuntimeError):
            continue
    return None
