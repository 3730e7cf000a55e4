"""Undoable edits: metadata fields, revision restores and article deletion, as QUndoCommands."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand, QUndoStack

from digest_desk.domain import EDITABLE_FIELDS
from digest_desk.store import Store, StoreError
from digest_desk.store.articles import delete_article
from digest_desk.store.revisions import restore_deleted, revision_history
from digest_desk.ui.server_wait import ServerWaits, Unanswered, Unreachable

_sequence = itertools.count(1)
# Merge ids of the metadata fields (the body has its own undo history in the text document).
FIELD_IDS = {name: 1000 + i for i, name in enumerate(n for n in EDITABLE_FIELDS if n != "body")}


def stamp() -> int:
    """A number that grows with every command, so Edit > Undo can pick the newest one."""
    return next(_sequence)


class FieldTarget(Protocol):
    def apply_field(self, name: str, value: Any) -> None: ...
    def apply_snapshot(self, data: dict[str, Any]) -> None: ...


class SetFieldCommand(QUndoCommand):
    """One metadata field changed; consecutive changes of the same field merge into one step."""

    def __init__(self, target: FieldTarget, name: str, label: str, old: Any, new: Any) -> None:
        super().__init__(f"Change {label}")
        self.target, self.name, self.old, self.new = target, name, old, new
        self.seq = stamp()

    def id(self) -> int:
        return FIELD_IDS.get(self.name, -1)

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetFieldCommand) or other.target is not self.target:
            return False
        if other.name != self.name:
            return False
        self.new, self.seq = other.new, other.seq
        return True

    def redo(self) -> None:
        self.target.apply_field(self.name, self.new)

    def undo(self) -> None:
        self.target.apply_field(self.name, self.old)


class RestoreRevisionCommand(QUndoCommand):
    """Put an earlier revision's text and metadata back (undo returns to what was there)."""

    def __init__(self, target: FieldTarget, before: dict[str, Any], after: dict[str, Any],
                 version: int) -> None:
        super().__init__(f"Restore revision {version}")
        self.target, self.before, self.after = target, before, after
        self.seq = stamp()

    def redo(self) -> None:
        self.target.apply_snapshot(self.after)

    def undo(self) -> None:
        self.target.apply_snapshot(self.before)


def _tr(text: str) -> str:
    return QCoreApplication.translate("StoreStep", text)


class StepHost(Protocol):
    """What a store step needs from the part that made it: the window's server waits, a way to
    tell the editor, and a re-read of what the window shows (after a write of unknown outcome)."""

    waits: ServerWaits

    def say(self, text: str) -> None: ...
    def reread(self) -> None: ...
    def pause(self, ids: list[int]) -> Callable[[], None]: ...


class EditorLike(Protocol):
    """The editor as a pause sees it (ui/editor.py's ArticleEditor)."""

    article: Any

    @property
    def editable(self) -> bool: ...
    def set_editable(self, editable: bool) -> None: ...


def pause_editing(editor: EditorLike, ids: list[int]) -> Callable[[], None]:
    """Stop typing into the open article while a write to it (of ``ids``) waits for the store;
    the returned call resumes. Keys typed meanwhile would be lost: the write reloads the
    article afterwards, or deletes it."""
    article = editor.article
    if article is None or article.id not in ids or not editor.editable:
        return lambda: None
    editor.set_editable(False)

    def resume() -> None:
        if editor.article is article:
            editor.set_editable(True)

    return resume


class StoreStep(QUndoCommand):
    """A library undo step that writes to the store (many articles, a deleted article).

    The write comes before the stack moves: ``write`` runs it through ServerWaits (on a team
    server on a thread of its own while the window goes on painting and taking keys), and only a
    finished write lets ``step`` (or the first push) move the stack, whose ``redo``/``undo`` then
    show what was written. A write that fails or is given up leaves the step where it was, so a
    write is never recorded as done when it was not, and never sent twice for one request."""

    def __init__(self, label: str, store: Store, host: StepHost) -> None:
        super().__init__(label)
        self.store, self.host = store, host
        self._written: tuple[bool, Any] | None = None  # (redo?, outcome) not shown yet
        self.seq = stamp()

    def touches(self) -> list[int]:
        """The articles the step writes (the open one among them takes no keys meanwhile)."""
        raise NotImplementedError

    def write_redo(self) -> Any:
        """Worker side: the step's write; returns what ``show`` needs."""
        raise NotImplementedError

    def write_undo(self) -> Any:
        raise NotImplementedError

    def show(self, redo: bool, outcome: Any) -> None:
        """UI side: take in a finished write and announce it."""
        raise NotImplementedError

    def write(self, redo: bool) -> bool:
        """Write this step's redo (or undo); True when done. Only one write waits at a time."""
        waits = self.host.waits
        if busy := waits.busy():
            self.host.say(busy)
            return False
        note = _tr("The team server is not answering; this is done when it does.")
        resume = self.host.pause(self.touches())
        try:
            outcome = waits.store_call(self.store, note, self.write_redo if redo else self.write_undo)
        except Unanswered:  # the window closes
            return False
        except Unreachable:
            self.host.say((_tr("The team server could not be reached (%1): it may or may not have "
                               "been done. The list is read again to show which.") if redo else
                           _tr("The team server could not be reached (undo %1): it may or may not "
                               "have been undone. The list is read again to show which."))
                          .replace("%1", self.text()))
            self.host.reread()
            return False
        except StoreError as exc:
            self.host.say((_tr("Not done (%1): %2") if redo else _tr("Not undone (%1): %2"))
                          .replace("%1", self.text()).replace("%2", str(exc)))
            return False
        finally:
            resume()
        self._written = (redo, outcome)
        return True

    def redo(self) -> None:
        self._move(True)

    def undo(self) -> None:
        self._move(False)

    def _move(self, redo: bool) -> None:
        if (self._written is None or self._written[0] != redo) and not self.write(redo):
            return  # moved by the stack without ``step``: written here (a failure says so)
        outcome = self._written[1] if self._written is not None else None
        self._written = None
        self.show(redo, outcome)


def step(stack: QUndoStack, redo: bool) -> None:
    """Undo (or redo) ``stack``'s next step; a step that writes to the store writes first and
    the stack moves only once that write is done."""
    command = stack.command(stack.index() if redo else stack.index() - 1)
    if isinstance(command, StoreStep) and not command.write(redo):
        return
    if redo:
        stack.redo()
    else:
        stack.undo()


def _delete_with_history(store: Store, article_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    history = revision_history(store, article_id)
    return delete_article(store, article_id), history


class DeleteArticleCommand(StoreStep):
    """Delete an article; undo writes it back with its slug, links and revision history.

    ``on_change(article_id, exists)`` hears of each deletion (False) and each restore (True)."""

    def __init__(self, store: Store, host: StepHost, article_id: int, title: str,
                 on_change: Callable[[int, bool], None]) -> None:
        super().__init__(f"Delete “{title}”", store, host)
        self.article_id, self.on_change = article_id, on_change
        self.snapshot: dict[str, Any] = {}
        self.history: list[dict[str, Any]] = []

    def touches(self) -> list[int]:
        return [self.article_id]

    def write_redo(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        return _delete_with_history(self.store, self.article_id)

    def write_undo(self) -> int:
        return restore_deleted(self.store, self.snapshot, self.history).id

    def show(self, redo: bool, outcome: Any) -> None:
        if redo:
            self.snapshot, self.history = outcome
            self.on_change(self.article_id, False)
        else:
            self.article_id = outcome
            self.on_change(outcome, True)
