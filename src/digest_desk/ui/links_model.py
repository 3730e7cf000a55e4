"""The table model of the links panel: shows a LinkDocument, turns edits and drops into requests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QByteArray, QMimeData, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QIcon

from digest_desk.links.edits import drop_target
from digest_desk.links.records import link_state
from digest_desk.links.validate import host_forms, is_idn, link_issues
from digest_desk.ui import icons
from digest_desk.ui.link_commands import LinkDocument
from digest_desk.ui.plaintext import plain_tip

MIME = "application/x-digest-desk-link-row"
STATE, TITLE, URL, KIND = range(4)
KINDS = ("read-more", "related", "source")
# Check states by meaning: glyph and colour.
STATE_ICONS = {
    "unchecked": ("mdi6.help-circle-outline", "#808080"),
    "ok": ("mdi6.check-circle", "#2e7d32"),
    "redirected": ("mdi6.arrow-right-circle", "#1565c0"),
    "broken": ("mdi6.link-off", "#c62828"),
    "unreachable": ("mdi6.lan-disconnect", "#ef6c00"),
    "internal": ("mdi6.file-link-outline", "#6a1b9a"),
    "missing": ("mdi6.link-off", "#c62828"),
}
_icons: dict[str, QIcon] = {}


def state_icon(state: str) -> QIcon:
    if state not in _icons:
        glyph, colour = STATE_ICONS[state]
        _icons[state] = icons.glyph(glyph, colour)
    return _icons[state]


class LinksModel(QAbstractTableModel):
    """Rows are links; edits and drops are not applied here but requested (as undo commands)."""

    edit_requested = Signal(int, dict)
    move_requested = Signal(int, int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._document: LinkDocument | None = None
        self._links: list[dict[str, Any]] = []
        self._issues: list[list] = []
        self._targets: Mapping[int, tuple[str, str]] = {}

    def set_document(self, document: LinkDocument | None) -> None:
        if self._document is not None:
            self._document.changed.disconnect(self._reload)
            self._document.refreshed.disconnect(self._reload)
        self._document = document
        if document is not None:
            document.changed.connect(self._reload)
            document.refreshed.connect(self._reload)
        self._reload()

    def set_targets(self, targets: Mapping[int, tuple[str, str]]) -> None:
        """Titles and slugs of linked articles (id -> (title, slug)); unknown ids are deleted ones."""
        self._targets = dict(targets)
        if self._links:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._links) - 1, KIND))

    def _reload(self, *_args) -> None:
        self.beginResetModel()
        self._links = self._document.links() if self._document is not None else []
        self._issues = link_issues(self._links)
        self.endResetModel()

    def link(self, row: int) -> dict[str, Any]:
        return dict(self._links[row])

    def issues(self, row: int) -> list:
        return list(self._issues[row])

    def state(self, row: int) -> str:
        link = self._links[row]
        target = link.get("target_article_id")
        if target:
            return "internal" if target in self._targets else "missing"
        return link_state(link)

    # Qt model interface
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._links)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ("", self.tr("Title"), self.tr("URL"), self.tr("Kind"))[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        link, column = self._links[index.row()], index.column()
        if role == Qt.ItemDataRole.DecorationRole and column == STATE:
            return state_icon(self.state(index.row()))
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(link, column)
        if role == Qt.ItemDataRole.EditRole:
            return {TITLE: link.get("title"), URL: link.get("url"), KIND: link.get("kind")}.get(column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tip(self._tooltip(index.row(), column))
        if role == Qt.ItemDataRole.ForegroundRole and column in (TITLE, URL):
            return self._warning_brush(index.row(), column)
        return None

    def _warning_brush(self, row: int, column: int) -> QBrush | None:
        """Red for a URL that cannot be published, amber for a duplicate or a missing title."""
        severities = {i.code: i.severity for i in self._issues[row]}
        if column == URL and "error" in severities.values():
            return QBrush(QColor("#c62828"))
        if (column == URL and "duplicate" in severities) or (column == TITLE and "no-title" in severities):
            return QBrush(QColor("#b26a00"))
        return None

    def _display(self, link: Mapping[str, Any], column: int) -> str | None:
        if column == TITLE:
            return link.get("title") or ""
        if column == KIND:
            return link.get("kind") or ""
        if column == URL:
            target = link.get("target_article_id")
            if target:
                title, slug = self._targets.get(target, (self.tr("deleted article"), "?"))
                return f"→ {title} (/{slug}/)"
            url = link.get("url") or ""
            if is_idn(url):
                return f"{url}  [{host_forms(url)[1]}]"
            return url
        return None

    def _tooltip(self, row: int, column: int) -> str | None:
        if column == STATE:
            link = self._links[row]
            text = self.state(row)
            if link.get("check_error"):
                text += f": {link['check_error']}"
            elif link.get("check_status"):
                text += f" ({link['check_status']})"
            if link.get("check_final_url") and link.get("check_final_url") != link.get("url"):
                text += f"\n→ {link['check_final_url']}"
            if link.get("checked_at"):
                text += "\n" + self.tr("checked {0}").format(f"{link['checked_at']:%Y-%m-%d %H:%M %Z}")
            return text
        messages = [issue.message for issue in self._issues[row]]
        return "\n".join(messages) or None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsDropEnabled
        if not index.isValid():
            return base
        flags = base | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        internal = bool(self._links[index.row()].get("target_article_id"))
        if index.column() in (TITLE, KIND) or (index.column() == URL and not internal):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: QModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        field = {TITLE: "title", URL: "url", KIND: "kind"}.get(index.column())
        if field is None or (field == "kind" and value not in KINDS):
            return False
        value = str(value).strip() if field == "url" else str(value)
        if value == self._links[index.row()].get(field):
            return False
        self.edit_requested.emit(index.row(), {field: value})
        return True

    # Drag and drop: a row dragged within the table becomes a move request.
    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # noqa: N802
        data = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        if rows:
            data.setData(MIME, QByteArray(str(rows[0]).encode()))
        return data

    def dropMimeData(self, data: QMimeData, action, row: int, column: int, parent: QModelIndex) -> bool:  # noqa: N802
        if action != Qt.DropAction.MoveAction or not data.hasFormat(MIME):
            return False
        src = int(bytes(data.data(MIME)).decode())
        if row < 0 and parent.isValid():
            row = parent.row()
        dst = drop_target(src, row, len(self._links))
        if not 0 <= src < len(self._links) or dst == src:
            return False
        self.move_requested.emit(src, dst)
        return False  # handled as an undo command; the view must not remove the source row
