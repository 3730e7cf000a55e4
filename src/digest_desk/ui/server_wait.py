"""Wait for a team server's answer with the window's events flowing, saying so when it is late."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QTimer, SignalInstance

from digest_desk.store import Store, StoreError
from digest_desk.store.saving import server_away
from digest_desk.ui.tasks import run_detached

# A read or write the team server has not answered by then: the window says it is not answering
# (the same patience as opening an article, main_window.OPEN_PATIENCE_MS).
PATIENCE_MS = 1500


class Unanswered(StoreError):
    """The wait was given up (a dialog closed, the window closes) before the server answered."""


class Unreachable(StoreError):
    """The team server could not be reached during the call: a write may or may not have landed."""


class ServerWaits(QObject):
    """Runs a store call on a thread of its own and waits for it in a local event loop: the UI
    thread keeps painting, typing and ticking while a silent server holds only that thread.
    ``late(note)`` is called once the call has taken PATIENCE_MS; ``cancel_all`` ends every
    wait (closing), which then raises Unanswered."""

    def __init__(self, late: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._late = late
        self._loops: list[QEventLoop] = []
        self._cancelled = False

    def call(self, note: str, fn: Callable[..., Any], *args: Any,
             give_up: SignalInstance | None = None, **kwargs: Any) -> Any:
        """``fn(*args, **kwargs)``'s result, or its exception raised here. ``note`` goes to
        ``late`` when the server is slow; ``give_up`` (a signal, e.g. a dialog's ``rejected``)
        ends the wait early with Unanswered."""
        if self._cancelled:
            raise Unanswered
        outcome: dict[str, Any] = {}
        loop = QEventLoop()

        def settle(key: str, value: Any) -> None:
            outcome[key] = value
            loop.quit()

        job = run_detached(fn, *args, owner=self, thread_name="digest-desk-server-wait",
                           on_done=lambda result: settle("result", result),
                           on_error=lambda exc: settle("error", exc), **kwargs)
        if job.done.wait(0.05):  # a server that answers at once costs no local loop
            job.taken = True  # taken here, not delivered later
            if job.error is not None:
                raise job.error
            return job.result
        quit_early = (lambda *_a: settle("gave_up", True)) if give_up is not None else None
        if give_up is not None:
            give_up.connect(quit_early)
        try:
            self._wait(loop, outcome, note)
        finally:
            if give_up is not None:
                give_up.disconnect(quit_early)
        if not outcome or "gave_up" in outcome:  # the answer is dropped when it comes
            job.cancel()
            raise Unanswered
        if "error" in outcome:
            raise outcome["error"]
        return outcome["result"]

    def _wait(self, loop: QEventLoop, outcome: dict[str, Any], note: str) -> None:
        said: list[str] = []
        patience = QTimer(self, singleShot=True, interval=PATIENCE_MS)
        patience.timeout.connect(lambda: (said.append(note), self._late(note)))
        patience.start()
        self._loops.append(loop)
        try:
            while not outcome and not self._cancelled:
                loop.exec()
        finally:
            self._loops.remove(loop)
            patience.stop()
            patience.deleteLater()
            if said and not self._cancelled:
                self._late("")  # answered (or given up): the note no longer holds

    def store_call(self, store: Store, note: str, fn: Callable[..., Any], *args: Any,
                   give_up: SignalInstance | None = None, **kwargs: Any) -> Any:
        """A window action's ``fn(*args, **kwargs)``: at once on a local file; on a team server
        through ``call``, and a server out of reach raised as a StoreError that says so."""
        if not store.is_server:
            return fn(*args, **kwargs)
        try:
            return self.call(note, fn, *args, give_up=give_up, **kwargs)
        except StoreError:
            raise
        except Exception as exc:
            if server_away(store, exc):
                raise Unreachable(self.tr("The team server cannot be reached; try again in a "
                                          "moment.")) from exc
            raise

    @property
    def cancelled(self) -> bool:
        """``cancel_all`` was called: the window is closing."""
        return self._cancelled

    @property
    def waiting(self) -> bool:
        return bool(self._loops)

    def busy(self) -> str | None:
        """What to tell an editor whose change is refused because an earlier one still waits
        for the server (one write at a time); None when nothing waits."""
        if not self._loops:
            return None
        return self.tr("The team server has not answered the last change yet; try again when it has.")

    def cancel_all(self) -> None:
        """Give up every wait (the window closes): each raises Unanswered."""
        self._cancelled = True
        for loop in list(self._loops):
            loop.quit()
