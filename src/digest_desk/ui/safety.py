"""The window's safety net: drafts while typing, edit locks with heartbeat, conflicts, recovery, restore."""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from digest_desk.domain import Article
from digest_desk.identity import clean_name, default_display_name, lock_holder
from digest_desk.store import ConflictError, Store, StoreError
from digest_desk.store.backup import BackupError, restore
from digest_desk.store.conflicts import Choice, Conflict, keep_both, keep_mine, load_theirs
from digest_desk.store.drafts import (
    DraftKeeper,
    DraftSaveError,
    DraftTimer,
    PendingDraft,
)
from digest_desk.store.locks import (
    HEARTBEAT_EVERY,
    LockState,
    acquire,
    current_lock,
    heartbeat,
    holds,
    live_holders,
    release,
    release_all,
    take_over,
)
from digest_desk.store.safe_open import is_read_only
from digest_desk.store.saving import server_away
from digest_desk.ui.autosave import SERVER_WAIT_S, Autosaver
from digest_desk.ui.editor import ArticleEditor
from digest_desk.ui.recovery import ConflictDialog, LockNotice, RecoveryDialog
from digest_desk.ui.server_wait import ServerWaits, Unanswered
from digest_desk.ui.tasks import InOrder, Job, answer_within, run_detached

# A heartbeat the team server has not answered within this long: the server counts as away (the
# window says Offline) until an answer comes (a frozen server, a link that drops silently).
HEARTBEAT_WAIT_S = 3.0


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _write_draft(keeper: DraftKeeper, article_id: int, data: dict[str, Any], version: int,
                 taken: datetime) -> str | None:
    """Worker side: keep one draft; why it failed, or None when it was written."""
    try:
        keeper.write(article_id, data, base_version=version, taken_at=taken)
    except DraftSaveError as exc:
        return str(exc)
    return None


