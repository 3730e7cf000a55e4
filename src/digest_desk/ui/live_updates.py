"""Live updates from a team server: a socket notifier on the LISTEN connection, one refresh per
burst of changes, a bar over the editor when the open article changed elsewhere, and reconnects."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from digest_desk.store import ConflictError, Store, StoreError
from digest_desk.store.notify import (
    Change,
    Listener,
    ListenerLost,
    article_state,
    server_connector,
)
from digest_desk.store.site import get_site
from digest_desk.ui.autosave import Autosaver, SaveState
from digest_desk.ui.editor import ArticleEditor
from digest_desk.ui.tasks import LatestOnly, run_detached

BURST_MS = 100  # changes arriving this close together make one refresh
RETRY_MS = (500, 1000, 2000, 4000, 8000, 15000, 30000)  # waits between reconnects, then the last

# The existing conflict flow: shows mine against theirs, True when mine should be saved over theirs.
Resolver = Callable[[ConflictError], bool]


class ChangedNotice(QFrame):
    """A bar over the editor: the open article changed elsewhere; reload it or compare."""

    reload_requested = Signal()
    compare_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="changed-notice")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel(self, wordWrap=True, objectName="changed-notice-text")
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # names a database role
        self.reload_button = QPushButton(self.tr("Reload"), self, objectName="changed-reload")
        self.reload_button.setToolTip(self.tr("Show the stored text; unsaved edits here ask first."))
        self.compare_button = QPushButton(self.tr("Compare"), self, objectName="changed-compare")
        self.compare_button.setToolTip(self.tr("See both texts and choose which to keep."))
        self.reload_button.clicked.connect(self.reload_requested)
        self.compare_button.clicked.connect(self.compare_requested)
        row = QHBoxLayout(self)
        row.addWidget(self.label, 1)
        row.addWidget(self.reload_button)
        row.addWidget(self.compare_button)
        self.hide()


class LiveUpdates(QObject):
    """Listens for the server's change notifications and says what changed, once per burst."""

    articles_changed = Signal(list)  # ids changed elsewhere; [] after a reconnect: refresh all
    site_changed = Signal(object)  # the site profile as stored now (read off the UI thread)
    media_changed = Signal()
    reload_wanted = Signal(int)  # show the stored article (nothing unsaved was in the way)
    article_gone = Signal(int)  # the open article was deleted elsewhere and nothing here is unsaved
    connection_changed = Signal(bool)  # the change feed is up (True) or being retried (False)
    message = Signal(str, int)

    def __init__(self, store: Store, editor: ArticleEditor, autosaver: Autosaver, resolve: Resolver,
                 parent: QObject | None = None, listener: Listener | None = None) -> None:
        super().__init__(parent)
        self.store, self.editor, self.autosaver, self._resolve = store, editor, autosaver, resolve
        self.listener = listener or Listener(server_connector(store))
        self.notice = ChangedNotice(editor)
        editor.add_notice(self.notice)
        self.notice.reload_requested.connect(self.reload)
        self.notice.compare_requested.connect(self.compare)
        self._notifier: QSocketNotifier | None = None
        self._pending: list[Change] = []
        self._burst = QTimer(self, singleShot=True, interval=BURST_MS)
        self._burst.timeout.connect(self._flush)
        self._retry = QTimer(self, singleShot=True)
        self._retry.timeout.connect(self._connect)
        self._failures = 0
        self._connecting = False
        self._closed = False
        self._reads = LatestOnly(self)
        self._deferred = False  # a check was put off while our own save ran (it may be the change)
        self._deferred_change: Change | None = None
        self.stored_version: int | None = None  # the open article's stored version (None: gone)
        self.me = store.engine.url.username or ""
        self._own: dict[int, int] = {}  # article id -> the newest version our own saves wrote
        autosaver.saved.connect(self._saved)
        autosaver.state_changed.connect(lambda _s: self._run_deferred())

    @property
    def listening(self) -> bool:
        return self._notifier is not None

    # -- the connection -------------------------------------------------------------------
    def start(self) -> None:
        """Connect in the background (the window never waits for the server)."""
        self._connect()

    def _connect(self) -> None:
        if self._closed or self._connecting:
            return
        self._connecting = True
        run_detached(self.listener.reconnect, owner=self,
                     on_done=lambda _r: self._connected(), on_error=self._connect_failed)

    def _connected(self) -> None:
        self._connecting = False
        if self._closed:
            self.listener.close()
            return
        self._notifier = QSocketNotifier(self.listener.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._readable)
        again = self._failures > 0
        self._failures = 0
        self.connection_changed.emit(True)
        if again:
            self.message.emit(self.tr("Live updates are back."), 4000)
        # Whatever was sent before we listened (the window read the list before, or the feed was
        # down) never arrives: read everything again.
        self.refresh_all()

    def _connect_failed(self, exc: BaseException) -> None:
        self._connecting = False
        if self._closed:
            return
        self._failures += 1
        if self._failures == 1:  # the reason names the server, never a password
            self.message.emit(self.tr("Live updates are not available yet (%1); trying again.")
                              .replace("%1", str(exc)), 8000)
        wait = RETRY_MS[min(self._failures - 1, len(RETRY_MS) - 1)]
        self._retry.start(wait)

    def _lost(self) -> None:
        self._drop_notifier()
        self.listener.close()
        self.connection_changed.emit(False)
        self.message.emit(self.tr("Live updates paused: the server connection dropped. Trying again…"),
                          8000)
        self._failures = max(self._failures, 1)
        self._retry.start(RETRY_MS[0])

    def _drop_notifier(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)  # before the socket closes: never watch a dead fd
            self._notifier.deleteLater()
            self._notifier = None

    def shutdown(self) -> None:
        self._closed = True
        self._burst.stop()
        self._retry.stop()
        self._drop_notifier()
        self.listener.close()
        self._reads.cancel()

    # -- changes --------------------------------------------------------------------------
    def _readable(self) -> None:
        try:
            changes = self.listener.drain()
        except ListenerLost:
            self._lost()
            return
        if changes:
            self._pending += changes
            if not self._burst.isActive():  # not restarted: a steady stream still refreshes
                self._burst.start()

    def _flush(self) -> None:
        changes, self._pending = self._pending, []
        open_id = self.editor.article.id if self.editor.article is not None else None
        # Our own saves are in the list already (the window shows each save it makes); while one
        # is under way, a change to the open article may be it: the version check settles that.
        theirs = [c for c in changes if not self._ours(c)
                  and not (c.kind == "article" and c.id == open_id and self._saving())]
        articles = list(dict.fromkeys(c.id for c in theirs if c.kind == "article"))
        if articles:
            self.articles_changed.emit(articles)
        if any(c.kind == "site" for c in changes):
            self._read_site()
        if any(c.kind == "media" for c in changes):
            self.media_changed.emit()
        about_open = [c for c in changes if c.kind == "article" and c.id == open_id and not self._ours(c)]
        if about_open:
            self.check_open_article(about_open[-1])

    def _ours(self, change: Change) -> bool:
        """A change our own autosaver wrote (its version came back from the save)."""
        if change.kind != "article" or change.version is None:
            return False
        return change.version <= self._own.get(change.id, 0)

    def _saved(self, stored) -> None:
        self._own[stored.id] = max(stored.version, self._own.get(stored.id, 0))
        self._run_deferred()

    def refresh_all(self) -> None:
        """After a reconnect: the list, the site, the pictures and the open article's version."""
        self.articles_changed.emit([])
        self._read_site()
        self.media_changed.emit()
        self.check_open_article(None)

    def _read_site(self) -> None:
        run_detached(get_site, self.store, owner=self, on_done=self.site_changed.emit,
                     on_error=lambda _e: None)  # a dropped server: the reconnect reads it again

    # -- the open article -----------------------------------------------------------------
    def article_opened(self) -> None:
        """Another article (or a fresh copy) is in the editor: nothing to tell about yet."""
        self._deferred, self._deferred_change = False, None
        self.stored_version = None
        self._reads.cancel()
        self.notice.hide()

    def check_open_article(self, change: Change | None, *, listed: bool = True) -> None:
        """Compare the stored version with ours (off the UI thread); a newer one raises the bar
        (and, unless ``listed``, refreshes the list: that change was held back as maybe ours)."""
        article = self.editor.article
        if article is None:
            return
        if self._saving():  # our own save may be what changed it: look once it is back
            self._defer(change)
            return
        self._reads.submit(article_state, self.store, article.id,
                           on_done=lambda state, a=article.id: self._version_read(a, state, change, listed),
                           on_error=lambda _e: None)  # a dropped server: the reconnect looks again

    def _saving(self) -> bool:
        return self.autosaver.state is SaveState.SAVING

    def _defer(self, change: Change | None) -> None:
        self._deferred, self._deferred_change = True, change

    def _run_deferred(self) -> None:
        if self._deferred and not self._saving():
            self._deferred = False
            self.check_open_article(self._deferred_change, listed=False)

    def _version_read(self, article_id: int, state: tuple[int | None, str], change: Change | None,
                      listed: bool = True) -> None:
        version, name = state
        article = self.editor.article
        if article is None or article.id != article_id:
            return
        if self._saving():
            self._defer(change)
            return
        self.stored_version = version
        if version is not None and version <= article.version:
            self.notice.hide()  # ours is the newest (our own save, or already reloaded)
            return
        self.notice.label.setText(self.describe(change, version, name))
        self.notice.show()
        if not listed:
            self.articles_changed.emit([article_id])

    def describe(self, change: Change | None, version: int | None, name: str = "") -> str:
        """The bar's sentence: who did what to the open article. ``name`` is the display name
        saved with that version (as locks and the history show editors); without one, the
        database role that sent the change; nobody for our own name or role (another window)."""
        role = change.user if change is not None and change.user != self.me else ""
        who = name if name and name != self.store.editor else ("" if name else role)
        if version is None:
            text = (self.tr("%1 deleted this article.") if who else
                    self.tr("This article was deleted in another window."))
        elif change is None:
            text = self.tr("This article was changed while the server connection was down "
                           "(version %2).")
        elif change.op == "publish":
            text = (self.tr("%1 published this article (version %2).") if who else
                    self.tr("This article was published in another window (version %2)."))
        else:
            text = (self.tr("%1 saved a newer version of this article (version %2).") if who else
                    self.tr("This article was saved in another window (version %2)."))
        return text.replace("%1", who).replace("%2", str(version)) + " " + self.tr(
            "Your text here is unchanged.")

    def _unsaved(self) -> bool:
        return self.autosaver.dirty or self.autosaver.state is not SaveState.SAVED

    def reload(self) -> None:
        """Show their text; unsaved edits here go through the conflict dialog first."""
        article = self.editor.article
        if article is None:
            return
        if self._unsaved():
            self.compare()
            return
        self.notice.hide()
        if self.stored_version is None:
            self.article_gone.emit(article.id)
        else:
            self.reload_wanted.emit(article.id)

    def compare(self) -> None:
        """Mine against theirs in the conflict dialog: keep mine, theirs, or both."""
        article = self.editor.article
        if article is None:
            return
        self.notice.hide()
        try:
            keep_mine = self._resolve(ConflictError(article.id, article.version, self.stored_version))
        except StoreError as exc:
            self.message.emit(str(exc), 8000)
            self.notice.show()
            return
        if keep_mine:
            self.autosaver.save_now()  # the editor now stands on their version: mine goes over it
        elif self.stored_version is None and self.editor.article is article:
            self.article_gone.emit(article.id)  # theirs is "deleted": nothing to load
