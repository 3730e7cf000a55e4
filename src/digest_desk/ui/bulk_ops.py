"""What the article list's context menu does to many articles: each action one library undo step."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QDateTime, QObject, Qt, QTimeZone, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QWidget,
)

from digest_desk.domain import Status
from digest_desk.store import Store, StoreError
from digest_desk.store.articles import categories
from digest_desk.store.bulk import (
    BulkResult,
    Deleted,
    apply_changes,
    delete_articles,
    restore_values,
    site_zone,
)
from digest_desk.store.revisions import restore_deleted
from digest_desk.ui.commands import StepHost, StoreStep, pause_editing
from digest_desk.ui.editor import ArticleEditor
from digest_desk.ui.server_wait import ServerWaits, Unanswered

Report = Callable[[str], None]
MAX_TITLES = 12  # titles listed in a confirmation; the rest are counted


def count_text(count: int, one: str, many: str) -> str:
    """``one`` for a count of 1, else ``many`` with %n replaced (both already translated)."""
    return one if count == 1 else many.replace("%n", f"{count:,}")


class BulkChangeCommand(StoreStep):
    """The same fields set on many articles; undo puts back what each had (if not edited since)."""

    def __init__(self, store: Store, host: StepHost, ids: list[int], changes: dict[str, Any],
                 label: str, holder: str, on_done: Callable[[str, BulkResult], None]) -> None:
        super().__init__(label, store, host)
        self.ids, self.changes, self.holder = ids, changes, holder
        self.label, self.on_done = label, on_done
        self.result = BulkResult()

    def touches(self) -> list[int]:
        return self.ids

    def write_redo(self) -> BulkResult:
        return apply_changes(self.store, self.ids, self.changes, reason="bulk: " + self.label,
                             holder=self.holder)

    def write_undo(self) -> BulkResult:
        return restore_values(self.store, self.result.before, self.result.versions,
                              reason="bulk: undo " + self.label, holder=self.holder)

    def show(self, redo: bool, outcome: BulkResult) -> None:
        if redo:
            self.result = outcome
        self.on_done("redo" if redo else "undo", outcome)


class BulkDeleteCommand(StoreStep):
    """Many articles deleted in one transaction; undo brings each back with its history."""

    def __init__(self, store: Store, host: StepHost, ids: list[int], holder: str,
                 on_done: Callable[[str, Deleted, list[int]], None]) -> None:
        super().__init__("delete", store, host)
        self.ids, self.holder, self.on_done = ids, holder, on_done
        self.deleted = Deleted()
        self._back: dict[int, int] = {}  # item index -> new id, of an undo not finished yet

    def touches(self) -> list[int]:
        return self.ids

    def write_redo(self) -> Deleted:
        return delete_articles(self.store, self.ids, holder=self.holder)

    def write_undo(self) -> list[int]:
        """Each article back in turn; an undo stopped half-way (a slug taken meanwhile) goes on
        from where it stopped when tried again, never restoring one twice."""
        for index, (snapshot, history) in enumerate(self.deleted.items):
            if index not in self._back:
                self._back[index] = restore_deleted(self.store, snapshot, history).id
        return [self._back[i] for i in range(len(self.deleted.items))]

    def show(self, redo: bool, outcome: Any) -> None:
        if redo:
            self.deleted = outcome
            self.on_done("redo", self.deleted, [])
        else:
            self.ids, self._back = outcome, {}
            self.on_done("undo", self.deleted, outcome)


class ScheduleDialog(QDialog):
    """Asks for the date and time a batch goes on the site, in the site's time zone."""

    def __init__(self, zone_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("schedule-dialog")
        self.setWindowTitle(self.tr("Schedule Articles"))
        self.zone = QTimeZone(zone_name.encode())
        if not self.zone.isValid():
            self.zone = QTimeZone(b"UTC")
        self.when = QDateTimeEdit(objectName="schedule-when", calendarPopup=True)
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when.setTimeZone(self.zone)
        self.when.setDateTime(QDateTime.currentDateTime(self.zone).addSecs(3600))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Publish on:"), self.when)
        form.addRow(QLabel(self.tr("Time zone: %1").replace("%1", zone_name)))
        form.addRow(buttons)

    def chosen(self) -> datetime:
        """The chosen moment, aware (UTC), to the minute."""
        moment = self.when.dateTime().toUTC().toSecsSinceEpoch()
        return datetime.fromtimestamp(moment, UTC).replace(second=0)


class CategoryDialog(QDialog):
    """An editable list of the categories in use."""

    def __init__(self, names: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("category-dialog")
        self.setWindowTitle(self.tr("Set Category"))
        self.combo = QComboBox(objectName="category-choice", editable=True)
        self.combo.addItems(names)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Category:"), self.combo)
        form.addRow(buttons)


class BulkOperations(QObject):
    """Carries out the list's context menu actions on the selected articles."""

    changed = Signal(list)  # ids whose stored fields changed (reload them if open)
    deleted = Signal(list)  # ids now gone
    restored = Signal(list)  # ids back after an undone delete
    message = Signal(str, int)

    def __init__(self, store: Store, stack: QUndoStack, holder: str, site: Any,
                 before: Callable[[], bool], titles: Callable[[list[int]], list[str]],
                 waits: ServerWaits, editor: ArticleEditor, parent: QWidget) -> None:
        super().__init__(parent)
        self.store, self.stack, self.holder, self.site = store, stack, holder, site
        self._before, self._titles, self._parent, self._editor = before, titles, parent, editor
        # The window's waits for the team server (StepHost): a batch is written on a thread of
        # its own there while the window goes on, one write (or action) at a time.
        self.waits = waits

    def say(self, text: str) -> None:
        self.message.emit(text, 10000)

    def reread(self) -> None:
        self.changed.emit([])  # the list (and the categories) read again

    def pause(self, ids: list[int]) -> Callable[[], None]:
        return pause_editing(self._editor, ids)

    def run(self, action: str, ids: list[int]) -> None:
        """One of the context menu's actions on ``ids``."""
        if not ids:
            return
        if busy := self.waits.busy():
            self.say(busy)
            return
        handlers = {"publish": self.publish, "unpublish": self.unpublish, "schedule": self.schedule,
                    "category": self.set_category, "delete": self.delete}
        handlers[action](ids)

    # -- asking ---------------------------------------------------------------------------
    def confirm(self, ids: list[int], question_one: str, question_many: str, *,
                always: bool = False) -> bool:
        """A yes/no question naming the count; the titles are listed as plain text."""
        if len(ids) == 1 and not always:
            return True
        titles = self._titles(ids)
        shown = ["• " + t for t in titles[:MAX_TITLES]]
        if len(titles) > MAX_TITLES:
            shown.append(self.tr("… and %1 more").replace("%1", str(len(titles) - MAX_TITLES)))
        question = count_text(len(ids), question_one, question_many)
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Digest Desk"),
                          "\n\n".join([question, "\n".join(shown)]) if shown else question,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self._parent)
        box.setObjectName("bulk-confirm")
        box.setTextFormat(Qt.TextFormat.PlainText)  # titles are text, never markup
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        return box.exec() == QMessageBox.StandardButton.Yes

    # -- actions --------------------------------------------------------------------------
    def publish(self, ids: list[int]) -> None:
        if self.confirm(ids, self.tr("Publish this article?"), self.tr("Publish %n articles?")):
            self._change(ids, {"status": Status.PUBLISHED}, "published")

    def unpublish(self, ids: list[int]) -> None:
        if self.confirm(ids, self.tr("Unpublish this article?"),
                        self.tr("Unpublish %n articles (back to Draft)?")):
            self._change(ids, {"status": Status.DRAFT}, "unpublished")

    def schedule(self, ids: list[int]) -> None:
        zone = site_zone(self.site).key
        dialog = ScheduleDialog(zone, self._parent)
        if not dialog.exec():
            return
        when = dialog.chosen()
        self._change(ids, {"status": Status.SCHEDULED, "published_at": when},
                     f"scheduled {when.isoformat()}")

    def set_category(self, ids: list[int]) -> None:
        note = self.tr("The team server is not answering; the categories show when it does.")
        try:
            names = self.waits.store_call(self.store, note, categories, self.store)
        except Unanswered:
            return
        except StoreError as exc:
            self.message.emit(str(exc), 8000)
            return
        dialog = CategoryDialog(names, self._parent)
        if not dialog.exec():
            return
        name = dialog.combo.currentText().strip()
        self._change(ids, {"category": name}, f"category {name or '—'}")

    def delete(self, ids: list[int]) -> None:
        if not self.confirm(ids, self.tr("Delete this article? You can bring it back with Undo."),
                            self.tr("Delete %n articles? You can bring them back with Undo."),
                            always=True):
            return
        if not self._before():
            return
        self._push(BulkDeleteCommand(self.store, self, ids, self.holder, self._deleted))

    # -- carrying out ---------------------------------------------------------------------
    def _change(self, ids: list[int], changes: dict[str, Any], label: str) -> None:
        if not self._before():  # the open article's edits are saved first
            return
        self._push(BulkChangeCommand(self.store, self, ids, changes, label, self.holder, self._changed))

    def _push(self, command: StoreStep) -> None:
        """Write the batch (a team server on a thread of its own, the window going on), then put
        it on the undo stack; a write that failed says so and leaves the stack as it was."""
        if command.write(redo=True):
            self.stack.push(command)

    def _changed(self, direction: str, result: BulkResult) -> None:
        count = len(result.changed)
        text = count_text(count, self.tr("1 article changed."), self.tr("%n articles changed."))
        if direction == "undo":
            text = count_text(count, self.tr("1 article changed back."),
                              self.tr("%n articles changed back."))
        self.message.emit(text + self._skipped(result.locked, len(result.stale) + len(result.missing)),
                          8000)
        self.changed.emit(list(result.changed))

    def _deleted(self, direction: str, deleted: Deleted, restored: list[int]) -> None:
        if direction == "undo":
            self.message.emit(count_text(len(restored), self.tr("1 article restored."),
                                         self.tr("%n articles restored.")), 8000)
            self.restored.emit(restored)
            return
        text = count_text(len(deleted.ids), self.tr("1 article deleted."),
                          self.tr("%n articles deleted."))
        self.message.emit(text + self._skipped(deleted.locked, 0), 8000)
        self.deleted.emit(list(deleted.ids))

    def _skipped(self, locked: list[int], stale: int) -> str:
        text = ""
        if locked:
            text += " " + count_text(len(locked),
                                     self.tr("1 skipped: it is being edited in another window."),
                                     self.tr("%n skipped: they are being edited in another window."))
        if stale:
            text += " " + count_text(stale, self.tr("1 skipped: it changed since."),
                                     self.tr("%n skipped: they changed since."))
        return text
