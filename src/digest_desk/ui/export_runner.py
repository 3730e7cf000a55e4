"""Exports run as the command-line tool in a child process: never blocking, always cancellable."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, Signal


class ExportRunner(QObject):
    """Runs ``digest-desk --db DB export OUTDIR [--article SLUG]`` and reports how it ended."""

    finished = Signal(bool, str)  # ok, message

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db_path
        self._process: QProcess | None = None

    @property
    def running(self) -> bool:
        return self._process is not None

    def start(self, out_dir: str, slugs: list[str] | None = None) -> None:
        if self._process is not None:
            return
        args = ["-m", "digest_desk", "--db", str(self._db), "export", out_dir]
        for slug in slugs or []:
            args += ["--article", slug]
        process = QProcess(self)
        env = QProcessEnvironment.systemEnvironment()
        src = str(Path(__file__).resolve().parents[2])
        env.insert("PYTHONPATH", os.pathsep.join(p for p in (src, env.value("PYTHONPATH")) if p))
        process.setProcessEnvironment(env)
        process.finished.connect(self._done)
        process.errorOccurred.connect(self._error)
        self._process = process
        process.start(sys.executable, args)

    def cancel(self) -> None:
        if self._process is not None:
            self._process.kill()

    def _done(self, code: int, status: QProcess.ExitStatus) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        out = bytes(process.readAllStandardOutput()).decode(errors="replace").strip()
        err = bytes(process.readAllStandardError()).decode(errors="replace").strip()
        if status == QProcess.ExitStatus.CrashExit:
            self.finished.emit(False, "The export was cancelled.")
        elif code == 0:
            self.finished.emit(True, out or "Export finished.")
        else:
            self.finished.emit(False, err or out or f"The export failed (exit status {code}).")
        process.deleteLater()

    def _error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and self._process is not None:
            self._process = None
            self.finished.emit(False, "The export could not start.")
