"""File > Export: choose a folder, watch the progress, cancel, then open the result in a browser."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QSettings, QThread, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from digest_desk.export import ExportCancelled, ExportError, ExportReport, export_site, recover
from digest_desk.store import Store

SETTINGS_KEY = "export/last_folder"


class ExportThread(QThread):
    """Runs one export off the UI thread; results come back as queued signals."""

    progressed = Signal(int, int)
    succeeded = Signal(object)  # ExportReport
    failed = Signal(str, bool)  # message, cancelled
    delete_question = Signal(int, int)  # removed, existing: answer through answer_delete()

    def __init__(self, store: Store, out: Path, *, slugs: list[str] | None, changed: bool) -> None:
        super().__init__()
        self.store, self.out, self.slugs, self.changed = store, out, slugs, changed
        self.cancel_event = threading.Event()
        self._answer = threading.Event()
        self._allowed = False

    def run(self) -> None:
        try:
            report = export_site(
                self.store, self.out, articles=self.slugs, changed_only=self.changed,
                progress=self.progressed.emit, cancel=self.cancel_event,
                confirm_large_delete=self._ask,
            )
        except ExportCancelled as exc:
            self.failed.emit(str(exc), True)
        except ExportError as exc:
            self.failed.emit(str(exc), False)
        except Exception as exc:  # noqa: BLE001 - shown to the editor instead of crashing the window
            self.failed.emit(
                f"The export stopped because of an unexpected problem ({exc}). "
                "The previous export is unchanged.",
                False,
            )
        else:
            self.succeeded.emit(report)

    def _ask(self, removed: int, existing: int) -> bool:
        self._answer.clear()
        self.delete_question.emit(removed, existing)
        while not self._answer.wait(0.1):
            if self.cancel_event.is_set():
                return False
        return self._allowed

    def answer_delete(self, allowed: bool) -> None:
        self._allowed = allowed
        self._answer.set()


class ExportDialog(QDialog):
    """Export the site (or the current article, or what changed) into a remembered folder."""

    def __init__(self, store: Store, parent: QWidget | None = None, *, article_slug: str | None = None,
                 settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ExportDialog")
        self.setWindowTitle(self.tr("Export Site"))
        self.store = store
        self.article_slug = article_slug
        self.settings = settings or QSettings()
        self.thread: ExportThread | None = None
        self.report: ExportReport | None = None
        self._build()
        last = str(self.settings.value(SETTINGS_KEY, "", type=str))
        self.folder_edit.setText(last)
        if last:
            self._recover(Path(last))
        self._update_buttons()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Output folder:")))
        row = QHBoxLayout()
        self.folder_edit = QLineEdit(objectName="folder")
        self.folder_edit.setPlaceholderText(self.tr("Folder to write the site into"))
        self.folder_edit.textChanged.connect(self._update_buttons)
        self.browse_button = QPushButton(self.tr("Choose…"), objectName="browse")
        self.browse_button.clicked.connect(self.choose_folder)
        row.addWidget(self.folder_edit, 1)
        row.addWidget(self.browse_button)
        layout.addLayout(row)
        self.all_radio = QRadioButton(self.tr("The whole site"), objectName="mode_all")
        self.changed_radio = QRadioButton(self.tr("Only what changed since the last export"), objectName="mode_changed")
        self.article_radio = QRadioButton(self.tr("This article and the pages that list it"), objectName="mode_article")
        self.all_radio.setChecked(True)
        self.article_radio.setEnabled(bool(self.article_slug))
        for radio in (self.all_radio, self.changed_radio, self.article_radio):
            layout.addWidget(radio)
        self.progress = QProgressBar(objectName="progress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        layout.addWidget(self.progress)
        self.status = QLabel(objectName="status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(self.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("export")
        self.open_button = self.buttons.addButton(self.tr("Open in Browser"), QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.setObjectName("open_browser")
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName("close")
        self.export_button.clicked.connect(self.start)
        self.open_button.clicked.connect(self.open_in_browser)
        self.close_button.clicked.connect(self.cancel_or_close)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())

    def _recover(self, out: Path) -> None:
        """Undo what an export killed with the program left beside the last folder."""
        try:
            recover(out)
        except OSError as exc:
            self.status.setText(self.tr("Could not tidy up an interrupted export: {0}").format(exc))

    @Slot()
    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export into folder"), self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)

    def running(self) -> bool:
        return self.thread is not None

    def _update_buttons(self) -> None:
        busy = self.running()
        self.export_button.setEnabled(not busy and bool(self.folder_edit.text().strip()))
        self.open_button.setEnabled(not busy and self.report is not None)
        self.close_button.setText(self.tr("Cancel") if busy else self.tr("Close"))
        for widget in (self.folder_edit, self.browse_button, self.all_radio, self.changed_radio):
            widget.setEnabled(not busy)
        self.article_radio.setEnabled(not busy and bool(self.article_slug))

    @Slot()
    def start(self) -> None:
        text = self.folder_edit.text().strip()
        if self.running() or not text:
            return
        out = Path(text).expanduser()
        self.settings.setValue(SETTINGS_KEY, str(out))
        slugs = [self.article_slug] if self.article_radio.isChecked() and self.article_slug else None
        self.report = None
        self.thread = ExportThread(self.store, out, slugs=slugs, changed=self.changed_radio.isChecked())
        self.thread.progressed.connect(self._on_progress)
        self.thread.succeeded.connect(self._on_success)
        self.thread.failed.connect(self._on_failure)
        self.thread.delete_question.connect(self._on_delete_question)
        self.thread.finished.connect(self._on_thread_finished)
        self.progress.setRange(0, 0)
        font = self.status.font()
        font.setBold(False)
        self.status.setFont(font)
        self.status.setText(self.tr("Exporting…"))
        self._update_buttons()
        self.thread.start()

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    @Slot(object)
    def _on_success(self, report: ExportReport) -> None:
        self.report = report
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        text = self.tr("Done: {0}, {1} written, {2} unchanged, {3} removed in {4:.1f} s.")
        self.status.setText(text.format(
            self.tr("%n article", "", report.articles) if report.articles == 1 else self.tr("%n articles", "", report.articles),
            self.tr("%n file", "", report.written) if report.written == 1 else self.tr("%n files", "", report.written),
            report.unchanged, report.removed, report.seconds))

    @Slot(str, bool)
    def _on_failure(self, message: str, cancelled: bool) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        font = self.status.font()
        font.setBold(not cancelled)  # failures stand out; a cancel is the editor's own choice
        self.status.setFont(font)
        self.status.setText(message)

    @Slot(int, int)
    def _on_delete_question(self, removed: int, existing: int) -> None:
        answer = QMessageBox.question(
            self, self.tr("Remove pages?"),
            self.tr("This export would remove {0} of the {1} in the existing export. Continue?").format(
                self.tr("%n file", "", removed) if removed == 1 else self.tr("%n files", "", removed), existing),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
        )
        if self.thread is not None:
            self.thread.answer_delete(answer == QMessageBox.StandardButton.Yes)

    @Slot()
    def _on_thread_finished(self) -> None:
        if self.thread is not None:
            self.thread.deleteLater()
        self.thread = None
        self._update_buttons()

    @Slot()
    def cancel_or_close(self) -> None:
        if self.thread is not None:
            self.status.setText(self.tr("Cancelling…"))
            self.thread.cancel_event.set()
        else:
            self.reject()

    def result_url(self) -> QUrl | None:
        """The exported front page, when the last export succeeded."""
        if self.report is None:
            return None
        return QUrl.fromLocalFile(str(self.report.out / "index.html"))

    @Slot()
    def open_in_browser(self) -> None:
        url = self.result_url()
        if url is not None:
            QDesktopServices.openUrl(url)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.thread is not None:
            self.thread.cancel_event.set()
            self.thread.wait()
        super().closeEvent(event)

    def reject(self) -> None:
        if self.thread is not None:
            self.cancel_or_close()
            return
        super().reject()
