"""Small questions to a team server while the editor types: one at a time, the newest answered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from digest_desk.store import Store, StoreError
from digest_desk.store.saving import server_away, unless_away
from digest_desk.ui.tasks import Job, run_detached


class NewestAsk(QObject):
    """Asks the store on a thread of its own, never on the UI thread: one question out at a
    time, and only the newest one's answer is delivered (a frozen server holds one thread, not one
    per keystroke). An answer of None (the server away) is not delivered."""

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._out: Job | None = None
        self._next: tuple[Callable[[Any], None], Callable[..., Any], tuple[Any, ...]] | None = None

    def ask(self, on_answer: Callable[[Any], None], fn: Callable[..., Any], *args: Any) -> None:
        """``on_answer(fn(*args))`` on the UI thread, unless a newer ask comes first."""
        self._next = (on_answer, fn, args)
        if self._out is None:
            self._send()

    @property
    def busy(self) -> bool:
        return self._out is not None

    def _send(self) -> None:
        on_answer, fn, args = self._next
        self._next = None
        self._out = run_detached(unless_away, self.store, None, fn, *args, owner=self,
                                 thread_name="digest-desk-editor-ask",
                                 on_done=lambda answer: self._answered(on_answer, answer),
                                 on_error=self._failed)

    def _answered(self, on_answer: Callable[[Any], None], answer: Any) -> None:
        self._out = None
        if self._next is not None:
            self._send()  # a newer question: its answer is the one that counts
        elif answer is not None:
            on_answer(answer)

    def _failed(self, exc: BaseException) -> None:
        self._out = None
        if self._next is not None:
            self._send()
        if not isinstance(exc, StoreError) and not server_away(self.store, exc):
            raise exc
