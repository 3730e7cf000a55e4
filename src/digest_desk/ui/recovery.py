"""Safety dialogs: recover drafts (with a diff), resolve a save conflict, take over an edit lock, restore."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from digest_desk.store.backup import BackupInfo
from digest_desk.store.conflicts import Choice, Conflict
from digest_desk.store.drafts import PendingDraft
from digest_desk.store.locks import LockState
from digest_desk.ui import icons


class DiffHighlighter(QSyntaxHighlighter):
    """Colours a unified diff: additions green, removals red, headers bold."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._added = self._format("#1a7f37")
        self._removed = self._format("#cf222e")
        self._header = self._format(None, bold=True)

    @staticmethod
    def _format(color: str | None, bold: bool = False) -> QTextCharFormat:
        fmt = QTextCharFormat()
        if color:
            fmt.setForeground(QColor(color))
        if bold:
            fmt.setFontWeight(QFont.Weight.Bold)
        return fmt

    def highlightBlock(self, text: str) -> None:  # noqa: N802  (Qt override)
        if text.startswith(("+++", "---", "@@")):
            fmt = self._header
        elif text.startswith("+"):
            fmt = self._added
        elif text.startswith("-"):
            fmt = self._removed
        else:
            return
        self.setFormat(0, len(text), fmt)


def diff_view(parent: QWidget, name: str) -> QPlainTextEdit:
    view = QPlainTextEdit(parent, objectName=name, readOnly=True)
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
    view.setFont(QFont("monospace"))
    view.highlighter = DiffHighlighter(view.document())  # kept alive with the view
    return view


