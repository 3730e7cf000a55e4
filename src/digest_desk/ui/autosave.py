"""Autosave: write edits a moment after typing pauses, on focus change, switch and close.

Every save of the window goes through one queue (``tasks.InOrder``: one save at a time,
in order), each save is conditional on the version the previous one brought back, so the window
never conflicts with itself; typing never waits for the disk or the network. The explicit saves
(Ctrl+S, switching, closing) wait for their outcome, except while the team server is away: then
nothing waits, the text stays in the editor (and in the local draft), and saving resumes by itself.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from PySide6.QtCore import QObject, QTimer, Signal

from digest_desk.domain import Article
from digest_desk.store import ConflictError, Store, StoreError
from digest_desk.store.saving import OFFLINE_MESSAGE, Saved, ServerAwayError, save_edits
from digest_desk.ui.editor import ArticleEditor
from digest_desk.ui.tasks import InOrder, Job

AUTOSAVE_DELAY_MS = 2000
RETRY_FIRST_MS = 500  # the team server went away: try again after this, doubling each time
RETRY_MAX_MS = 4000
# A save the window waits for (Ctrl+S, switching, closing) that the team server has not answered
# after this long counts as the server being away: the window goes on and the save settles later.
SERVER_WAIT_S = 1.5


class SaveState(StrEnum):
    SAVED = "Saved"
    EDITED = "Edited"
    SAVING = "Saving…"
    FAILED = "Not saved"
    OFFLINE = "Offline"


# Called on a version conflict with the error; returns True when the save should be retried.
ConflictHandler = Callable[[ConflictError], bool]


class Autosaver(QObject):
    """Saves the editor's article; a revision on explicit saves and once per autosave session."""

    state_changed = Signal(str)
    saved = Signal(object)  # the stored Article
    failed = Signal(str)
    offline_changed = Signal(bool)  # the team server went away (True) or is back (False)
    conflicted = Signal(object)  # a save met a newer version: the ConflictError (then the dialog)

    def __init__(self, store: Store, editor: ArticleEditor, on_conflict: ConflictHandler,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store, self._editor, self._on_conflict = store, editor, on_conflict
        self._timer = QTimer(self, singleShot=True, interval=AUTOSAVE_DELAY_MS)
        self._timer.timeout.connect(self.save_in_background)
        self._worker = InOrder(self)
        self._dirty = False
        self._edits = 0  # changes so far; a save that started at an older count leaves us dirty
        self._unrevised = False  # autosaves since the last revision
        self._state = SaveState.SAVED
        self._busy = False  # a save is being settled (a conflict dialog may be open)
        self._running: tuple[Job, Article, int, str | None] | None = None  # the save under way
        self._offline = False
        self._retry = QTimer(self, singleShot=True, interval=RETRY_FIRST_MS)
        self._retry.timeout.connect(self.save_in_background)
        editor.edited.connect(self.touch)

    @property
    def state(self) -> SaveState:
        return self._state

    @property
    def dirty(self) -> bool:
        return self._dirty

    @property
    def offline(self) -> bool:
        """The last save found the team server out of reach (a retry is scheduled)."""
        return self._offline

    def set_delay(self, msecs: int) -> None:
        self._timer.setInterval(msecs)

    def touch(self) -> None:
        """Something changed: save when typing has paused."""
        if self._editor.article is None:
            return
        self._dirty = True
        self._edits += 1
        self._set_state(SaveState.OFFLINE if self._offline else SaveState.EDITED)
        self._timer.start()

    # -- saves that do not wait -----------------------------------------------------------
    def save_in_background(self) -> None:
        """Typing paused: start writing pending edits and return at once (no revision)."""
        self._timer.stop()
        if self._busy or self._running is not None or not self._dirty:
            return  # one save at a time: the one under way starts the next when it is done
        if self._editor.article is not None:
            self._start(None)

    def _start(self, reason: str | None) -> Job:
        editor = self._editor
        self._set_state(SaveState.SAVING)
        copy, slug = editor.edited_copy(), editor.wanted_slug()
        job = self._worker.submit(save_edits, self._store, copy, slug=slug, reason=reason,
                                  on_done=lambda _r: self._arrived(), on_error=lambda _e: self._arrived())
        self._running = (job, editor.article, self._edits, reason)
        return job

    def _arrived(self) -> None:
        """A background save finished (delivered on the UI thread)."""
        if self._running is None or self._busy:
            return
        self._busy = True
        try:
            # a save retried after a conflict on a server arrives here in turn (never waited for)
            self._settle(wait=not self._store.is_server)
        finally:
            self._busy = False
        if self._dirty and self._running is None and not self._timer.isActive() and not self._offline:
            self.save_in_background()  # edits made while the save ran (offline: the retry does it)

    # -- saves that wait for their outcome ------------------------------------------------
    def flush(self) -> bool:
        """Save pending edits now, without a revision. True when nothing is left unsaved."""
        return self._save(None, only_if_dirty=True)

    def save_now(self) -> bool:
        """The explicit save (Ctrl+S): write and record a revision."""
        return self._save("save", only_if_dirty=False)

    def end_session(self) -> bool:
        """Leaving the article: save what is pending; record a revision of the autosave session."""
        return self._save("autosave", only_if_dirty=not self._unrevised)

    def reset(self) -> None:
        """A freshly loaded article: nothing pending (a save still under way is waited for)."""
        self._timer.stop()
        if self._running is not None and not self._busy:
            self._busy = True
            try:
                self._settle()
            finally:
                self._busy = False
        self._dirty = self._unrevised = False
        self._set_state(SaveState.SAVED)

    def wait(self, msecs: int = -1) -> bool:
        """Block until the save under way (if any) has been written (closing, tests)."""
        return self._worker.wait(msecs)

    def _save(self, reason: str | None, *, only_if_dirty: bool) -> bool:
        self._timer.stop()
        if self._busy:  # e.g. focus moved to the conflict dialog of this very save
            return False
        if self._offline:  # never wait on a server that is away: try in the background
            if self._dirty:
                self.failed.emit(OFFLINE_MESSAGE)  # the safety net writes the local draft now
            self.save_in_background()
            return not self._dirty
        self._busy = True
        try:
            if self._running is not None and not self._settle():
                return False
            if (only_if_dirty and not self._dirty) or self._editor.article is None:
                return True
            self._start(reason)
            return self._settle()
        finally:
            self._busy = False

    # -- outcomes -------------------------------------------------------------------------
    def _settle(self, *, wait: bool = True) -> bool:
        """Take the outcome of the save under way (waiting for it); retries after a conflict
        that the editor resolved by keeping their text. True when it was written.
        ``wait=False`` (a background save arrived): a retry still under way is left to arrive."""
        while self._running is not None:
            job, article, edits, reason = self._running
            if not wait and not job.done.is_set():
                return False  # its own arrival settles it
            if not job.done.wait(SERVER_WAIT_S if self._store.is_server else None):
                self._went_offline(OFFLINE_MESSAGE)  # a hung link: it is settled when it arrives
                return False
            self._running = None
            try:
                done: Saved = job.take()
            except ConflictError as exc:
                if article is not self._editor.article:
                    return False  # another article is open now: its own saves go on
                self._went_online()
                self.conflicted.emit(exc)
                if self._on_conflict(exc):
                    self._start(reason)
                    continue
                if not self._dirty:  # the stored article was loaded instead (yours kept)
                    return True
                self._set_state(SaveState.FAILED)
                return False
            except ServerAwayError as exc:  # the text stays in the editor and the local draft
                self._went_offline(str(exc))
                return False
            except StoreError as exc:  # disk full, read-only, busy: the text stays in the editor
                self._set_state(SaveState.FAILED)
                self.failed.emit(str(exc))
                return False
            self._went_online()
            self._written(done, article, edits, reason)
        return True

    def server_away(self) -> None:
        """Another read of the window (the lock heartbeat) found the team server away or silent:
        the same Offline state a failed save brings (Ctrl+S stops waiting, saving retries)."""
        if self._store.is_server:
            self._went_offline(OFFLINE_MESSAGE)

    def server_back(self) -> None:
        """The team server answered another read: leave Offline now and save what is pending
        (a save under way settles that by itself)."""
        if not self._offline or self._running is not None or self._busy:
            return
        self._went_online()
        self._set_state(SaveState.EDITED if self._dirty else SaveState.SAVED)
        if self._dirty:
            self.save_in_background()

    def _went_offline(self, message: str) -> None:
        """A save found the server away: say so once, keep the text, try again with backoff."""
        self._set_state(SaveState.OFFLINE)
        if not self._offline:
            self._offline = True
            self._retry.setInterval(RETRY_FIRST_MS)
            self.offline_changed.emit(True)
            self.failed.emit(message)  # the safety net keeps a local draft at once
        else:
            self._retry.setInterval(min(self._retry.interval() * 2, RETRY_MAX_MS))
        self._retry.start()

    def _went_online(self) -> None:
        if self._offline:
            self._offline = False
            self._retry.stop()
            self.offline_changed.emit(False)

    def _written(self, done: Saved, article: Article | None, edits: int, reason: str | None) -> None:
        if done.note:
            self.failed.emit(done.note)
        if article is self._editor.article:
            self._editor.mark_saved(done.article)
            self._dirty = self._edits != edits
            self._unrevised = reason is None
            self._set_state(SaveState.EDITED if self._dirty else SaveState.SAVED)
        self.saved.emit(done.article)

    def _set_state(self, state: SaveState) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state.value)
