"""Undoable edits of an article's links: each command swaps the whole (small) link list."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from digest_desk.links.edits import (
    CHECK_FIELDS,
    LinkData,
    inserted,
    link_dict,
    moved,
    removed,
    replaced,
)
from digest_desk.ui.commands import stamp


class LinkDocument(QObject):
    """The links of one article as being edited; ``changed`` carries a copy of the new list."""

    changed = Signal(list)
    refreshed = Signal()  # shown data replaced without an edit (check results, a reload)

    def __init__(self, article_id: int | None, links: Iterable[Any] = (), parent: QObject | None = None):
        super().__init__(parent)
        self.article_id = article_id
        self._links: list[LinkData] = [link_dict(link) for link in links]

    def links(self) -> list[LinkData]:
        return [dict(link) for link in self._links]

    def count(self) -> int:
        return len(self._links)

    def set_links(self, links: Sequence[LinkData]) -> None:
        self._links = [dict(link) for link in links]
        self.changed.emit(self.links())

    def reset(self, links: Iterable[Any]) -> None:
        """Take the links as stored (an article loaded again); not an edit, nothing to save."""
        self._links = [link_dict(link) for link in links]
        self.refreshed.emit()

    def apply_checks(self, results: Mapping[str, Mapping[str, Any]]) -> None:
        """Show fresh check results (by URL) without making an edit: nothing to undo or save."""
        for link in self._links:
            found = results.get(link.get("url", "").strip())
            if found:
                link.update({name: found.get(name) for name in CHECK_FIELDS})
        self.refreshed.emit()


class LinkListCommand(QUndoCommand):
    """Replace a document's links with ``after``; undo puts ``before`` back."""

    def __init__(self, document: LinkDocument, after: Sequence[LinkData], text: str) -> None:
        super().__init__(text)
        self.seq = stamp()  # lets Edit > Undo pick the newest step across the window's stacks
        self._document = document
        self._before = document.links()
        self._after = [dict(link) for link in after]

    def redo(self) -> None:
        self._document.set_links(self._after)

    def undo(self) -> None:
        self._document.set_links(self._before)


def add_links(document: LinkDocument, index: int, new: Sequence[Mapping[str, Any]]) -> LinkListCommand:
    text = "Add link" if len(new) == 1 else f"Add {len(new)} links"
    return LinkListCommand(document, inserted(document.links(), index, new), text)


def remove_link(document: LinkDocument, index: int) -> LinkListCommand:
    return LinkListCommand(document, removed(document.links(), index), "Remove link")


def edit_link(document: LinkDocument, index: int, changes: Mapping[str, Any]) -> LinkListCommand:
    return LinkListCommand(document, replaced(document.links(), index, changes), "Edit link")


def move_link(document: LinkDocument, src: int, dst: int) -> LinkListCommand:
    return LinkListCommand(document, moved(document.links(), src, dst), "Move link")
