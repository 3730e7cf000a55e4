"""Editor processes for the team tests: each runs child_team.py and answers one line per command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHILD = Path(__file__).with_name("child_team.py")


class Editor:
    """One child process with its own connection pool (a second workstation)."""

    def __init__(self, db: str | Path, name: str) -> None:
        self.proc = subprocess.Popen([sys.executable, str(CHILD), str(db), name], text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self.read() == "ready"

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def read(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        assert line, f"the editor process ended (exit {self.proc.poll()})"
        return line

    def ask(self, line: str) -> str:
        self.send(line)
        return self.read()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.send("quit")
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def at_once(editors: list[Editor], lines: list[str]) -> list[str]:
    """Send each editor its line together, then collect the answers."""
    for editor, line in zip(editors, lines, strict=True):
        editor.send(line)
    return [editor.read() for editor in editors]
