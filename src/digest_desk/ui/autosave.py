"""Autosave: write edits a moment after typing pauses, on focus change, switch and close."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy.exc import SQLAlchemyError

from digest_desk.domain import Article
from digest_desk.store import ConflictError, DuplicateSlugError, Store, StoreError
from digest_desk.store.articles import save_article
from digest_desk.store.rescue import plain_message
from digest_desk.ui.editor import ArticleEditor

AUTOSAVE_DELAY_MS = 2000


class SaveState(StrEnum):
    SAVED = "Saved"
    EDITED = "Edited"
    SAVING = "Saving…"
    FAILED = "Not saved"


# Called on a version conflict with the error; returns True when the save should be retried.
ConflictHandler = Callable[[ConflictError], bool]


class Autosaver(QObject):
    """Saves the editor's article; a revision on explicit saves and once per autosave session."""

    state_changed = Signal(str)
    saved = Signal(object)  # the stored Article
    failed = Signal(str)

    def __init__(self, store: Store, editor: ArticleEditor, on_conflict: ConflictHandler,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store, self._editor, self._on_conflict = store, editor, on_conflict
        self._timer = QTimer(self, singleShot=True, interval=AUTOSAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        self._dirty = False
        self._unrevised = False  # autosaves since the last revision
        self._state = SaveState.SAVED
        self._busy = False  # a save is under way (a conflict dialog may be open)
        editor.edited.connect(self.touch)

    @property
    def state(self) -> SaveState:
        return self._state

    @property
    def dirty(self) -> bool:
        return self._dirty

    def set_delay(self, msecs: int) -> None:
        self._timer.setInterval(msecs)

    def touch(self) -> None:
        """Something changed: save when typing has paused."""
        if self._editor.article is None:
            return
        self._dirty = True
        self._set_state(SaveState.EDITED)
        self._timer.start()

    def flush(self) -> bool:
        """Save pending edits now, without a revision. True when nothing is left unsaved."""
        self._timer.stop()
        if not self._dirty:
            return True
        return self._save(None)

    def save_now(self) -> bool:
        """The explicit save (Ctrl+S): write and record a revision."""
        self._timer.stop()
        return self._save("save")

    def end_session(self) -> bool:
        """Leaving the article: save what is pending; record a revision of the autosave session."""
        self._timer.stop()
        if not self._dirty and not self._unrevised:
            return True
        return self._save("autosave")

    def reset(self) -> None:
        """A freshly loaded article: nothing pending."""
        self._timer.stop()
        self._dirty = self._unrevised = False
        self._set_state(SaveState.SAVED)

    def _save(self, reason: str | None) -> bool:
        if self._busy:  # e.g. focus moved to the conflict dialog of this very save
            return False
        self._busy = True
        try:
            return self._save_once(reason)
        finally:
            self._busy = False

    def _save_once(self, reason: str | None) -> bool:
        editor = self._editor
        if editor.article is None:
            return True
        self._set_state(SaveState.SAVING)
        try:
            stored = self._write(editor.edited_copy(), editor.wanted_slug(), reason)
        except ConflictError as exc:
            if self._on_conflict(exc):
                return self._save_once(reason)
            if not self._dirty:  # the stored article was loaded instead (yours kept as a revision)
                return True
            self._set_state(SaveState.FAILED)
            return False
        except StoreError as exc:
            self._set_state(SaveState.FAILED)
            self.failed.emit(str(exc))
            return False
        except (SQLAlchemyError, OSError) as exc:  # disk full, read-only file system, I/O error
            self._set_state(SaveState.FAILED)
            self.failed.emit(plain_message(exc, self._store.path))
            return False
        editor.mark_saved(stored)
        self._dirty = False
        self._unrevised = reason is None
        self._set_state(SaveState.SAVED)
        self.saved.emit(stored)
        return True

    def _write(self, copy: Article, slug: str | None, reason: str | None) -> Article:
        if slug == copy.slug:
            slug = None
        try:
            return save_article(self._store, copy, reason=reason, slug=slug, links=copy.links)
        except DuplicateSlugError as exc:  # taken meanwhile: keep the old slug, save the rest
            self.failed.emit(str(exc))
            return save_article(self._store, copy, reason=reason, links=copy.links)

    def _set_state(self, state: SaveState) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state.value)
