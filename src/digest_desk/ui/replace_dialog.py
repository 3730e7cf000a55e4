"""Replace in All Articles: a preview of every change, a checkbox per article, one transaction."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from digest_desk.store import Store, StoreError
from digest_desk.store.bulk import BulkResult
from digest_desk.store.replace import FIELDS, FieldChange, Search, apply_changes, find_changes
from digest_desk.ui.server_wait import ServerWaits, Unanswered, Unreachable
from digest_desk.ui.tasks import run_detached

FIELD_NAMES = {"title": "Headline", "summary": "Summary", "body": "Body"}


class ReplaceDialog(QDialog):
    """Find text across every article, show each change, apply the checked ones."""

    applied = Signal(list)  # ids of the changed articles ([]: read the list again)
    message = Signal(str, int)  # for the window's status bar (the dialog may be closed by then)

    def __init__(self, store: Store, holder: str, before: Callable[[], bool], waits: ServerWaits,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replace-dialog")
        self.setWindowTitle(self.tr("Replace in All Articles"))
        self.resize(820, 560)
        self.store, self.holder, self._before = store, holder, before
        self._waits = waits  # the window's: the write goes to a team server on a thread of its own
        self.changes: list[FieldChange] = []
        self.search: Search | None = None
        self._asked: Search | None = None  # the newest question sent to the store
        self.find_edit = QLineEdit(objectName="replace-find")
        self.replace_edit = QLineEdit(objectName="replace-with")
        self.case_box = QCheckBox(self.tr("Match case"), objectName="replace-case")
        self.word_box = QCheckBox(self.tr("Whole words"), objectName="replace-word")
        self.regex_box = QCheckBox(self.tr("Regular expression"), objectName="replace-regex")
        self.field_boxes = {name: QCheckBox(self.tr(FIELD_NAMES[name]), objectName=f"replace-{name}",
                                            checked=True) for name in FIELDS}
        self.preview_button = QPushButton(self.tr("&Preview"), objectName="replace-preview")
        self.tree = QTreeWidget(objectName="replace-changes")
        self.tree.setHeaderLabels([self.tr("Article / field"), self.tr("Before"), self.tr("After")])
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.notice = QLabel(objectName="replace-notice", wordWrap=True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.apply_button = self.buttons.addButton(self.tr("&Replace Checked"),
                                                   QDialogButtonBox.ButtonRole.ApplyRole)
        self.apply_button.setObjectName("replace-apply")
        self.apply_button.setEnabled(False)
        self._layout()
        self.preview_button.clicked.connect(self.preview)
        self.find_edit.returnPressed.connect(self.preview)
        self.apply_button.clicked.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        for box in (self.find_edit, self.replace_edit):
            box.textChanged.connect(self._stale)
        for box in (self.case_box, self.word_box, self.regex_box, *self.field_boxes.values()):
            box.toggled.connect(self._stale)

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow(self.tr("Find:"), self.find_edit)
        form.addRow(self.tr("Replace with:"), self.replace_edit)
        options = QHBoxLayout()
        for box in (self.case_box, self.word_box, self.regex_box):
            options.addWidget(box)
        options.addSpacing(16)
        options.addWidget(QLabel(self.tr("In:")))
        for box in self.field_boxes.values():
            options.addWidget(box)
        options.addStretch(1)
        options.addWidget(self.preview_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(options)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.notice)
        layout.addWidget(self.buttons)

    def _search(self) -> Search:
        fields = tuple(n for n, box in self.field_boxes.items() if box.isChecked())
        return Search(self.find_edit.text(), self.replace_edit.text(), regex=self.regex_box.isChecked(),
                      case=self.case_box.isChecked(), word=self.word_box.isChecked(), fields=fields)

    def _stale(self) -> None:
        """The question changed: the shown preview no longer answers it."""
        self.apply_button.setEnabled(False)

    def preview(self) -> None:
        """Find every change on a thread of its own (every article is read: seconds on a large
        archive, and a team server may stop answering); a newer question replaces this one."""
        search = self._asked = self._search()
        self.apply_button.setEnabled(False)
        if not search.fields:
            self._found(search, [])
            return
        self.notice.setText(self.tr("Searching every article…"))
        run_detached(find_changes, self.store, search, owner=self, thread_name="digest-desk-replace-preview",
                     on_done=lambda changes: self._found(search, changes),
                     on_error=lambda exc: self._not_found(search, exc))

    def _found(self, search: Search, changes: list[FieldChange]) -> None:
        if search is not self._asked:
            return
        self.changes, self.search = changes, search
        self._fill()

    def _not_found(self, search: Search, exc: BaseException) -> None:
        if search is not self._asked:
            return
        self.changes, self.search = [], None
        self.tree.clear()
        self.notice.setText(str(exc) if isinstance(exc, StoreError)
                            else self.tr("The articles could not be searched: %1").replace("%1", str(exc)))

    def _fill(self) -> None:
        self.tree.clear()
        groups: dict[int, QTreeWidgetItem] = {}
        for change in self.changes:
            item = groups.get(change.article_id)
            if item is None:
                item = QTreeWidgetItem(self.tree, [change.title or self.tr("(untitled)")])
                item.setData(0, Qt.ItemDataRole.UserRole, change.article_id)
                item.setCheckState(0, Qt.CheckState.Checked)
                item.setToolTip(0, "/" + change.slug + "/")
                item.setExpanded(True)
                groups[change.article_id] = item
            label = f"{self.tr(FIELD_NAMES[change.name])} ({change.count})"
            QTreeWidgetItem(item, [label, change.before, change.after])
        for item in groups.values():
            item.setExpanded(True)
        matches = sum(c.count for c in self.changes)
        if not self.changes:
            self.notice.setText(self.tr("No article contains this text."))
        else:
            self.notice.setText(self.tr("%1 in %2. Uncheck the articles to leave alone.")
                                .replace("%1", _count(matches, self.tr("1 match"), self.tr("%n matches")))
                                .replace("%2", _count(len(groups), self.tr("1 article"),
                                                      self.tr("%n articles"))))
        self.apply_button.setEnabled(bool(self.changes))

    def checked_ids(self) -> list[int]:
        ids = []
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.checkState(0) == Qt.CheckState.Checked:
                ids.append(int(item.data(0, Qt.ItemDataRole.UserRole)))
        return ids

    def apply(self) -> None:
        if self.search is None or not self._before():
            return
        wanted = set(self.checked_ids())
        chosen = [c for c in self.changes if c.article_id in wanted]
        if not chosen:
            self.notice.setText(self.tr("No article is checked."))
            return
        if busy := self._waits.busy():
            self.notice.setText(busy)
            return
        result = self._write(chosen, self.search)
        if result is None:
            return
        self.notice.setText(self._report(result))
        self.apply_button.setEnabled(False)
        self.applied.emit(list(result.changed))
        if result.changed and "body" in self.search.fields:
            _render_ahead(self.store, list(result.changed))

    def _write(self, chosen: list[FieldChange], search: Search) -> BulkResult | None:
        """The checked changes written (on a team server on a thread of its own, the window
        going on); None when not, with the reason shown. Each change carries the version it was
        previewed at, so a write that did land is never applied twice."""
        self.notice.setText(self.tr("Replacing in the checked articles…"))
        for widget in (self.apply_button, self.preview_button):
            widget.setEnabled(False)
        note = self.tr("The team server is not answering; the replacements are made when it does.")
        try:
            return self._waits.store_call(self.store, note, apply_changes, self.store, chosen, search,
                                          holder=self.holder, give_up=self.rejected)
        except Unanswered:  # closed while waiting: the write may still land
            if self._waits.cancelled:
                return None  # the window closes
            self.message.emit(self.tr("Replace in All Articles was closed before the team server "
                                      "answered: the replacements may or may not have been made. The "
                                      "list is read again to show which."), 15000)
            self.applied.emit([])
        except Unreachable:
            self.search = None  # preview again: the versions may have moved on
            self.notice.setText(self.tr("The team server could not be reached: the replacements may "
                                        "or may not have been made. Preview again to see what is "
                                        "left."))
            self.applied.emit([])
        except StoreError as exc:
            self.notice.setText(self.tr("Nothing changed: ") + str(exc))
            self.apply_button.setEnabled(True)
        finally:
            self.preview_button.setEnabled(True)
        return None

    def _report(self, result: BulkResult) -> str:
        text = _count(len(result.changed), self.tr("Replaced in 1 article."),
                      self.tr("Replaced in %n articles.")) + " " + \
            self.tr("Each can be undone in its Revision History.")
        if result.locked:
            text += " " + _count(len(result.locked), self.tr("1 skipped: being edited in another window."),
                                 self.tr("%n skipped: being edited in another window."))
        stale = len(result.stale) + len(result.missing)
        if stale:
            text += " " + _count(stale, self.tr("1 skipped: changed since the preview."),
                                 self.tr("%n skipped: changed since the preview."))
        return text


def _render_ahead(store: Store, ids: list[int]) -> None:
    """The changed bodies parsed for the next export by idle processes, off the UI thread
    (nothing waits for it: a quit drops what has not started)."""
    from digest_desk.export.warm import render_ahead

    run_detached(render_ahead, store, ids, in_window=True, thread_name="digest-desk-render-ahead")


def _count(count: int, one: str, many: str) -> str:
    return one if count == 1 else many.replace("%n", f"{count:,}")
