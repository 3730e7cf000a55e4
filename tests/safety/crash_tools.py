"""Shared pieces of the process-level safety tests: starting children, reading their lines, checks."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent.parent / "src"


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTHONUNBUFFERED"] = "1"
    return env


@dataclass
class Child:
    """A child process whose stdout lines are collected, each stamped with the time it arrived."""

    argv: list[str]
    proc: subprocess.Popen | None = None
    lines: list[str] = field(default_factory=list)
    ready_at: float | None = None
    typing_at: float | None = None
    _reader: threading.Thread | None = None
    _ready: threading.Event = field(default_factory=threading.Event)
    _typing: threading.Event = field(default_factory=threading.Event)

    def start(self, **popen) -> Child:
        self.proc = subprocess.Popen(
            [sys.executable, *self.argv], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True, env=child_env(), **popen,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        return self

    def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            if line == "ready":
                self.ready_at = time.time()
                self._ready.set()
            elif line == "typing":
                self.typing_at = time.time()
                self._typing.set()
            self.lines.append(line)
        self._ready.set()
        self._typing.set()

    def wait_ready(self, timeout: float = 60.0) -> None:
        if not self._ready.wait(timeout) or self.ready_at is None:
            err = self.proc.stderr.read() if self.proc and self.proc.poll() is not None else ""
            raise AssertionError(f"child did not start: {err[-2000:]}")

    def go(self, timeout: float = 60.0) -> float:
        """Tell a ready child to start; returns when it started typing."""
        self.wait_ready(timeout)
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        if not self._typing.wait(timeout) or self.typing_at is None:
            raise AssertionError("child did not start typing")
        return self.typing_at

    def say(self, line: str) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def finish(self, timeout: float = 120.0) -> tuple[int, str]:
        assert self.proc is not None
        code = self.proc.wait(timeout)
        if self._reader is not None:
            self._reader.join(10)
        return code, self.proc.stderr.read() if self.proc.stderr else ""


def integrity(path: Path) -> str:
    """integrity_check through a normal connection (which first replays any WAL left by a crash)."""
    con = sqlite3.connect(path)
    try:
        return "; ".join(r[0] for r in con.execute("PRAGMA integrity_check"))
    finally:
        con.close()


def fill(folder: Path, leave: int = 0) -> Path:
    """Fill the file system holding ``folder`` until fewer than ``leave`` bytes remain."""
    filler = folder / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        for size in (1 << 20, 4096, 512, 1):
            try:
                while os.write(fd, b"\0" * size) == size:
                    pass
            except OSError:
                continue
    finally:
        os.close(fd)
    if leave:
        size = filler.stat().st_size
        os.truncate(filler, max(0, size - leave))
    return filler


def remount_read_only(folder: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