class SafetyGuard(QObject):
    """Keeps drafts of the editor's text, holds the open article's edit lock, settles conflicts
    and offers recovery; it tells the window what happened through its signals.

    Drafts are written on one worker thread, in order, so even a 10 MB text never stalls typing.
    """

    message = Signal(str, int)  # text for the status bar, milliseconds to show it
    reload_wanted = Signal(int)  # the stored article should replace the editor's text
    articles_recovered = Signal(int)  # drafts were written back; the last one's article id
    draft_failed = Signal(str)  # a draft could not be written (why)
    lock_lost = Signal(int)  # another editor took over the open article (its id)

    def __init__(self, store: Store, editor: ArticleEditor, autosaver: Autosaver,
                 parent: QObject | None = None, *, editor_name: str = "") -> None:
        super().__init__(parent)
        self.store, self.editor, self.autosaver = store, editor, autosaver
        # The lock holder (and draft session) names the editor; identity.holder_name reads it back.
        self.keeper = DraftKeeper(store, lock_holder(editor_name) if editor_name else None)
        self.holder = self.keeper.session_id
        self.display_name = clean_name(editor_name) or default_display_name()  # shown to other editors
        self.timer = DraftTimer()
        self.lock: LockState | None = None
        self.read_only = is_read_only(store)
        self._resolving = False
        self._closed = False
        self._worker = InOrder(self)
        self._waits = ServerWaits(lambda note: self.message.emit(note, 0), self)  # conflicts on a server
        self.draft_failed.connect(lambda text: self.message.emit(text, 15000))
        self._draft_clock = QTimer(self, singleShot=True)
        self._draft_clock.timeout.connect(self._draft_due)
        self._beat = QTimer(self, interval=int(HEARTBEAT_EVERY * 1000))
        self._beat.timeout.connect(self.beat)
        self._beating: Job | None = None  # the heartbeat under way, on a thread of its own
        self._beat_late = QTimer(self, singleShot=True, interval=int(HEARTBEAT_WAIT_S * 1000))
        self._beat_late.timeout.connect(self._beat_overdue)
        self.notice = LockNotice(editor)
        editor.add_notice(self.notice)
        self.notice.take_over_requested.connect(self.take_over)
        editor.edited.connect(self.edited)
        autosaver.saved.connect(self.saved)
        autosaver.failed.connect(self.save_failed)

    # -- drafts ---------------------------------------------------------------------------
    def edited(self) -> None:
        if self.editor.article is None or self.read_only:
            return
        now = time.monotonic()
        self.timer.changed(now)
        wait = self.timer.next_check(now)
        if wait is not None and not self._draft_clock.isActive():
            self._draft_clock.start(int(wait * 1000) + 1)

    def _draft_due(self) -> None:
        now = time.monotonic()
        if self.timer.due(now):
            self.write_draft()
        elif self.timer.dirty:
            self._draft_clock.start(int((self.timer.next_check(now) or 0) * 1000) + 1)

    def draft_data(self) -> dict[str, Any]:
        editor = self.editor
        data = {k: _plain(v) for k, v in editor.snapshot().items()}
        if editor.article is not None:
            data["links"] = [link.snapshot() for link in editor.article.links]
        return data

    def write_draft(self) -> Job | None:
        """Keep the editor's text as a draft (written in the background, in order)."""
        article = self.editor.article
        self.timer.written()
        if article is None or self._closed:
            return None
        data, taken = self.draft_data(), datetime.now(UTC)
        return self._worker.submit(_write_draft, self.keeper, article.id, data, article.version, taken,
                                   on_done=self._draft_written)

    def _draft_written(self, failure: str | None) -> None:
        if failure is not None:
            self.draft_failed.emit(failure)

    def saved(self, stored) -> None:
        """An article save went through: its draft is no longer needed (after queued writes)."""
        if self._closed:
            return
        self._worker.submit(self._clear, stored.id, datetime.now(UTC))
        if not self.timer.dirty:
            self._draft_clock.stop()

    def _clear(self, article_id: int, when: datetime) -> None:
        try:
            self.keeper.clear(article_id, written_before=when)
        except StoreError:
            pass

    def wait_for_drafts(self) -> None:
        """Block until every queued draft write has finished (tests, closing)."""
        self._worker.wait()

    def save_failed(self, message: str) -> None:
        """A save failed (disk full, read-only, busy): keep the text as a draft or recovery file."""
        self.write_draft()

    # -- edit locks -----------------------------------------------------------------------
    def article_opened(self, article_id: int) -> None:
        """An article was opened here: take its edit lock. A team server is asked on a thread of
        its own and waited for SERVER_WAIT_S at most; a later answer still counts if the article
        is open then (no lock meanwhile: nothing to keep alive, the editor stays as it was)."""
        if self.read_only or not self.store.is_server:
            self.lock_taken(article_id, None if self.read_only else self.take_lock(article_id))
            return
        settled = False

        def arrived(lock: LockState | None) -> None:
            nonlocal settled
            if settled:
                return
            settled = True
            if self.editor.article is not None and self.editor.article.id == article_id:
                self.lock_taken(article_id, lock)
            else:
                self.let_go(lock)  # another article is open by now

        job = run_detached(self.take_lock, article_id, owner=self, on_done=arrived,
                           on_error=lambda _exc: arrived(None))
        if job.done.wait(SERVER_WAIT_S):
            arrived(job.result if job.error is None else None)

    def take_lock(self, article_id: int) -> LockState | None:
        """Ask for this window's edit lock on an article; safe on any thread (a team server's
        open asks on a thread of its own). None when the store refused (the editor stays as it is)."""
        if self.read_only:
            return None
        try:
            return acquire(self.store, article_id, self.holder, editor=self.display_name)
        except StoreError:
            return None

    def lock_taken(self, article_id: int, lock: LockState | None) -> None:
        """The article now open holds ``lock`` (from ``take_lock``): give back the previous
        article's lock, show who else edits it (read-only, "Take Over") and keep it alive."""
        if self.read_only:
            self._pause(self.tr("The database is open read-only; editing is disabled."))
            return
        previous = self.lock
        if previous is not None and previous.article_id != article_id:
            self._release(previous.article_id)
        self.lock = lock
        if lock is None:
            return
        self.notice.show_state(lock)  # held by another editor: read-only, "Take Over"
        self.editor.set_editable(lock.ours)
        if not self._beat.isActive():
            self._beat.start()

    def let_go(self, lock: LockState | None) -> None:
        """A lock taken for an open that was replaced by a newer click: give it back, unless
        that article is the one open here."""
        if lock is None or not lock.ours or (self.lock is not None and self.lock.article_id == lock.article_id):
            return
        self._release(lock.article_id)

    def _release(self, article_id: int) -> None:
        if self.store.is_server:  # a silent server never holds the window; its lock goes stale
            run_detached(self._quiet, release, article_id, owner=self)
        else:
            self._quiet(release, article_id)

    def _pause(self, text: str) -> None:
        self.notice.label.setText(text)
        self.notice.button.hide()
        self.notice.show()
        self.editor.set_editable(False)

    @property
    def editing(self) -> bool:
        return self.editor.editable

    def take_over(self) -> None:
        """Edit here what another editor holds, once the editor confirms."""
        article = self.editor.article
        if article is None:
            return
        held = self.lock if self.lock is not None and not self.lock.ours else None
        who = held.who() if held is not None else self.tr("Another editor")
        answer = QMessageBox.question(
            self.editor.window(), self.tr("Take Over Editing"),
            self.tr("%1 is editing this article. Take it over? Their window becomes read-only and "
                    "keeps their unsaved text as a draft.").replace("%1", who))
        if answer != QMessageBox.StandardButton.Yes:
            return
        if self.store.is_server:  # asked on a thread of its own: a silent server holds nothing
            self.notice.button.setEnabled(False)  # until the server answers
            run_detached(take_over, self.store, article.id, self.holder, editor=self.display_name,
                         owner=self, on_done=lambda lock: self._taken_over(article.id, lock),
                         on_error=self._take_over_failed)
            return
        try:
            lock = take_over(self.store, article.id, self.holder, editor=self.display_name)
        except StoreError as exc:
            self._take_over_failed(exc)
            return
        self._taken_over(article.id, lock)

    def _taken_over(self, article_id: int, lock: LockState) -> None:
        self.notice.button.setEnabled(True)
        if self.editor.article is None or self.editor.article.id != article_id:
            self.let_go(lock)  # another article was opened meanwhile
            return
        self.lock = lock
        self.reload_wanted.emit(article_id)  # show what the other window saved, then edit here

    def _take_over_failed(self, exc: BaseException) -> None:
        self.notice.button.setEnabled(True)
        if isinstance(exc, StoreError):
            self.message.emit(str(exc), 10000)
        elif server_away(self.store, exc):
            self.message.emit(self.tr("The team server cannot be reached; try taking over again "
                                      "in a moment."), 10000)
        else:
            raise exc

    def beat(self) -> Job | None:
        """Keep the open article's lock alive. The server is asked on a thread of its own, so a
        silent one never holds the window; no answer within HEARTBEAT_WAIT_S says Offline, and a
        lock taken by someone else is noticed when the answer comes. None: nothing was asked."""
        if self.lock is None or not self.lock.ours or self._closed or self._beating is not None:
            return None  # (a beat still out: the server has not answered the last one yet)
        lock = self.lock
        self._beating = run_detached(heartbeat, self.store, lock.article_id, self.holder, owner=self,
                                     on_done=lambda kept: self._beat_answered(lock, kept),
                                     on_error=lambda exc: self._beat_failed(lock, exc))
        self._beat_late.start()
        return self._beating

    @property
    def heartbeat_pending(self) -> bool:
        """A heartbeat was sent and its answer has not arrived yet."""
        return self._beating is not None

    def _beat_overdue(self) -> None:
        if self._beating is not None and self.store.is_server:
            self.autosaver.server_away()

    def _beat_answered(self, lock: LockState, kept: bool) -> None:
        self._beating = None
        self._beat_late.stop()
        self.autosaver.server_back()
        if not kept and self.lock is lock:
            self.lost_lock()

    def _beat_failed(self, lock: LockState, exc: BaseException) -> None:
        self._beating = None
        self._beat_late.stop()
        if isinstance(exc, StoreError) and not self.store.is_server:
            return  # the local file is away for a moment: that is no take-over
        if isinstance(exc, StoreError) or server_away(self.store, exc):
            self.autosaver.server_away()  # the next beat tries again (the lock outlives it)
            return
        raise exc

    def still_holds_lock(self) -> bool:
        """Whether the open article's lock is still ours (asked when a save fails)."""
        if self.lock is None or not self.lock.ours:
            return False
        try:
            if self.store.is_server:  # asked on a thread of its own, waited for a moment only:
                # a silent server is not a take-over (the save path handles it)
                held, _job = answer_within(SERVER_WAIT_S, True, holds, self.store,
                                           self.lock.article_id, self.holder)
                return held
            return holds(self.store, self.lock.article_id, self.holder)
        except StoreError:
            return True  # the server is away: not a take-over; the save path handles it
        except Exception as exc:
            if server_away(self.store, exc):
                return True
            raise

    def lost_lock(self) -> None:
        """Another editor took the article over: keep our unsaved text as a draft, stop saving it
        over theirs, make the editor read-only and say who has it now."""
        if self.lock is None or not self.lock.ours:
            return
        article_id = self.lock.article_id
        try:  # the lock as it is now (also marks ours as gone before anything re-enters here)
            self.lock = current_lock(self.store, article_id, self.holder)
        except Exception as exc:
            if not isinstance(exc, StoreError) and not server_away(self.store, exc):
                raise
            self.lock = None
        self.editor.set_editable(False)
        if self.autosaver.dirty or self.timer.dirty:
            self.write_draft()
        self.autosaver.reset()  # pending edits live on in the draft, never saved over theirs
        self.notice.show_lost(self.lock)
        self.lock_lost.emit(article_id)

    def _quiet(self, fn, article_id: int) -> bool:
        try:
            return bool(fn(self.store, article_id, self.holder))
        except StoreError:
            return False

    def shutdown(self) -> None:
        self._waits.cancel_all()  # a conflict waiting on a silent server gives up (text kept)
        self._beat.stop()
        self._beat_late.stop()
        self._draft_clock.stop()
        self._closed = True
        self._worker.wait()  # the last drafts reach the disk before the window goes
        self.keeper.close()
        if self.read_only or self._beating is not None:  # a silent server: closing never waits
            return  # on it (our locks go stale by themselves)
        try:  # a server is waited for SERVER_WAIT_S at most: one that stopped answering since
            if self.store.is_server:  # the last heartbeat would hold the window's closing
                answer_within(SERVER_WAIT_S, None, release_all, self.store, self.holder)
            else:
                release_all(self.store, self.holder)
        except StoreError:
            pass
        except Exception as exc:
            if not server_away(self.store, exc):
                raise  # a server away: our locks go stale by themselves

    # -- conflicts ------------------------------------------------------------------------
    def resolve_conflict(self, exc: ConflictError) -> bool:
        """The autosaver's conflict handler: True when the save should be retried."""
        if self._resolving:  # the dialog took focus, which flushed autosave: one dialog is enough
            return False
        self._resolving = True
        try:
            return self._resolve(exc)
        finally:
            self._resolving = False

    def _resolve(self, exc: ConflictError) -> bool:
        editor = self.editor
        if self.store.is_server:
            return self._resolve_on_server(exc)
        if self.lock is not None and self.lock.article_id == exc.article_id \
                and not self.still_holds_lock():
            self.lost_lock()  # taken over: the newer text stays, ours becomes a draft
            return False
        conflict = load_theirs(self.store, editor.edited_copy())
        dialog = ConflictDialog(conflict, editor.window())
        dialog.exec()
        choice = dialog.choice or Choice.BOTH  # closing the dialog loses nothing
        if choice is Choice.MINE:
            base = keep_mine(self.store, conflict)
            editor.article.id, editor.article.version = base.id, base.version
            return True
        if choice is Choice.BOTH:
            keep_both(self.store, conflict)
        self.wait_for_drafts()
        self.keeper.clear(exc.article_id)
        self.reload_wanted.emit(exc.article_id)
        return False

    def _resolve_on_server(self, exc: ConflictError) -> bool:
        """``_resolve`` without a read or write on the UI thread: the lock check and their text
        are read on a thread of their own, and the choice is written so too while the dialog
        waits; the window goes on meanwhile and, after a moment, says the server is not
        answering. Given up (closing, the server unreachable): the text stays in the editor and
        in the local draft, and the next save meets the conflict again."""
        editor = self.editor
        check_lock = self.lock is not None and self.lock.article_id == exc.article_id and self.lock.ours
        try:
            read = self._waits.call(self.tr("The team server is not answering; the other version "
                                            "shows when it does."),
                                    self._read_conflict, editor.edited_copy(), exc.article_id, check_lock)
        except Exception as error:  # noqa: BLE001 - sorted by _gave_up
            return self._gave_up(error)
        if read is None:
            self.lost_lock()  # taken over: the newer text stays, ours becomes a draft
            return False
        if editor.article is None or editor.article.id != exc.article_id:
            return False  # another article is open by now
        conflict = Conflict(editor.edited_copy(), read.theirs)  # with what was typed meanwhile
        written: dict[Choice, Any] = {}
        dialog = ConflictDialog(conflict, editor.window(), settle_later=True)
        dialog.chosen.connect(lambda choice: self._write_choice(dialog, conflict, choice, written))
        dialog.exec()
        choice = dialog.choice or Choice.BOTH  # closed with theirs deleted: nothing to write
        if choice is not Choice.THEIRS and conflict.theirs is not None and choice not in written:
            return self._gave_up(Unanswered())  # the choice was not written: nothing changes
        if choice is Choice.MINE:
            base = written[Choice.MINE]
            editor.article.id, editor.article.version = base.id, base.version
            return True
        self.wait_for_drafts()
        self.keeper.clear(exc.article_id)
        self.reload_wanted.emit(exc.article_id)
        return False

    def _read_conflict(self, mine: Article, article_id: int, check_lock: bool) -> Conflict | None:
        """Worker side: their text, or None when our lock was taken over meanwhile."""
        if check_lock and not holds(self.store, article_id, self.holder):
            return None
        return load_theirs(self.store, mine)

    def _write_choice(self, dialog: ConflictDialog, conflict: Conflict, choice: Choice,
                      written: dict[Choice, Any]) -> None:
        write = {Choice.MINE: keep_mine, Choice.BOTH: keep_both}.get(choice)
        if write is None or conflict.theirs is None and choice is Choice.BOTH:
            dialog.settled()
            return
        try:
            written[choice] = self._waits.call(
                self.tr("The team server is not answering; your choice is saved when it does."),
                write, self.store, conflict, give_up=dialog.rejected)
        except Unanswered:  # the dialog was closed, or the window closes
            if dialog.isVisible():
                dialog.reject()
            return
        except Exception as error:
            if not isinstance(error, StoreError) and not server_away(self.store, error):
                raise
            dialog.reject()
            return
        dialog.settled()

    def _gave_up(self, error: BaseException) -> bool:
        """A conflict could not be settled with the server now: keep the text here."""
        if not isinstance(error, (Unanswered, StoreError)) and not server_away(self.store, error):
            raise error
        if not self._closed:
            self.message.emit(self.tr("The team server cannot be reached; your text is kept on this "
                                      "computer and saved when it can be."), 10000)
            self.write_draft()
        return False

    # -- recovery at start ----------------------------------------------------------------
    def offer_recovery(self, parent: QWidget | None = None) -> int:
        """Show drafts left by crashed or closed windows; returns how many were recovered.

        On a team server the drafts are compared with the stored articles on a thread of its
        own and the dialog shows once the server answers (a silent one never holds the window):
        0 is returned then, and ``articles_recovered`` tells what was recovered."""
        if self.read_only:
            return 0
        if self.store.is_server:
            run_detached(self._recoverable, owner=self, on_done=lambda drafts: self._offer(drafts, parent),
                         on_error=self._recovery_failed)
            return 0
        try:
            drafts = self._recoverable()
        except StoreError:
            return 0
        return self._offer(drafts, parent)

    def _recoverable(self) -> list[PendingDraft]:
        """Drafts of other sessions (not running now) that hold text the articles lack."""
        self.keeper.drop_unchanged()
        busy = live_holders(self.store, exclude=self.holder)
        return [d for d in self.keeper.pending() if d.session_id not in busy]

    def _recovery_failed(self, exc: BaseException) -> None:
        if self._closed or isinstance(exc, StoreError) or server_away(self.store, exc):
            return  # offered again on the next start
        raise exc

    def _offer(self, drafts: list[PendingDraft], parent: QWidget | None) -> int:
        if not drafts or self._closed:
            return 0
        recovered: list[int] = []
        dialog = RecoveryDialog(drafts, parent or self.editor.window())
        dialog.recover_requested.connect(lambda d: recovered.append(self.keeper.apply(d).id))
        dialog.discard_requested.connect(lambda d: self.keeper.discard(d.id))
        dialog.exec()
        if recovered:
            self.articles_recovered.emit(recovered[-1])
        return len(recovered)


