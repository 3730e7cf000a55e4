"""The checks panel: the article's problems, live; double-click jumps to the line, fix where offered."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from digest_desk.ui.plaintext import plain, plain_tip
from digest_desk.ui.tasks import RENDER_LOCK, LatestOnly

DEBOUNCE_MS = 300
_ORDER = {"error": 0, "warning": 1, "info": 2}
_ICONS = {
    "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
    "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
}
PROBLEM_ROLE = Qt.ItemDataRole.UserRole + 1


def _sort_key(problem: Any) -> tuple[int, int, str]:
    line = getattr(problem, "line", None)
    return (_ORDER.get(str(problem.severity), 3), line if line is not None else -1, problem.code)


def run_article_checks(article: Any, site: Any, ctx: Any, exists: Any) -> tuple[list[Any], int, int]:
    """Worker side: the problems plus the AMP CSS bytes and budget."""
    from digest_desk import checks, render

    with RENDER_LOCK:
        problems = list(checks.run_checks(article, site, ctx, exists=exists))
        css_bytes = int(render.amp_css_bytes(article, site, ctx))
    return problems, css_bytes, int(render.AMP_CSS_BUDGET)


class ChecksPanel(QWidget):
    """Lists problems (errors first). ``fix_requested`` carries the chosen problem's ``Fix``; the
    editor applies ``fix.apply(body)`` itself so the change lands on its undo stack."""

    jump_requested = Signal(int)
    fix_requested = Signal(object)
    css_bytes_changed = Signal(int, int)
    problems_changed = Signal(list)
    check_failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checks_panel")
        self._problems: list[Any] = []
        self._input: tuple[Any, Any, Any, Any] | None = None
        self._worker = LatestOnly(self)
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.check_now)
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("checks_list")
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels([self.tr("Line"), self.tr("Problem"), self.tr("Check")])
        self.tree.setAlternatingRowColors(True)
        # The header and one row at the least: on an 800x600 screen every pixel of height counts.
        self.tree.setMinimumHeight(self.tree.fontMetrics().height() * 3)
        header = self.tree.header()  # the message gets the width; line and code fit their text
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemActivated.connect(self._on_activated)
        self.tree.currentItemChanged.connect(lambda *_: self._update_fix_button())
        layout.addWidget(self.tree, 1)
        row = QHBoxLayout()
        self.summary = plain(QLabel(self.tr("No checks run yet."), self, objectName="checks_summary"))
        row.addWidget(self.summary, 1)
        self.fix_button = QPushButton(self.tr("Fix"), self, objectName="checks_fix")
        self.fix_button.setToolTip(self.tr("Apply the fix this check offers"))
        self.fix_button.clicked.connect(self.request_fix)
        row.addWidget(self.fix_button)
        layout.addLayout(row)
        self._update_fix_button()

    # -- showing problems ------------------------------------------------------------------
    def problems(self) -> list[Any]:
        return list(self._problems)

    def show_problems(self, problems: Sequence[Any]) -> None:
        """Replace the list, errors first, then by line."""
        self._problems = sorted(problems, key=_sort_key)
        self.tree.clear()
        self.tree.addTopLevelItems([self._item(problem) for problem in self._problems])
        self.summary.setText(self._summary_text())
        self._update_fix_button()
        self.problems_changed.emit(list(self._problems))

    def _item(self, problem: Any) -> QTreeWidgetItem:
        line = getattr(problem, "line", None)
        item = QTreeWidgetItem(["" if line is None else str(line), problem.message, problem.code])
        severity = str(problem.severity)
        item.setIcon(0, self._icon(severity))
        fix = getattr(problem, "fix", None)
        tip = f"{severity}: {problem.message}"
        if fix is not None:
            tip += "\n" + self.tr("Fix available: {label}").format(label=fix.label)
        for column in range(3):
            item.setToolTip(column, plain_tip(tip))
        item.setData(0, PROBLEM_ROLE, problem)
        return item

    def _icon(self, severity: str) -> QIcon:
        pixmap = _ICONS.get(severity, QStyle.StandardPixmap.SP_MessageBoxQuestion)
        return self.style().standardIcon(pixmap)

    def _summary_text(self) -> str:
        if not self._problems:
            return self.tr("No problems found.")
        counts = {name: 0 for name in _ORDER}
        for problem in self._problems:
            counts[str(problem.severity)] = counts.get(str(problem.severity), 0) + 1
        e, w, i = counts["error"], counts["warning"], counts["info"]
        return ", ".join((
            self.tr("%n error", "", e) if e == 1 else self.tr("%n errors", "", e),
            self.tr("%n warning", "", w) if w == 1 else self.tr("%n warnings", "", w),
            self.tr("%n note", "", i) if i == 1 else self.tr("%n notes", "", i)))

    # -- jump and fix ----------------------------------------------------------------------
    def selected_problem(self) -> Any | None:
        item = self.tree.currentItem()
        return None if item is None else item.data(0, PROBLEM_ROLE)

    def _on_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        line = getattr(item.data(0, PROBLEM_ROLE), "line", None)
        if line is not None:
            self.jump_requested.emit(int(line))

    def _update_fix_button(self) -> None:
        fix = getattr(self.selected_problem(), "fix", None)
        self.fix_button.setEnabled(fix is not None)
        self.fix_button.setText(self.tr("Fix: {label}").format(label=fix.label) if fix else self.tr("Fix"))

    def request_fix(self) -> None:
        problem = self.selected_problem()
        if problem is not None and getattr(problem, "fix", None) is not None:
            self.fix_requested.emit(problem.fix)

    # -- live checking ---------------------------------------------------------------------
    def check_article(self, article: Any, site: Any, ctx: Any = None,
                      exists: Callable[..., bool] | None = None) -> None:
        """Re-run the checks when edits pause (~300 ms), in the background, newest only."""
        self._input = (article, site, ctx, exists)
        self._timer.start()

    def check_now(self) -> None:
        self._timer.stop()
        if self._input is None:
            return
        from digest_desk.domain import detached_article

        article, site, ctx, exists = self._input
        self._worker.submit(run_article_checks, detached_article(article), site, ctx, exists,
                            on_done=self._on_checked, on_error=self._on_failed)

    def cancel(self) -> None:
        """Drop the pending and the running check: its answer is not shown."""
        self._timer.stop()
        self._worker.cancel()

    def wait_idle(self, msecs: int = -1) -> bool:
        return self._worker.wait(msecs)

    def _on_checked(self, outcome: tuple[list[Any], int, int]) -> None:
        problems, css_bytes, budget = outcome
        self.show_problems(problems)
        self.css_bytes_changed.emit(css_bytes, budget)

    def _on_failed(self, exc: BaseException) -> None:
        self.summary.setText(self.tr("Checks failed: {error}").format(error=exc))
        self.check_failed.emit(f"{type(exc).__name__}: {exc}")
