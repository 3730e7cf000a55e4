"""The "Related links" panel: edit an article's links, add suggestions and internal links, check them."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from digest_desk.domain import Article
from digest_desk.links.checker import check_links
from digest_desk.links.records import store_results
from digest_desk.links.suggest import Suggestion, suggest_related
from digest_desk.links.validate import host_forms, is_idn, parse_pasted, validate_url
from digest_desk.store import Store
from digest_desk.store.articles import list_articles
from digest_desk.store.search import SearchError, search
from digest_desk.ui import icons
from digest_desk.ui import link_commands as cmds
from digest_desk.ui.links_model import KIND, KINDS, URL, LinksModel
from digest_desk.ui.plaintext import plain
from digest_desk.ui.server_asks import NewestAsk
from digest_desk.ui.tasks import LatestOnly, run_in_background


class KindDelegate(QStyledItemDelegate):
    """Edits the kind column with a combo box of the three kinds."""

    def createEditor(self, parent, option, index):  # noqa: N802
        combo = QComboBox(parent)
        combo.addItems(KINDS)
        return combo

    def setEditorData(self, editor, index):  # noqa: N802
        editor.setCurrentText(index.data(Qt.ItemDataRole.EditRole) or KINDS[0])

    def setModelData(self, editor, model, index):  # noqa: N802
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


class LinksTable(QTableView):
    """The link table; ``paste()`` lets the window's Edit > Paste reach it when it has focus."""

    paste_requested = Signal()

    def paste(self) -> None:
        self.paste_requested.emit()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.matches(QKeySequence.StandardKey.Paste):  # no window around: handle it here
            self.paste()
            event.accept()
            return
        super().keyPressEvent(event)


