"""A reusable editor for the site footer links: an ordered list of title + URL (site dialog)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from digest_desk.links.footer import FooterError, check_footer_link
from digest_desk.ui import icons


class FooterLinksEditor(QWidget):
    """Add, edit in place, remove and reorder footer links; ``links()`` gives the valid list."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 2, self, objectName="footer_table")
        self.table.setHorizontalHeaderLabels([self.tr("Title"), self.tr("URL")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.itemChanged.connect(self._item_changed)
        buttons = QHBoxLayout()
        specs = [
            ("footer_add", "mdi6.plus", self.tr("Add a footer link"), self.add_link),
            ("footer_remove", "mdi6.delete-outline", self.tr("Remove the selected link"), self.remove_selected),
            ("footer_up", "mdi6.arrow-up", self.tr("Move up"), lambda: self.move_selected(-1)),
            ("footer_down", "mdi6.arrow-down", self.tr("Move down"), lambda: self.move_selected(1)),
        ]
        for name, glyph, tip, slot in specs:
            button = QToolButton(self, objectName=name, icon=icons.glyph(glyph), toolTip=tip)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def set_links(self, links: list[dict[str, str]]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for link in links:
            self._append(link.get("title", ""), link.get("url", ""))
        self.table.blockSignals(False)
        self._mark_all()

    def _append(self, title: str, url: str) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(title))
        self.table.setItem(row, 1, QTableWidgetItem(url))
        return row

    def _row(self, row: int) -> tuple[str, str]:
        return tuple(self.table.item(row, c).text() if self.table.item(row, c) else "" for c in (0, 1))

    def links(self) -> list[dict[str, str]]:
        """The cleaned links; raises FooterError naming the first bad row."""
        result = []
        for row in range(self.table.rowCount()):
            try:
                title, url = check_footer_link(*self._row(row))
            except FooterError as exc:
                raise FooterError(self.tr("Footer link {0}: {1}").format(row + 1, exc)) from exc
            result.append({"title": title, "url": url})
        return result

    def errors(self) -> list[str]:
        try:
            self.links()
        except FooterError as exc:
            return [str(exc)]
        return []

    def add_link(self, title: str = "", url: str = "/") -> None:
        self.table.blockSignals(True)
        row = self._append(title, url)
        self.table.blockSignals(False)
        self._mark(row)
        self.table.selectRow(row)
        if not title:
            self.table.editItem(self.table.item(row, 0))
        self.changed.emit()

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.changed.emit()

    def move_selected(self, step: int) -> None:
        row = self.table.currentRow()
        dst = row + step
        if row < 0 or not 0 <= dst < self.table.rowCount():
            return
        self.table.blockSignals(True)
        items = [self.table.takeItem(row, c) for c in (0, 1)]
        self.table.removeRow(row)
        self.table.insertRow(dst)
        for column, item in enumerate(items):
            self.table.setItem(dst, column, item)
        self.table.blockSignals(False)
        self.table.selectRow(dst)
        self.changed.emit()

    def _item_changed(self, item: QTableWidgetItem) -> None:
        self._mark(item.row())
        self.changed.emit()

    def _mark_all(self) -> None:
        for row in range(self.table.rowCount()):
            self._mark(row)

    def _mark(self, row: int) -> None:
        """Colour a bad row red with the reason as tooltip."""
        try:
            check_footer_link(*self._row(row))
            problem = ""
        except FooterError as exc:
            problem = str(exc)
        self.table.blockSignals(True)
        for column in (0, 1):
            item = self.table.item(row, column)
            if item is not None:
                item.setToolTip(problem)
                item.setForeground(QBrush(QColor("#c62828")) if problem else QBrush())
        self.table.blockSignals(False)

    def row_problem(self, row: int) -> str:
        item = self.table.item(row, 1)
        return item.toolTip() if item is not None else ""

    def sizeHint(self):  # noqa: N802
        hint = super().sizeHint()
        hint.setHeight(max(hint.height(), 160))
        return hint


