"""The links panel with real widgets, a real store and a real undo stack."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication, QUndoStack
from PySide6.QtTest import QTest

from digest_desk.store.articles import create_article, get_article, save_article


def titles(panel):
    return [link["title"] for link in panel.links()]


def test_add_from_the_form_is_undoable_and_announced(qtbot, panel, stack):
    panel.title_edit.setText("Dam report")
    QTest.keyClicks(panel.url_edit, "https://dams.example.org/report")
    with qtbot.waitSignal(panel.links_changed) as changed:
        QTest.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert changed.args[0][-1]["url"] == "https://dams.example.org/report"
    assert titles(panel) == ["Gauge data", "Partner story", "Dam report"]
    assert panel.model.rowCount() == 3 and panel.url_edit.text() == ""
    stack.undo()
    assert titles(panel) == ["Gauge data", "Partner story"]
    stack.redo()
    assert titles(panel)[-1] == "Dam report"


def test_the_form_validates_as_the_editor_types(qtbot, panel):
    panel.kind_combo.setCurrentText("related")
    QTest.keyClicks(panel.url_edit, "mailto:desk@example.org")
    assert not panel.add_button.isEnabled() and "not allowed" in panel.hint.text()
    panel.kind_combo.setCurrentText("source")
    assert panel.add_button.isEnabled() and panel.hint.text() == ""
    panel.url_edit.setText("https://bücher.example/neu")
    assert panel.add_button.isEnabled()
    assert "xn--bcher-kva.example" in panel.hint.text() and "bücher.example" in panel.hint.text()
    panel.url_edit.setText("ftp://files.example.org/")
    assert not panel.add_button.isEnabled()
    panel.url_edit.setText("[Rain radar](https://radar.example/)")  # one markdown link
    assert panel.add_button.isEnabled()
    panel.add_from_form()
    assert panel.links()[-1] == {**panel.links()[-1], "title": "Rain radar", "url": "https://radar.example/"}
    panel.url_edit.setText("ftp://files.example.org/")
    panel.add_from_form()  # Enter with a bad URL adds nothing and keeps the text
    assert len(panel.links()) == 3 and panel.url_edit.text() == "ftp://files.example.org/"


def test_idn_and_duplicates_are_shown_in_the_table(qtbot, panel):
    panel.add_links([
        {"title": "Bücher", "url": "https://bücher.example/", "kind": "related"},
        {"title": "Again", "url": "https://gauges.example.org", "kind": "related"},
    ])
    url_cell = panel.model.index(2, 2)
    assert url_cell.data() == "https://bücher.example/  [xn--bcher-kva.example]"
    assert "repeats an earlier link" in panel.model.index(3, 2).data(Qt.ItemDataRole.ToolTipRole)


def test_drag_and_drop_reorders_through_the_undo_stack(qtbot, panel, stack):
    panel.add_links([{"title": "Third", "url": "https://third.example/", "kind": "related"}])
    model = panel.model
    mime = model.mimeData([model.index(0, 1)])
    with qtbot.waitSignal(panel.links_changed):
        # Drop the first row below the last one, as the table view does at the end of a drag.
        accepted = model.dropMimeData(mime, Qt.DropAction.MoveAction, 3, 0, QModelIndex())
    assert accepted is False  # handled as a command: the view must not delete the source row
    assert titles(panel) == ["Partner story", "Third", "Gauge data"]
    mime = model.mimeData([model.index(2, 0)])
    model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, model.index(0, 1))  # onto row 0
    assert titles(panel) == ["Gauge data", "Partner story", "Third"]
    stack.undo()
    assert titles(panel) == ["Partner story", "Third", "Gauge data"]
    stack.undo()
    assert titles(panel) == ["Gauge data", "Partner story", "Third"]
    assert stack.undoText() == "Add link"


def test_keyboard_moves_with_alt_up_and_down(qtbot, panel, stack):
    panel.table.setFocus()
    panel.table.selectRow(0)
    QTest.keyClick(panel.table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert titles(panel) == ["Partner story", "Gauge data"]
    assert panel.table.selectionModel().selectedRows()[0].row() == 1
    QTest.keyClick(panel.table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert titles(panel) == ["Gauge data", "Partner story"]
    QTest.keyClick(panel.table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)  # already first
    assert stack.count() == 2
    stack.undo()
    assert titles(panel) == ["Partner story", "Gauge data"]


def test_in_place_edit_and_delete(qtbot, panel, stack):
    model = panel.model
    assert model.setData(model.index(0, 1), "Gauges", Qt.ItemDataRole.EditRole)
    assert model.setData(model.index(0, 3), "related", Qt.ItemDataRole.EditRole)
    assert not model.setData(model.index(0, 3), "bogus", Qt.ItemDataRole.EditRole)
    assert panel.links()[0]["title"] == "Gauges" and panel.links()[0]["kind"] == "related"
    panel.table.setFocus()
    panel.table.selectRow(1)
    QTest.keyClick(panel.table, Qt.Key.Key_Delete)
    assert titles(panel) == ["Gauges"]
    assert stack.count() == 3
    stack.undo()
    assert panel.links()[0]["kind"] == "related" and len(panel.links()) == 2
    stack.undo()
    assert panel.links()[0]["kind"] == "source"
    stack.undo()
    assert titles(panel) == ["Gauge data", "Partner story"]


def test_pasting_a_block_adds_several_links_in_one_step(qtbot, panel, stack):
    QGuiApplication.clipboard().setText(
        "[Rain radar](https://radar.example/)\nhttps://news.example.com/flood-2\nno link here"
    )
    panel.table.setFocus()
    QTest.keyClick(panel.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert titles(panel)[2:] == ["Rain radar", "news.example.com"]
    assert stack.count() == 1 and stack.undoText() == "Add 2 links"
    assert panel.paste_text("nothing useful") == 0
    # The URL field takes a pasted block too.
    panel.url_edit.setText("https://a.example/ https://b.example/")
    assert "2 links will be added" in panel.hint.text()
    panel.add_from_form()
    assert len(panel.links()) == 6


def test_internal_link_from_search_survives_a_slug_change(qtbot, store, panel, stack):
    other = create_article(store, title="Dam inspection after the storm", body="Engineers and the dam.")
    QTest.keyClicks(panel.find_edit, "inspection")
    panel.run_find()
    assert panel.find_results.count() == 1
    panel._link_found(panel.find_results.item(0))
    link = panel.links()[-1]
    assert link["target_article_id"] == other.id and link["kind"] == "related" and link["url"] == ""
    assert panel.model.index(2, 2).data() == "→ Dam inspection after the storm (/dam-inspection-after-the-storm/)"
    renamed = save_article(store, get_article(store, other.id), slug="dam-check")
    panel._load_targets()
    assert panel.model.index(2, 2).data().endswith("(/dam-check/)")
    assert renamed.slug == "dam-check"
    panel.add_internal_link(other.id, "again")  # the same article twice is refused
    assert len(panel.links()) == 3 and "already linked" in panel.status.text()


def test_suggestions_add_with_one_click(qtbot, store, stack, qapp):
    from digest_desk.ui.links_panel import LinksPanel

    related = create_article(store, title="Flood water reaches the dam", tags=["flood"], body="The river and the dam.")
    create_article(store, title="Cup final tonight", body="Football in the stadium.")
    main = create_article(store, title="River flood in the valley", tags=["flood"], body="Flood water and the river.")
    panel = LinksPanel(store)
    qtbot.addWidget(panel)
    panel.set_article(get_article(store, main.id), stack)
    qtbot.waitUntil(lambda: panel.suggestions.count() >= 1, timeout=5000)
    first = panel.suggestions.item(0)
    assert first.data(Qt.ItemDataRole.UserRole) == related.id
    button = panel.suggestions.itemWidget(first).findChild(type(panel.add_button))
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert panel.links()[-1]["target_article_id"] == related.id
    assert titles(panel)[-1] == related.title
    # The list refreshes without the article now linked.
    qtbot.waitUntil(
        lambda: related.id not in [panel.suggestions.item(i).data(Qt.ItemDataRole.UserRole)
                                   for i in range(panel.suggestions.count())],
        timeout=5000,
    )
    panel.wait_for_suggestions()


def test_each_article_keeps_its_own_links_and_stack(qtbot, store, panel, stack, article):
    other = get_article(store, create_article(store, title="Other", links=[{"title": "X", "url": "https://x.example/"}]).id)
    other_stack = QUndoStack()
    panel.add_links([{"title": "New", "url": "https://new.example/", "kind": "related"}])
    panel.set_article(other, other_stack)
    assert titles(panel) == ["X"]
    stack.undo()  # undoing the first article's stack does not touch what is shown
    assert titles(panel) == ["X"]
    panel.set_article(article, stack)
    assert titles(panel) == ["Gauge data", "Partner story"]
    panel.set_article(None, None)
    assert not panel.isEnabled() and panel.links() == []


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_HEAD(self):  # noqa: N802
        if self.path == "/slow":
            threading.Event().wait(2)
        self.send_response(200 if self.path in ("/ok", "/slow") else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD  # noqa: N815


@pytest.fixture
def base():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_check_links_in_the_background_stores_and_shows_results(qtbot, store, stack, base):
    from digest_desk.ui.links_panel import LinksPanel

    made = create_article(store, title="Checked", links=[
        {"title": "ok", "url": f"{base}/ok"}, {"title": "gone", "url": f"{base}/gone"}])
    panel = LinksPanel(store)
    qtbot.addWidget(panel)
    panel.show()
    panel.set_article(get_article(store, made.id), stack)
    panel.check_timeout = 2
    with qtbot.waitSignal(panel.checks_finished, timeout=10000) as finished:
        QTest.mouseClick(panel.check_button, Qt.MouseButton.LeftButton)
        assert panel.progress.isVisible() and panel.cancel_button.isVisible()
    assert sorted(r.status for r in finished.args[0]) == [200, 404]
    assert not panel.progress.isVisible() and "2 checked, 1 broken" in panel.status.text()
    assert [panel.model.state(row) for row in range(2)] == ["ok", "broken"]
    assert "404" in panel.model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert not panel.model.index(1, 0).data(Qt.ItemDataRole.DecorationRole).isNull()
    stored = get_article(store, made.id)
    assert [link.check_status for link in stored.links] == [200, 404]
    assert stack.count() == 0  # results are not an edit
    panel.wait_for_suggestions()


def test_cancelling_a_check_frees_the_panel_at_once(qtbot, store, stack, base):
    from digest_desk.ui.links_panel import LinksPanel

    made = create_article(store, title="Slow", links=[{"title": "slow", "url": f"{base}/slow"}])
    panel = LinksPanel(store)
    qtbot.addWidget(panel)
    panel.show()
    panel.set_article(get_article(store, made.id), stack)
    panel.check_links()
    assert panel.is_checking()
    QTest.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert not panel.is_checking() and panel.check_button.isEnabled()
    assert "cancelled" in panel.status.text()
    qtbot.wait(100)
    panel.wait_for_suggestions()


def _drop_on_view(view, mime, pos):
    """Deliver the drag-enter, drag-move and drop events a mouse drag ends with."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    action, buttons, mods = Qt.DropAction.MoveAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    target = view.viewport()
    enter = QDragEnterEvent(pos, action, mime, buttons, mods)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    move = QDragMoveEvent(pos, action, mime, buttons, mods)
    QApplication.sendEvent(target, move)
    assert move.isAccepted()
    drop = QDropEvent(QPointF(pos), action, mime, buttons, mods)
    QApplication.sendEvent(target, drop)
    return drop


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_dropping_on_the_table_view_moves_the_row(qtbot, panel, stack):
    panel.add_links([{"title": "Third", "url": "https://third.example/", "kind": "related"}])
    view = panel.table
    qtbot.waitExposed(panel)
    mime = panel.model.mimeData([panel.model.index(0, 1)])
    last = view.visualRect(panel.model.index(2, 1))
    below_last = last.bottomLeft()
    below_last.setY(last.bottom() - 1)  # the lower edge of the last row: drop below it
    with qtbot.waitSignal(panel.links_changed):
        _drop_on_view(view, mime, below_last)
    assert titles(panel) == ["Partner story", "Third", "Gauge data"]
    assert panel.model.rowCount() == 3  # nothing removed by the view after the move
    mime = panel.model.mimeData([panel.model.index(2, 1)])
    above_first = view.visualRect(panel.model.index(0, 1)).topLeft()
    above_first.setY(above_first.y() + 1)  # the upper edge of the first row: drop above it
    _drop_on_view(view, mime, above_first)
    assert titles(panel) == ["Gauge data", "Partner story", "Third"]
    stack.undo()
    assert titles(panel) == ["Partner story", "Third", "Gauge data"]
    stack.undo()
    assert titles(panel) == ["Gauge data", "Partner story", "Third"]
