"""Undoable edits: metadata fields, revision restores and article deletion, as QUndoCommands."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtGui import QUndoCommand

from digest_desk.domain import EDITABLE_FIELDS
from digest_desk.store import Store
from digest_desk.store.articles import delete_article
from digest_desk.store.revisions import restore_deleted, revision_history

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


class DeleteArticleCommand(QUndoCommand):
    """Delete an article; undo writes it back with its slug, links and revision history.

    ``on_change(article_id, exists)`` hears of each deletion (False) and each restore (True)."""

    def __init__(self, store: Store, article_id: int, title: str,
                 on_change: Callable[[int, bool], None]) -> None:
        super().__init__(f"Delete “{title}”")
        self.store, self.article_id, self.on_change = store, article_id, on_change
        self.snapshot: dict[str, Any] = {}
        self.history: list[dict[str, Any]] = []
        self.seq = stamp()

    def redo(self) -> None:
        self.history = revision_history(self.store, self.article_id)
        self.snapshot = delete_article(self.store, self.article_id)
        self.on_change(self.article_id, False)

    def undo(self) -> None:
        article = restore_deleted(self.store, self.snapshot, self.history)
        self.article_id = article.id
        self.on_change(article.id, True)
