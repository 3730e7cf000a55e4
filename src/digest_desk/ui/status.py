"""Status bar read-outs: body counts and reading time, cursor line, AMP CSS bytes against the
budget, and whether the team server is away."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

ROOM_SLACK = 40  # pixels the bar keeps for the size grip and the gaps between widgets


class StatusReadouts(QWidget):
    """Permanent labels on the right of the status bar."""

    def __init__(self, bar: QStatusBar) -> None:
        super().__init__(bar)
        self.counts = QLabel(objectName="status-counts")
        self.line = QLabel(objectName="status-line")
        self.css = QLabel(objectName="status-css")
        self.offline = QLabel(objectName="status-offline")
        self.offline.setStyleSheet("color: #b35c00; font-weight: bold;")
        self.offline.hide()
        for label in (self.offline, self.line, self.counts, self.css):
            label.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(label)

    def show_offline(self, away: bool) -> None:
        """The team server went away (or came back): editing goes on, the text is kept locally."""
        self.offline.setText(self.tr("Offline: your changes are kept on this computer") if away else "")
        self.offline.setToolTip(self.tr("Saving resumes by itself when the team server is back.")
                                if away else "")
        self.offline.setVisible(away)

    def show_stats(self, words: int, chars: int, minutes: int) -> None:
        self.counts.setText(" · ".join((
            (self.tr("1 word") if words == 1 else self.tr("%1 words")).replace("%1", f"{words:,}"),
            (self.tr("1 character") if chars == 1 else self.tr("%1 characters")).replace("%1", f"{chars:,}"),
            self.tr("%n min read", "", minutes))))

    def show_line(self, line: int) -> None:
        self.line.setText(self.tr("Line %1").replace("%1", str(line)))

    def show_css(self, used: int | None, budget: int) -> None:
        if used is None:
            self.css.setText("")
            return
        over = used > budget
        self.css.setText(self.tr("AMP CSS %1 / %2 bytes").replace("%1", f"{used:,}")
                         .replace("%2", f"{budget:,}"))
        self.css.setStyleSheet("color: #d9534f; font-weight: bold;" if over else "")
        self.css.setToolTip(self.tr("Over the AMP budget: the simplified page will not validate")
                            if over else self.tr("Inline CSS of the simplified page, against AMP's limit"))

    def clear(self) -> None:
        for label in (self.counts, self.line, self.css):
            label.clear()


class MessageRoom(QObject):
    """A status message is read whole: while it is longer than the room the permanent read-outs
    leave it, they step aside one by one (least needed first) and come back when it clears. A
    message too long even then is elided by Qt and kept whole in the bar's tooltip."""

    def __init__(self, bar: QStatusBar, drop_order: Sequence[QWidget]) -> None:
        super().__init__(bar)
        self.bar, self.drop_order = bar, list(drop_order)
        self.stepped_aside: list[QWidget] = []
        bar.messageChanged.connect(self.fit)
        bar.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.bar and event.type() == QEvent.Type.Resize:
            self.fit(self.bar.currentMessage())
        return False

    def fit(self, message: str) -> None:
        self._come_back()
        self.bar.setToolTip(message)
        if not message:
            return
        needed = self.bar.fontMetrics().horizontalAdvance(message) + ROOM_SLACK
        for widget in self.drop_order:
            if needed <= self._room():
                break
            if widget.isVisibleTo(self.bar):
                widget.hide()
                self.stepped_aside.append(widget)

    def _room(self) -> int:
        taken = sum(w.sizeHint().width() for w in self.bar.findChildren(QWidget)
                    if w.parent() is self.bar and w.isVisibleTo(self.bar))
        return self.bar.width() - taken

    def _come_back(self) -> None:
        for widget in self.stepped_aside:
            widget.show()
        self.stepped_aside.clear()
