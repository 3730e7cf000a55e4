"""The archive parsed ahead while the window is open, so the next export finds its bodies ready.

A while after the window starts (and then every so often), idle worker processes parse the
bodies the fragment cache lacks (export/warm.py): at first the newest published articles, later
only those the change log stamped since the last finished run, whoever wrote them (a colleague
on the team server, an import, the command line). The run's mark is remembered per store in the
settings (a hash of the store's address names it: no address or password is written).
"""

from __future__ import annotations

import hashlib
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, QTimer

from digest_desk.ui.tasks import Job, run_detached

if TYPE_CHECKING:
    from digest_desk.store.changelog import Mark
    from digest_desk.store.engine import Store

FIRST_AFTER_MS = 20_000  # after the start's own work (previews, spelling, the list) has settled
AGAIN_EVERY_MS = 10 * 60_000  # what colleagues wrote meanwhile


def settings_key(store: Store) -> str:
    return "render-ahead/" + hashlib.sha256(store.target.encode()).hexdigest()[:16]


class ArchiveRenderAhead(QObject):
    """Runs ``render_archive_ahead`` on a detached thread now and then; ``stop`` drops the rest."""

    def __init__(self, store: Store, settings: QSettings, parent: QObject | None = None,
                 first_after_ms: int = FIRST_AFTER_MS) -> None:
        super().__init__(parent)
        self.store, self.settings = store, settings
        self._cancel = threading.Event()
        self._job: Job | None = None
        self.runs = 0  # finished runs (the status of the last one is in the settings)
        self._timer = QTimer(self, singleShot=True, interval=first_after_ms)
        self._timer.timeout.connect(self.run)

    def start(self) -> None:
        self._timer.start()

    def run(self) -> None:
        if self._job is not None or self._cancel.is_set():
            return
        from digest_desk.export.warm import render_archive_ahead  # the renderer: only when it runs

        self._job = run_detached(render_archive_ahead, self.store, self.done_mark(), self._cancel,
                                 on_done=self._finished, on_error=self._failed, owner=self,
                                 thread_name="digest-desk-archive-ahead")

    def done_mark(self) -> Mark | None:
        from digest_desk.store.changelog import Mark  # loaded with the store's export side

        value = self.settings.value(settings_key(self.store))
        parts = str(value).split(" ") if value else []
        if len(parts) != 3 or not parts[1].isdigit():
            return None
        return Mark(parts[0], int(parts[1]), parts[2])

    def _finished(self, mark: Mark | None) -> None:
        self._job = None
        self.runs += 1
        if mark is not None and not self._cancel.is_set():
            self.settings.setValue(settings_key(self.store), f"{mark.identity} {mark.since} {mark.engine}")
        self._again()

    def _failed(self, _exc: BaseException) -> None:
        self._job = None  # rendering ahead never troubles the editor: the export parses what is missing
        self._again()

    def _again(self) -> None:
        if not self._cancel.is_set():
            self._timer.start(AGAIN_EVERY_MS)

    def stop(self) -> None:
        """The window closes: no new run, and a running one stops after its current batches."""
        self._cancel.set()
        self._timer.stop()
