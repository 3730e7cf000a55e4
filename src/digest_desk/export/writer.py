"""Writing export files: checked paths, sha256 of what was written, a fault hook for tests."""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

from digest_desk.export.errors import UnsafePathError
from digest_desk.export.safepath import check_rel

# Test hook, never set in normal use: "enospc:N" makes the N-th write of a process fail as if
# the disk were full; "crash-commit:N" ends the process abruptly after N renames of a commit.
# Read by the export in the parent process and handed to its workers explicitly.
FAULT_ENV = "DIGEST_DESK_EXPORT_FAULT"


class Writer:
    """Writes new files into a folder the export just created (so no link can be inside it).

    Paths are checked as text (plain relative parts, no ``..``); files are created exclusively
    and never through a symbolic link.
    """

    def __init__(self, root: Path, fault: str | None = None, known: Mapping[str, str] | None = None) -> None:
        self.root = str(root)
        self.known = known or {}  # files of the previous export: equal bytes are not written again
        self.written: list[str] = []
        self._made: set[str] = set()
        self._writes = 0
        self._fail_at = _parse_fault(fault)

    def write(self, rel: str, data: bytes, sha: str | None = None) -> str:
        """Write ``data`` to ``rel`` unless the previous export holds the same bytes there.

        Returns the sha256 of ``data`` (``sha`` when the caller knows it already: a page from
        the page cache); ``written`` lists the paths actually written.
        """
        check_rel(rel)
        sha = sha or hashlib.sha256(data).hexdigest()
        if self.known.get(rel) == sha:
            return sha
        target = os.path.join(self.root, rel)
        parent = rel.rpartition("/")[0]
        if parent and parent not in self._made:
            self._make_dirs(parent)
        self._writes += 1
        if self._fail_at is not None and self._writes >= self._fail_at:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), target)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
        try:  # plain os.write: a file object would add fstat, ioctl and lseek calls per file
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        self.written.append(rel)
        return sha


    def _make_dirs(self, parent: str) -> None:
        """Create ``parent`` part by part, refusing any part that is a symbolic link."""
        path = self.root
        done = ""
        for part in parent.split("/"):
            done = f"{done}/{part}" if done else part
            path = os.path.join(path, part)
            if done in self._made:
                continue
            try:
                os.mkdir(path)
            except FileExistsError:
                if os.path.islink(path) or not os.path.isdir(path):
                    raise UnsafePathError(f"Refusing to write through “{path}”: it is a symbolic link or a file.") from None
            self._made.add(done)


def fault_count(spec: str | None, kind: str) -> int | None:
    """N of a fault spec "kind:N" when it names ``kind``, else None."""
    if not spec:
        return None
    name, _, count = spec.partition(":")
    if name not in ("enospc", "crash-commit"):
        raise ValueError(f"unknown fault {spec!r}")
    return max(1, int(count or "1")) if name == kind else None


def _parse_fault(spec: str | None) -> int | None:
    return fault_count(spec, "enospc")
