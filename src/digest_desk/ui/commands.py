"""Undoable edits: metadata fields, revision restores and article deletion, as QUndoCommands."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any, Protocol

from PySide6.QtGui import QUndoCommand
from sqlmodel import select

from digest_desk.domain import Revision
from digest_desk.store import Store
from digest_desk.store.articles import create_article, delete_article

_sequence = itertools.count(1)
FIELD_IDS = {
    name: 1000 + i
    for i, name in enumerate(
        ("title", "slug", "summary", "author", "category", "tags", "status", "published_at",
         "image_id", "image_alt")
    )
}


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


def _revision_rows(store: Store, article_id: int) -> list[dict[str, Any]]:
    with store.read() as session:
        rows = session.exec(select(Revision).where(Revision.article_id == article_id)
                            .order_by(Revision.id)).all()
        return [{"version": r.version, "reason": r.reason, "created_at": r.created_at,
                 "data": r.data} for r in rows]


def _fields_from_snapshot(data: dict[str, Any]) -> dict[str, Any]:
    fields = {k: data[k] for k in ("summary", "body", "author", "category", "tags", "status",
                                   "image_id", "image_alt") if k in data}
    if data.get("published_at"):
        fields["published_at"] = datetime.fromisoformat(data["published_at"])
    return fields


class DeleteArticleCommand(QUndoCommand):
    """Delete an article; undo writes it back with its slug, links and revision history."""

    def __init__(self, store: Store, article_id: int, title: str, on_change) -> None:
        super().__init__(f"Delete “{title}”")
        self.store, self.article_id, self.on_change = store, article_id, on_change
        self.snapshot: dict[str, Any] = {}
        self.history: list[dict[str, Any]] = []
        self.seq = stamp()

    def redo(self) -> None:
        self.history = _revision_rows(self.store, self.article_id)
        self.snapshot = delete_article(self.store, self.article_id)
        self.on_change(None)

    def undo(self) -> None:
        data = self.snapshot
        article = create_article(self.store, title=data["title"], slug=data["slug"],
                                 links=data.get("links") or None, reason=None,
                                 **_fields_from_snapshot(data))
        with self.store.write() as session:
            for row in self.history:
                session.add(Revision(article_id=article.id, **row))
        self.article_id = article.id
        self.on_change(article.id)
