"""Writing export files: checked paths, sha256 of what was written, a fault hook for tests."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

from digest_desk.export.safepath import inside

# Test hook: "enospc:N" makes the N-th write of a process fail as if the disk were full.
# Read by the export in the parent process and handed to its workers explicitly.
FAULT_ENV = "DIGEST_DESK_EXPORT_FAULT"


class Writer:
    """Writes files under one root folder and remembers their hashes."""

    def __init__(self, root: Path, fault: str | None = None) -> None:
        self.root = root
        self._made: set[str] = set()
        self._writes = 0
        self._fail_at = _parse_fault(fault)

    def write(self, rel: str, data: bytes) -> str:
        """Write ``data`` to ``rel`` (created with its folders); returns its sha256."""
        target = inside(self.root, rel)
        parent = rel.rpartition("/")[0]
        if parent and parent not in self._made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(parent)
        self._writes += 1
        if self._fail_at is not None and self._writes >= self._fail_at:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        with open(target, "xb") as fh:
            fh.write(data)
        return hashlib.sha256(data).hexdigest()


def _parse_fault(spec: str | None) -> int | None:
    if not spec:
        return None
    kind, _, count = spec.partition(":")
    if kind != "enospc":
        raise ValueError(f"unknown fault {spec!r}")
    return max(1, int(count or "1"))


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