class RecoveryDialog(QDialog):
    """Lists drafts left by a crash or another window; shows what differs; recover or discard each."""

    recover_requested = Signal(object)  # PendingDraft
    discard_requested = Signal(object)  # PendingDraft

    def __init__(self, drafts: list[PendingDraft], parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="recovery-dialog")
        self.setWindowTitle(self.tr("Recover Unsaved Work"))
        self.drafts = list(drafts)
        intro = QLabel(self.tr(
            "Digest Desk found text that was typed but not saved (the program stopped, or another "
            "window was closed before saving). Check what differs and recover it."), wordWrap=True)
        self.list = QListWidget(self, objectName="recovery-list")
        self.diff = diff_view(self, "recovery-diff")
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.list)
        split.addWidget(self.diff)
        split.setSizes([240, 520])
        buttons = QDialogButtonBox(self)
        self.recover_button = buttons.addButton(self.tr("Recover"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.recover_button.setObjectName("recover-button")
        self.discard_button = buttons.addButton(self.tr("Discard"), QDialogButtonBox.ButtonRole.DestructiveRole)
        self.discard_button.setObjectName("discard-button")
        later = buttons.addButton(self.tr("Decide Later"), QDialogButtonBox.ButtonRole.RejectRole)
        later.setObjectName("later-button")
        self.recover_button.clicked.connect(lambda: self._act(self.recover_requested))
        self.discard_button.clicked.connect(lambda: self._act(self.discard_requested))
        later.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(split, 1)
        layout.addWidget(buttons)
        self.list.currentRowChanged.connect(self._show)
        self._fill()
        self.resize(860, 520)

    def _fill(self) -> None:
        self.list.clear()
        for draft in self.drafts:
            when = draft.updated_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            note = self.tr("never saved") if draft.stored is None else (
                self.tr("newer than the saved text") if draft.newer else self.tr("older than the saved text"))
            QListWidgetItem(f"{draft.title}\n{when} · {note}", self.list)
        if self.drafts:
            self.list.setCurrentRow(0)
        self._update_enabled()

    def current(self) -> PendingDraft | None:
        row = self.list.currentRow()
        return self.drafts[row] if 0 <= row < len(self.drafts) else None

    def _show(self, _row: int) -> None:
        draft = self.current()
        self.diff.setPlainText(draft.diff() if draft else "")

    def _act(self, signal) -> None:
        draft = self.current()
        if draft is None:
            return
        signal.emit(draft)
        self.drafts.remove(draft)
        self._fill()
        if not self.drafts:
            self.accept()

    def _update_enabled(self) -> None:
        has = bool(self.drafts)
        self.recover_button.setEnabled(has)
        self.discard_button.setEnabled(has)


class ConflictDialog(QDialog):
    """A save lost the race: keep my text, keep theirs, or keep both (mine as a revision).

    ``settle_later``: a choice is announced through ``chosen`` and the dialog stays open, its
    buttons off, until the caller's write is done (``settled``) or it is closed (a team server
    that does not answer); closing it before a choice still means "Keep Both"."""

    chosen = Signal(object)  # the Choice, with settle_later

    def __init__(self, conflict: Conflict, parent: QWidget | None = None, *,
                 settle_later: bool = False) -> None:
        super().__init__(parent, objectName="conflict-dialog")
        self.setWindowTitle(self.tr("Changed Elsewhere"))
        self.choice: Choice | None = None
        self.settle_later = settle_later
        self.note = QLabel(self, objectName="conflict-note", wordWrap=True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.hide()
        if conflict.theirs is None:
            text = self.tr("This article was deleted in another window while you edited it.")
        else:
            text = self.tr("This article was saved in another window while you edited it. "
                           "Nothing was overwritten. Below: their saved text (−) and yours (+).")
        label = QLabel(text, wordWrap=True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        self.diff = diff_view(self, "conflict-diff")
        self.diff.setPlainText(conflict.diff())
        buttons = QDialogButtonBox(self)
        specs = [
            (Choice.MINE, self.tr("Keep Mine"), self.tr("Save your text; theirs stays in the history.")),
            (Choice.THEIRS, self.tr("Keep Theirs"), self.tr("Drop your changes and show their text.")),
            (Choice.BOTH, self.tr("Keep Both"),
             self.tr("Show their text; keep yours as a revision to copy from.")),
        ]
        for choice, title, tip in specs:
            button = buttons.addButton(title, QDialogButtonBox.ButtonRole.ActionRole)
            button.setObjectName(f"conflict-{choice.value}")
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, c=choice: self._choose(c))
        if conflict.theirs is None:
            buttons.findChild(QPushButton, "conflict-both").setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.diff, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.resize(760, 480)

    def buttons(self) -> list[QPushButton]:
        """The choice buttons (as QMessageBox.buttons() gives them)."""
        return [b for b in self.findChildren(QPushButton) if b.objectName().startswith("conflict-")]

    def _choose(self, choice: Choice) -> None:
        self.choice = choice
        if not self.settle_later:
            self.accept()
            return
        for button in self.buttons():
            button.setEnabled(False)
        self.show_note(self.tr("Saving your choice…"))
        self.chosen.emit(choice)

    def show_note(self, text: str) -> None:
        """A line above the buttons: what the dialog waits for."""
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def settled(self) -> None:
        """The chosen write is done."""
        self.accept()

    def reject(self) -> None:
        if self.settle_later and self.choice is None:
            both = self.findChild(QPushButton, "conflict-both")
            if both is not None and both.isEnabled():
                self._choose(Choice.BOTH)  # closing the dialog loses nothing
                return
        super().reject()  # waiting for the server: given up, the text stays in the editor


class LockNotice(QFrame):
    """A bar over the editor: another editor holds the article (or took it over from us), so it is
    open here read-only; "Take Over" asks to edit it here instead."""

    take_over_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="lock-notice")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.icon = QLabel(self, objectName="lock-notice-icon")
        self.label = QLabel(self, wordWrap=True, objectName="lock-notice-text")
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # names another user and host
        self.button = QPushButton(self.tr("Take Over"), self, objectName="take-over-button")
        self.button.setToolTip(self.tr("Edit here; the other editor's window becomes read-only."))
        self.button.clicked.connect(self.take_over_requested)
        row = QHBoxLayout(self)
        row.addWidget(self.icon)
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        self.hide()

    def _show(self, text: str) -> None:
        self.icon.setPixmap(icons.get("locked").pixmap(20, 20))
        self.label.setText(text)
        self.button.show()
        self.show()

    def show_state(self, state: LockState | None) -> None:
        """Someone else holds the lock: say who; nothing shown when the lock is ours or free."""
        if state is None or state.ours:
            self.hide()
            return
        self._show(self.tr("%1 is editing this article.").replace("%1", state.who()) + " " + self.tr(
            "It is open here read-only so neither of you overwrites the other."))
        self.label.setToolTip(state.describe())  # where, which process, last heartbeat

    def show_lost(self, state: LockState | None) -> None:
        """We lost the lock: who took it, and that our unsaved text is kept as a draft."""
        who = state.who() if state is not None else self.tr("Another editor")
        self._show(self.tr("%1 took over this article; it is read-only here now. Your unsaved text "
                           "is kept as a draft (offered for recovery).").replace("%1", who))
        self.label.setToolTip(state.describe() if state is not None else "")


class DatabaseProblemDialog(QDialog):
    """The database cannot be opened: say why in plain words and offer the automatic backups."""

    def __init__(self, message: str, backups: list[BackupInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="database-problem-dialog")
        self.setWindowTitle(self.tr("Cannot Open The Database"))
        self.chosen: BackupInfo | None = None
        self.backups = list(backups)
        self.message = message
        label = QLabel(message, wordWrap=True, objectName="database-problem-text")
        label.setTextFormat(Qt.TextFormat.PlainText)  # a path and an error from the system
        self.list = QListWidget(self, objectName="backup-list")
        for info in self.backups:
            QListWidgetItem(info.label(), self.list)
        if self.backups:
            self.list.setCurrentRow(0)
        hint = QLabel(self.tr("Restore a backup (the current file is kept beside it, untouched):")
                      if self.backups else self.tr("There is no automatic backup to restore."),
                      wordWrap=True)
        buttons = QDialogButtonBox(self)
        self.restore_button = buttons.addButton(self.tr("Restore Backup"),
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setObjectName("restore-button")
        self.restore_button.setEnabled(bool(self.backups))
        close = buttons.addButton(self.tr("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.clicked.connect(self._restore)
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(hint)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)

    def text(self) -> str:
        """The explanation shown (as QMessageBox.text() gives it)."""
        return self.message

    def _restore(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.backups):
            self.chosen = self.backups[row]
            self.accept()