def open_database_safely(db: str | None, parent: QWidget | None = None):
    """Open the workstation's database; a damaged one gets a plain message and restore offers.

    Returns the store (maybe read-only) or None when the editor gave up.
    """
    from digest_desk.paths import resolve_db_path
    from digest_desk.store.safe_open import open_for_editing
    from digest_desk.ui.recovery import DatabaseProblemDialog

    path, is_default = resolve_db_path(db)
    if isinstance(path, str):  # a team server: its password asked for when libpq has none
        return _open_server_window(path, parent)
    while True:
        opened = open_for_editing(path)
        if opened.store is not None:
            if opened.message:
                QMessageBox.information(parent, "Digest Desk", opened.message)
            if opened.store.created and is_default and opened.writable:
                from digest_desk.store.demo import seed_demo

                seed_demo(opened.store)
            if opened.writable and not opened.store.is_server:  # a server: pg_dump's job
                _daily_backup(path, parent)
            return opened.store
        if isinstance(path, str):  # a team server: no local backups to offer (message has no password)
            print(f"digest-desk: {opened.message}", file=sys.stderr)
            QMessageBox.critical(parent, "Digest Desk", opened.message)
            return None
        dialog = DatabaseProblemDialog(opened.message, opened.backups, parent)
        if not dialog.exec() or dialog.chosen is None:
            print(f"digest-desk: {opened.message}", file=sys.stderr)
            return None
        try:
            restore(path, dialog.chosen.path, force=True)
        except BackupError as exc:
            QMessageBox.critical(parent, "Digest Desk", str(exc))
            return None


def _open_server_window(url: str, parent: QWidget | None):
    from digest_desk.ui.connect_dialog import open_server_asking

    try:
        return open_server_asking(url, parent)
    except StoreError as exc:  # its message names the server without a password
        print(f"digest-desk: {exc}", file=sys.stderr)
        QMessageBox.critical(parent, "Digest Desk", str(exc))
        return None


def _daily_backup(path, parent: QWidget | None) -> None:
    """Today's rolling backup, made once per day when the workstation starts."""
    from digest_desk.store.backup import ensure_daily_backup

    try:
        ensure_daily_backup(path)
    except BackupError as exc:
        QMessageBox.warning(parent, "Digest Desk", str(exc))
