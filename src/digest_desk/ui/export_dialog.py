"""File > Export: choose a folder, watch the progress, cancel, then open the result in a browser."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QUrl, Signal, Slot
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

from digest_desk.domain.zones import short_when
from digest_desk.export import ExportCancelled, ExportError, ExportReport, export_site, recover
from digest_desk.store import Store, StoreError
from digest_desk.store.engine import scrub, server_url
from digest_desk.store.published import waiting_times
from digest_desk.store.site import get_site
from digest_desk.ui.settings import EXPORT_FOLDER
from digest_desk.ui.tasks import Job, run_detached


class ExportRun:
    """One export on a daemon thread of its own (``ui/tasks.run_detached``): it can be cancelled,
    and it asks the dialog before removing much of an existing export. Nothing on the UI thread
    ever waits for it without a bound: a team server that stopped answering holds only its thread."""

    def __init__(self, store: Store, out: Path, *, slugs: list[str] | None, changed: bool) -> None:
        self.store, self.out, self.slugs, self.changed = store, out, slugs, changed
        self.cancel_event = threading.Event()
        self._answer = threading.Event()
        self._allowed = False
        self.job: Job | None = None

    def start(self, on_progress: Callable[[tuple], None], on_done: Callable[[ExportReport], None],
              on_error: Callable[[BaseException], None], owner: QObject) -> None:
        # A thread of its own (link checks on the shared pool never delay it), and not a Qt one:
        # one stuck on a silent server is no reason to hold the window, and a Qt thread still
        # running when the program ends would abort it.
        self.job = run_detached(self._run, on_progress=on_progress, on_done=on_done, on_error=on_error,
                                owner=owner, thread_name="digest-desk-export")

    def _run(self, progress: Callable[[tuple], None]) -> ExportReport:
        self._tell = progress
        return export_site(
            self.store, self.out, articles=self.slugs, changed_only=self.changed,
            progress=lambda done, total: progress(("progress", done, total)),
            cancel=self.cancel_event, confirm_large_delete=self._ask,
        )

    def _ask(self, removed: int, existing: int) -> bool:
        self._answer.clear()
        self._tell(("ask", removed, existing))
        while not self._answer.wait(0.1):
            if self.cancel_event.is_set():
                return False
        return self._allowed

    def answer_delete(self, allowed: bool) -> None:
        self._allowed = allowed
        self._answer.set()

    @property
    def cancelling(self) -> bool:
        return self.cancel_event.is_set()

    def finished_within(self, seconds: float) -> bool:
        """Wait at most ``seconds`` for the export thread to end; False when it is still going."""
        return self.job is None or self.job.done.wait(seconds)


def _waiting(store: Store) -> tuple[list[datetime], str]:
    """The scheduled articles' times and the site's time zone, for the dialog's notice."""
    return waiting_times(store), get_site(store).timezone


def failure_text(exc: BaseException, store: Store | None = None) -> tuple[str, bool]:
    """What the dialog says about an export that stopped, and whether it was cancelled (never
    with the team server's password, should a driver's message repeat it)."""
    if isinstance(exc, ExportCancelled):
        return str(exc), True
    if isinstance(exc, ExportError):
        return _without_password(str(exc), store), False
    return (_without_password(f"The export stopped because of an unexpected problem ({exc}). "
                              "The previous export is unchanged.", store), False)


def _without_password(text: str, store: Store | None) -> str:
    if store is None or not store.is_server:
        return text
    try:
        return scrub(text, server_url(store.target), store.password)
    except StoreError:
        return text


