"""A program in a process of its own, told to go on once the PostgreSQL cluster it uses froze."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.pg_server import Cluster


@dataclass
class Ended:
    said: str  # its standard output
    errors: str
    returncode: int | None
    seconds: float | None  # from "go" to its end while frozen; None: it had not ended by then


def run_while_frozen(cluster: Cluster, args: Sequence[str], *, ready: str, timeout: float,
                     env: Mapping[str, str] | None = None, cwd: Path | None = None,
                     while_frozen: Callable[[], None] | None = None) -> Ended:
    """Start ``args``; when it prints the line ``ready``, freeze ``cluster``, write "go" to it
    and wait ``timeout`` seconds for it to end. ``while_frozen`` then runs (the server still
    frozen); the server is thawed, and a program still running gets a minute to end (then it is
    killed). The run never hangs: a program that never gets ready is killed after two minutes."""
    proc = subprocess.Popen(list(args), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=dict(env) if env is not None else None, cwd=cwd)
    backstop = threading.Timer(120, proc.kill)
    backstop.start()
    rescue = None
    said = errors = ""
    seconds = None
    try:
        assert proc.stdout is not None and proc.stdin is not None
        first = proc.stdout.readline().strip()
        assert first == ready, f"the program said {first!r}: {proc.stderr.read()[-3000:] if proc.stderr else ''}"
        rescue = cluster.freeze_for_at_most(60)
        started = time.monotonic()
        proc.stdin.write("go\n")
        proc.stdin.flush()
        try:
            said, errors = proc.communicate(timeout=timeout)
            seconds = time.monotonic() - started
        except subprocess.TimeoutExpired:
            pass
        if while_frozen is not None:
            while_frozen()
    finally:
        backstop.cancel()
        if rescue is not None:
            rescue.cancel()
        cluster.thaw()
        if proc.poll() is None or seconds is None:
            try:
                said, errors = proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
    return Ended(said, errors, proc.returncode, seconds)