class LinksPanel(QWidget):
    """Links of the current article; every edit is an undo command on the article's stack."""

    links_changed = Signal(list)
    checks_finished = Signal(list)
    _check_progress = Signal(int, int)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("links_panel")
        self.store = store
        self._asks = NewestAsk(store, self)  # a team server's link targets, off the UI thread
        self._find_asks = NewestAsk(store, self)  # and its search as the editor types
        self.article: Article | None = None
        self.undo_stack: QUndoStack | None = None
        self.document: cmds.LinkDocument | None = None
        self._documents: dict[int | None, tuple[QUndoStack, cmds.LinkDocument]] = {}
        self._check_job = None
        self._suggester = LatestOnly(owner=self)
        self._draft: Callable[[], dict[str, Any]] | None = None
        self.model = LinksModel(self)
        self.model.edit_requested.connect(self._edit)
        self.model.move_requested.connect(self.move_link)
        self._check_progress.connect(self._on_check_progress)
        tabs = QTabWidget(self, documentMode=True)  # no frame: the dock is frame enough
        tabs.addTab(self._build_links_tab(), self.tr("Links"))
        tabs.addTab(self._build_suggestions_tab(), self.tr("Suggested"))
        tabs.addTab(self._build_find_tab(), self.tr("Link an article"))
        self.tabs = tabs
        tabs.currentChanged.connect(lambda i: i == 1 and self.refresh_suggestions())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(tabs)
        self.setEnabled(False)

    # --- building -----------------------------------------------------------------
    def _build_links_tab(self) -> QWidget:
        page = QWidget(self)
        self.title_edit = QLineEdit(page, placeholderText=self.tr("Title"), objectName="link_title")
        self.url_edit = QLineEdit(page, placeholderText=self.tr("https://… (or paste several)"), objectName="link_url")
        self.kind_combo = QComboBox(page, objectName="link_kind")
        self.kind_combo.addItems(KINDS)
        self.add_button = QToolButton(page, objectName="link_add", icon=icons.glyph("mdi6.plus"))
        self.add_button.setToolTip(self.tr("Add the link"))
        self.hint = plain(QLabel(page, objectName="link_hint", wordWrap=True))
        for signal in (self.url_edit.textChanged, self.kind_combo.currentTextChanged):
            signal.connect(self._validate_form)
        self.url_edit.returnPressed.connect(self.add_from_form)
        self.title_edit.returnPressed.connect(self.add_from_form)
        self.add_button.clicked.connect(self.add_from_form)
        form = QHBoxLayout()
        for widget, stretch in ((self.title_edit, 2), (self.url_edit, 3), (self.kind_combo, 0), (self.add_button, 0)):
            form.addWidget(widget, stretch)
        self.table = self._build_table(page)
        self.hint.setVisible(False)  # a line only while there is something to say
        table_row = QHBoxLayout()  # the row buttons beside the table: the dock is low, not narrow
        table_row.addWidget(self.table, 1)
        table_row.addLayout(self._build_row_buttons(page))
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addLayout(table_row, 1)
        layout.addLayout(self._build_buttons(page))
        self._validate_form()
        return page

    def _show_hint(self, message: str) -> None:
        self.hint.setText(message)
        self.hint.setVisible(bool(message))

    def _build_table(self, parent: QWidget) -> LinksTable:
        table = LinksTable(parent, objectName="links_table")
        table.paste_requested.connect(self.paste_clipboard)
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setDragEnabled(True)
        table.setAcceptDrops(True)
        table.setDropIndicatorShown(True)
        table.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        table.setDefaultDropAction(Qt.DropAction.MoveAction)
        table.setDragDropOverwriteMode(False)
        table.setItemDelegateForColumn(KIND, KindDelegate(table))
        table.verticalHeader().hide()
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(URL, QHeaderView.ResizeMode.Stretch)
        rows = table.verticalHeader().defaultSectionSize()
        table.setMinimumHeight(header.sizeHint().height() + 2 * rows + 2 * table.frameWidth())
        self._add_table_actions(table)
        return table

    def _add_table_actions(self, table: QTableView) -> None:
        specs = [
            ("link_move_up", self.tr("Move link up"), "Alt+Up", "mdi6.arrow-up", lambda: self._move_selected(-1)),
            ("link_move_down", self.tr("Move link down"), "Alt+Down", "mdi6.arrow-down", lambda: self._move_selected(1)),
            ("link_remove", self.tr("Remove link"), QKeySequence.StandardKey.Delete, "mdi6.delete-outline", self.remove_selected),
            ("link_paste", self.tr("Paste links"), None, "mdi6.content-paste", self.paste_clipboard),
        ]
        self.actions_by_name: dict[str, QAction] = {}
        for name, text, keys, glyph, slot in specs:
            action = QAction(icons.glyph(glyph), text, table, objectName=name)
            if keys is not None:  # paste: the table's paste() serves Ctrl+V (the window owns it)
                action.setShortcut(QKeySequence(keys))
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(text)
            action.setStatusTip(text)
            action.triggered.connect(slot)
            table.addAction(action)
            self.actions_by_name[name] = action

    def _build_row_buttons(self, parent: QWidget) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(2)
        for name in ("link_move_up", "link_move_down", "link_remove", "link_paste"):
            button = QToolButton(parent, autoRaise=True)
            button.setDefaultAction(self.actions_by_name[name])
            column.addWidget(button)
        column.addStretch(1)
        return column

    def _build_buttons(self, parent: QWidget) -> QHBoxLayout:
        row = QHBoxLayout()
        self.check_button = QPushButton(icons.glyph("mdi6.web-check"), self.tr("Check links"), parent, objectName="link_check")
        self.check_button.clicked.connect(self.check_links)
        self.progress = QProgressBar(parent, objectName="link_progress", visible=False)
        self.cancel_button = QPushButton(self.tr("Cancel"), parent, objectName="link_cancel", visible=False)
        self.cancel_button.clicked.connect(self.cancel_check)
        self.status = plain(QLabel(parent, objectName="link_status"))
        row.addStretch(1)
        for widget in (self.status, self.progress, self.cancel_button, self.check_button):
            row.addWidget(widget)
        return row

    def _build_suggestions_tab(self) -> QWidget:
        page = QWidget(self)
        self.suggestions = QListWidget(page, objectName="link_suggestions")
        refresh = QPushButton(icons.glyph("mdi6.refresh"), self.tr("Refresh"), page)
        refresh.clicked.connect(self.refresh_suggestions)
        self.suggestions.itemActivated.connect(self._suggestion_activated)
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(self.tr("Related articles in the store, closest first:"), page))
        layout.addWidget(self.suggestions, 1)
        layout.addWidget(refresh, 0, Qt.AlignmentFlag.AlignRight)
        return page

    def _build_find_tab(self) -> QWidget:
        page = QWidget(self)
        self.find_edit = QLineEdit(page, placeholderText=self.tr("Search articles…"), objectName="link_find")
        self.find_results = QListWidget(page, objectName="link_find_results")
        self._find_timer = QTimer(self, singleShot=True, interval=250)
        self._find_timer.timeout.connect(self.run_find)
        self.find_edit.textChanged.connect(self._find_timer.start)
        self.find_edit.returnPressed.connect(self.run_find)
        self.find_results.itemActivated.connect(self._link_found)
        layout = QVBoxLayout(page)
        layout.addWidget(self.find_edit)
        layout.addWidget(self.find_results, 1)
        return page

    # --- the current article ------------------------------------------------------
    def set_article(self, article: Article | None, undo_stack: QUndoStack | None) -> None:
        """Show ``article``'s links; edits go on ``undo_stack``. ``None`` empties the panel."""
        self.cancel_check()
        self.article, self.undo_stack = article, undo_stack
        if article is None or undo_stack is None:
            self.document = None
            self.model.set_document(None)
            self.suggestions.clear()
            self.setEnabled(False)
            return
        known = self._documents.get(article.id)
        if known is None or known[0] is not undo_stack:
            known = (undo_stack, cmds.LinkDocument(article.id, article.links, self))
            known[1].changed.connect(self._document_changed)
            self._documents[article.id] = known
        else:  # the same article on the same stack, maybe reloaded: show what is stored
            known[1].reset(article.links)
        self.document = known[1]
        self.model.set_document(self.document)
        self._load_targets()
        self.setEnabled(True)
        self.status.clear()
        self.refresh_suggestions()

    def set_draft_source(self, draft: Callable[[], dict[str, Any]]) -> None:
        """Where the open article's text as being typed comes from (the editor's snapshot):
        suggestions read that, not the text the article had when it was opened."""
        self._draft = draft

    def links(self) -> list[dict[str, Any]]:
        return self.document.links() if self.document is not None else []

    def _document_changed(self, links: list) -> None:
        if self.sender() is self.document:
            self._load_targets()
            self.links_changed.emit(links)
            self.refresh_suggestions()

    def _load_targets(self) -> None:
        ids = [link["target_article_id"] for link in self.links() if link.get("target_article_id")]
        if ids and self.store.is_server:  # on a thread of its own: a silent server holds nothing
            self.model.set_targets({link["target_article_id"]: (link.get("title") or "", "…")
                                    for link in self.links() if link.get("target_article_id")})
            self._asks.ask(lambda rows, wanted=ids: self._targets_read(wanted, rows),
                           partial(list_articles, ids=ids), self.store)
            return
        self._targets_read(ids, list_articles(self.store, ids=ids) if ids else [])

    def _targets_read(self, ids: list[int], rows: list) -> None:
        now = [link["target_article_id"] for link in self.links() if link.get("target_article_id")]
        if now == ids:  # else a newer set of links was asked for
            self.model.set_targets({row.id: (row.title, row.slug) for row in rows})

    # --- edits (each one an undo command) ----------------------------------------
    def _push(self, command: cmds.LinkListCommand) -> None:
        if self.undo_stack is not None:
            self.undo_stack.push(command)

    def add_links(self, new: list[dict[str, Any]], index: int | None = None) -> None:
        if self.document is None or not new:
            return
        at = self.document.count() if index is None else index
        self._push(cmds.add_links(self.document, at, new))
        self.table.selectRow(at + len(new) - 1)

    def _form_links(self) -> tuple[list[dict[str, Any]], str]:
        """The links the form would add (none when the URL is unusable) and what to tell the editor."""
        text, kind = self.url_edit.text().strip(), self.kind_combo.currentText()
        if not text:
            return [], ""
        pasted = parse_pasted(text, kind)
        if len(pasted) > 1:
            return pasted, self.tr("%n links will be added.", "", len(pasted))
        url = pasted[0]["url"] if pasted else text  # a lone markdown link gives its URL
        issue = validate_url(url, kind)
        message = issue.message if issue else ""
        if issue is not None and issue.severity == "error":
            return [], message
        if is_idn(url):
            readable, puny = host_forms(url)
            message = (message + " " if message else "") + self.tr("Host {0} is sent as {1}.").format(readable, puny)
        title = self.title_edit.text().strip() or (pasted[0]["title"] if pasted else url)
        return [{"title": title, "url": url, "kind": kind}], message

    def add_from_form(self) -> None:
        """Add what the form holds: one link, or every link of a pasted block."""
        found, message = self._form_links()
        if not found:
            self._show_hint(message)
            return
        self.add_links(found)
        self.title_edit.clear()
        self.url_edit.clear()

    def paste_text(self, text: str) -> int:
        """Add every link found in a pasted block (one undo step); returns how many."""
        found = parse_pasted(text, self.kind_combo.currentText())
        self.add_links(found)
        self.status.setText(self.tr("%n link pasted.", "", 1) if len(found) == 1 else self.tr("%n links pasted.", "", len(found)) if found else self.tr("No links in the pasted text."))
        return len(found)

    def paste_clipboard(self) -> None:
        self.paste_text(QGuiApplication.clipboard().text())

    def remove_selected(self) -> None:
        row = self._selected_row()
        if row is not None and self.document is not None:
            self._push(cmds.remove_link(self.document, row))
            if self.document.count():
                self.table.selectRow(min(row, self.document.count() - 1))

    def move_link(self, src: int, dst: int) -> None:
        if self.document is None or src == dst or not 0 <= dst < self.document.count():
            return
        self._push(cmds.move_link(self.document, src, dst))
        self.table.selectRow(dst)

    def _move_selected(self, step: int) -> None:
        row = self._selected_row()
        if row is not None:
            self.move_link(row, row + step)

    def _edit(self, row: int, changes: dict) -> None:
        if self.document is not None:
            self._push(cmds.edit_link(self.document, row, changes))

    def _selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _validate_form(self) -> None:
        """Say what is wrong with the URL being typed, and show an international host in punycode."""
        found, message = self._form_links()
        self._show_hint(message)
        self.add_button.setEnabled(bool(found))

    # --- internal links: suggestions and search ----------------------------------
    def _internal_link(self, article_id: int, title: str) -> dict[str, Any]:
        return {"title": title, "url": "", "kind": "related", "target_article_id": article_id}

    def add_internal_link(self, article_id: int, title: str) -> None:
        if any(link.get("target_article_id") == article_id for link in self.links()):
            self.status.setText(self.tr("That article is already linked."))
            return
        self.add_links([self._internal_link(article_id, title)])

    def refresh_suggestions(self) -> None:
        """Look for related articles in the background (only the newest request counts)."""
        if self.article is None:
            return
        article = _Snapshot(self.article, self._draft() if self._draft is not None else None)
        self._suggester.submit(
            suggest_related, self.store, article, 10, (), self.links(), on_done=self._show_suggestions
        )

    def _show_suggestions(self, found: list[Suggestion]) -> None:
        self.suggestions.clear()
        for suggestion in found:
            item = QListWidgetItem(self.suggestions)
            item.setData(Qt.ItemDataRole.UserRole, suggestion.article_id)
            item.setToolTip(f"/{suggestion.slug}/ · {suggestion.status}")
            row = QWidget(self.suggestions)
            label = plain(QLabel(suggestion.title, row))  # a title is text, never markup
            add = QToolButton(row, icon=icons.glyph("mdi6.link-variant-plus"), objectName=f"suggest_add_{suggestion.article_id}")
            add.setToolTip(self.tr("Add as a related link"))
            add.clicked.connect(lambda _=False, s=suggestion: self.add_internal_link(s.article_id, s.title))
            box = QHBoxLayout(row)
            box.setContentsMargins(4, 0, 4, 0)
            box.addWidget(label, 1)
            box.addWidget(add)
            item.setSizeHint(row.sizeHint())
            self.suggestions.setItemWidget(item, row)

    def _suggestion_activated(self, item: QListWidgetItem) -> None:
        label = self.suggestions.itemWidget(item).findChild(QLabel)
        self.add_internal_link(item.data(Qt.ItemDataRole.UserRole), label.text())

    def wait_for_suggestions(self, msecs: int = 5000) -> bool:
        """Block until pending suggestion look-ups ran (tests and shutdown)."""
        return self._suggester.wait(msecs)

    def run_find(self) -> None:
        self._find_timer.stop()
        own = self.article.id if self.article is not None else None
        query = self.find_edit.text()
        if self.store.is_server:  # search as you type, on a thread of its own
            self._find_asks.ask(lambda found, q=query: self._found(q, own, found),
                                _search_or_problem, self.store, query)
            return
        self._found(query, own, _search_or_problem(self.store, query))

    def _found(self, query: str, own: int | None, found: tuple[list, str]) -> None:
        if query != self.find_edit.text():
            return  # typed on meanwhile: the newer query's answer comes
        hits, problem = found
        self.find_results.clear()
        if problem:
            self.status.setText(problem)
            return
        for hit in hits:
            if hit.id == own:
                continue
            item = QListWidgetItem(f"{hit.title}  (/{hit.slug}/)", self.find_results)
            item.setData(Qt.ItemDataRole.UserRole, (hit.id, hit.title))

    def _link_found(self, item: QListWidgetItem) -> None:
        article_id, title = item.data(Qt.ItemDataRole.UserRole)
        self.add_internal_link(article_id, title)

    # --- the link checker -----------------------------------------------------------
    check_timeout = 5.0
    check_concurrency = 8

    def check_links(self) -> None:
        """Check the article's web links in the background; results are stored and shown."""
        urls = [link["url"] for link in self.links() if link.get("url") and not link.get("target_article_id")]
        if self.article is None or not urls or self.is_checking():
            self.status.setText(self.tr("No web links to check.") if not urls else self.status.text())
            return
        self.progress.setRange(0, len(set(urls)))
        self.progress.setValue(0)
        self._set_checking(True)
        self._check_job = run_in_background(
            self._run_check, urls, self.article.id, pass_cancel=True, owner=self,
            on_done=self._check_done, on_error=self._check_failed,
        )

    def _run_check(self, urls: list[str], article_id: int, cancel) -> list:
        results = check_links(
            urls, timeout=self.check_timeout, concurrency=self.check_concurrency, cancel=cancel,
            progress=lambda done, total, _r: self._check_progress.emit(done, total),
        )
        store_results(self.store, results, [article_id])  # finished ones are kept even if cancelled
        return results

    def is_checking(self) -> bool:
        return self._check_job is not None

    def cancel_check(self) -> None:
        if self._check_job is not None:
            self._check_job.cancel()
            self._check_job = None
            self._set_checking(False)
            self.status.setText(self.tr("Link check cancelled."))

    def _set_checking(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        self.check_button.setEnabled(not running)
        if running:
            self.status.setText(self.tr("Checking…"))

    def _on_check_progress(self, done: int, total: int) -> None:
        if self._check_job is not None:
            self.progress.setMaximum(total)
            self.progress.setValue(done)

    def _check_done(self, results: list) -> None:
        self._check_job = None
        self._set_checking(False)
        if self.document is not None:
            self.document.apply_checks({
                r.url: {"check_status": r.status, "check_final_url": r.final_url,
                        "check_error": r.error, "checked_at": r.checked_at}
                for r in results
            })
        broken = sum(not r.ok for r in results)
        self.status.setText(self.tr("{0} checked, {1} broken.").format(len(results), broken))
        self.checks_finished.emit(results)

    def _check_failed(self, error: BaseException) -> None:
        self._check_job = None
        self._set_checking(False)
        self.status.setText(self.tr("Link check failed: {0}").format(error))


class _Snapshot:
    """The fields suggestions read, copied on the UI thread so the worker never sees a half edit."""

    def __init__(self, article: Article, draft: dict[str, Any] | None = None) -> None:
        fields = draft if draft is not None else {
            "title": article.title, "tags": article.tags, "body": article.body}
        self.id = article.id
        self.title = fields.get("title") or ""
        self.tags = list(fields.get("tags") or [])
        self.body = fields.get("body") or ""
        self.links = []


def _search_or_problem(store: Store, query: str) -> tuple[list, str]:
    """Up to 20 hits for the find box, or none and what is wrong with the query."""
    try:
        return search(store, query, 20), ""
    except SearchError as exc:
        return [], str(exc)