class ExportDialog(QDialog):
    """Export the site (or the current article, or what changed) into a remembered folder.

    Closing it while an export runs asks the export to cancel and goes at once; the export ends
    in the background and ``message`` then says how (for the window's status bar)."""

    message = Signal(str, int)  # how an export ended after its dialog was closed; ms to show it

    def __init__(self, store: Store, parent: QWidget | None = None, *, article_slug: str | None = None,
                 settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ExportDialog")
        self.setWindowTitle(self.tr("Export Site"))
        self.store = store
        self.article_slug = article_slug
        self.settings = settings or QSettings()
        self.export_run: ExportRun | None = None
        self.report: ExportReport | None = None
        self._build()
        # Read on a thread of its own: a team server that stopped answering must not hold the
        # dialog (the notice shows when the answer comes; without one the export still works).
        self.waiting_job = run_detached(_waiting, store, on_done=lambda found: self._show_waiting(*found),
                                        owner=self, thread_name="digest-desk-export-notice")
        last = EXPORT_FOLDER.read(self.settings)
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
        self.scheduled = QLabel(objectName="scheduled")
        self.scheduled.setWordWrap(True)
        self.scheduled.hide()  # until the store says how many are scheduled
        layout.addWidget(self.scheduled)
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

    def _show_waiting(self, times: list[datetime], zone: str) -> None:  # on the UI thread
        """How many articles are scheduled for later and when the next one is due."""
        self.scheduled.setVisible(bool(times))
        if times:
            text = self.tr("{0} scheduled: next on {1} ({2}). They are left out until their time; "
                           "export again then (or run “digest-desk export --changed” from a timer).")
            self.scheduled.setText(text.format(len(times), short_when(times[0], zone), zone))

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
        return self.export_run is not None

    def _update_buttons(self) -> None:
        busy = self.running()
        self.export_button.setEnabled(not busy and bool(self.folder_edit.text().strip()))
        self.open_button.setEnabled(not busy and self.report is not None)
        cancelling = busy and self.export_run is not None and self.export_run.cancelling
        # Once cancelling, Close: a cancel the export cannot see yet (a silent server) never traps the editor.
        self.close_button.setText(self.tr("Cancel") if busy and not cancelling else self.tr("Close"))
        for widget in (self.folder_edit, self.browse_button, self.all_radio, self.changed_radio):
            widget.setEnabled(not busy)
        self.article_radio.setEnabled(not busy and bool(self.article_slug))

    @Slot()
    def start(self) -> None:
        text = self.folder_edit.text().strip()
        if self.running() or not text:
            return
        out = Path(text).expanduser()
        EXPORT_FOLDER.write(self.settings, str(out))
        slugs = [self.article_slug] if self.article_radio.isChecked() and self.article_slug else None
        self.report = None
        self.export_run = ExportRun(self.store, out, slugs=slugs, changed=self.changed_radio.isChecked())
        self.progress.setRange(0, 0)
        font = self.status.font()
        font.setBold(False)
        self.status.setFont(font)
        self.status.setText(self.tr("Exporting…"))
        self._update_buttons()
        self.export_run.start(self._on_news, self._on_success, self._on_error, self)

    def _on_news(self, news: tuple) -> None:
        kind, first, second = news
        if kind == "ask":
            self._on_delete_question(first, second)
        else:
            self._on_progress(first, second)

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _on_error(self, exc: BaseException) -> None:
        message, cancelled = failure_text(exc, self.store)
        self._on_failure(message, cancelled)
        self._on_thread_finished()
        if not self.isVisible():  # closed meanwhile: the window says it
            self.message.emit(message if cancelled else self.tr("The export failed: {0}").format(message),
                              15000 if cancelled else 0)

    @Slot(object)
    def _on_success(self, report: ExportReport) -> None:
        self.report = report
        self._on_thread_finished()
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        summary = self._summary(report)
        self.status.setText(self.tr("Done: {0}.").format(summary))
        self._show_waiting(report.waiting, report.timezone)
        if not self.isVisible():  # closed meanwhile (it finished before it saw the cancel)
            self.message.emit(self.tr("Exported into {0}: {1}.").format(report.out, summary), 15000)

    def _summary(self, report: ExportReport) -> str:
        text = self.tr("{0}, {1} written, {2} unchanged, {3} removed in {4:.1f} s")
        return text.format(
            self.tr("%n article", "", report.articles) if report.articles == 1 else self.tr("%n articles", "", report.articles),
            self.tr("%n file", "", report.written) if report.written == 1 else self.tr("%n files", "", report.written),
            report.unchanged, report.removed, report.seconds)

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
        if self.export_run is None or self.export_run.cancelling:
            return  # closed or cancelled meanwhile: the export stops without removing anything
        answer = QMessageBox.question(
            self, self.tr("Remove pages?"),
            self.tr("This export would remove {0} of the {1} in the existing export. Continue?").format(
                self.tr("%n file", "", removed) if removed == 1 else self.tr("%n files", "", removed), existing),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
        )
        if self.export_run is not None:
            self.export_run.answer_delete(answer == QMessageBox.StandardButton.Yes)

    def _on_thread_finished(self) -> None:
        self.export_run = None
        self._update_buttons()

    @Slot()
    def cancel_or_close(self) -> None:
        """Cancel: the dialog stays to show how the export ended (then Close); Close: goes."""
        if self.export_run is not None and not self.export_run.cancelling:
            self._ask_cancel()
        else:
            self.reject()

    def _ask_cancel(self) -> None:
        assert self.export_run is not None
        self.status.setText(self.tr("Cancelling…"))
        self.export_run.cancel_event.set()
        self._update_buttons()

    def shown_again(self) -> None:
        """File > Export while the export closed earlier still ends in the background: this
        dialog shows it, and no second export into the folder starts before it has ended."""
        if self.export_run is not None:
            self.status.setText(self.tr("The export closed earlier is still stopping (a team server may "
                                        "not be answering); you can export again once it has."))

    def finish(self, seconds: float) -> bool:
        """The window closes: cancel a running export and wait for it ``seconds`` at most. False
        when it is still going: the program may end anyway, as the previous export is only
        replaced by a complete one (one swap) and a working folder left beside it is removed
        by the next export or when this dialog opens next."""
        if self.export_run is None:
            return True
        self.export_run.cancel_event.set()
        if self.export_run.finished_within(seconds):
            return True
        from digest_desk.export.render_pool import stop_all

        stop_all()  # its worker processes too: Python would wait for them at exit
        return False

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

    def reject(self) -> None:
        """Escape, the title bar's close button and Close (QDialog's closeEvent comes here too):
        the dialog goes at once, never waiting for the export thread. A running export is asked
        to cancel and ends in the background; ``message`` then says how it ended."""
        if self.export_run is not None and not self.export_run.cancelling:
            self._ask_cancel()
        super().reject()
