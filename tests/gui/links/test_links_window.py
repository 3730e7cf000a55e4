"""The links panel docked in the window: edits, drag, undo and redo reach both previews and the store."""

from __future__ import annotations

import json

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction

from digest_desk.store.articles import create_article, get_article
from digest_desk.ui.preview.webview import PREVIEW_WORLD


def hrefs(qtbot, view) -> list[str]:
    box: dict[str, object] = {}
    script = "JSON.stringify(Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href')))"
    view.page().runJavaScript(script, PREVIEW_WORLD, lambda v: box.setdefault("v", v))
    qtbot.waitUntil(lambda: "v" in box, timeout=10000)
    return json.loads(box["v"])


def rendered(qtbot, window, action) -> None:
    with qtbot.waitSignal(window.live.preview.rendered, timeout=20000):
        action()


def order(links: list[str], *needles: str) -> list[int]:
    return [next(i for i, href in enumerate(links) if needle in href) for needle in needles]


def test_panel_edits_drag_undo_redo_show_in_both_previews(window, qtbot, store):
    # Published: a link to a draft is left out of the pages, previews included (page_inputs).
    target = create_article(store, title="Dam inspection", body="The dam was inspected.", status="published")
    article = create_article(
        store, title="River flood", body="The river rose.",
        links=[{"title": "Gauges", "url": "https://gauges.example.org/", "kind": "source"}],
    )
    rendered(qtbot, window, lambda: window.load_article(article.id))
    panel, pane = window.links_panel, window.live.preview
    assert window.links_dock.widget().widget() is panel and panel.links()[0]["title"] == "Gauges"

    rendered(qtbot, window, lambda: panel.add_internal_link(target.id, "Dam inspection"))
    std, amp = hrefs(qtbot, pane.views["standard"]), hrefs(qtbot, pane.views["simplified"])
    assert any(h.endswith("/dam-inspection/") for h in std)
    assert any(h.endswith("/dam-inspection/amp/") for h in amp)
    assert order(std, "gauges", "dam-inspection/") == sorted(order(std, "gauges", "dam-inspection/"))

    # Drag the internal link above the external one: both previews follow.
    model = panel.model
    rendered(qtbot, window, lambda: model.dropMimeData(
        model.mimeData([model.index(1, 1)]), Qt.DropAction.MoveAction, 0, 0, QModelIndex()))
    for name in ("standard", "simplified"):
        first, second = order(hrefs(qtbot, pane.views[name]), "dam-inspection/", "gauges")
        assert first < second, name

    undo = window.findChild(QAction, "edit.undo")
    redo = window.findChild(QAction, "edit.redo")
    panel.table.setFocus()
    rendered(qtbot, window, undo.trigger)  # the move
    rendered(qtbot, window, undo.trigger)  # the addition
    for name in ("standard", "simplified"):
        assert not any("dam-inspection" in h for h in hrefs(qtbot, pane.views[name])), name
    rendered(qtbot, window, redo.trigger)
    assert any(h.endswith("/dam-inspection/amp/") for h in hrefs(qtbot, pane.views["simplified"]))

    # Autosave writes the links; the stored article links by id.
    assert window.autosaver.flush()
    stored = get_article(store, article.id)
    assert [(link.title, link.target_article_id) for link in stored.links] == [
        ("Gauges", None), ("Dam inspection", target.id)]


def test_switching_articles_switches_the_panel(window, qtbot, store):
    first = create_article(store, title="First", links=[{"title": "One", "url": "https://one.example/"}])
    second = create_article(store, title="Second")
    window.load_article(first.id)
    assert [link["title"] for link in window.links_panel.links()] == ["One"]
    window.links_panel.add_links([{"title": "Two", "url": "https://two.example/", "kind": "related"}])
    assert window.open_article(second.id)  # leaving saves the first article's links
    assert window.links_panel.links() == []
    assert [link.title for link in get_article(store, first.id).links] == ["One", "Two"]
    window.close_article()
    assert not window.links_panel.isEnabled()


def test_autosaving_a_body_edit_keeps_the_links(window, qtbot, store):
    article = create_article(store, title="Kept", body="Text.", links=[
        {"title": "One", "url": "https://one.example/"}, {"title": "Two", "url": "https://two.example/"}])
    window.load_article(article.id)
    body = window.editor.body
    body.setFocus()
    body.moveCursor(body.textCursor().MoveOperation.End)
    qtbot.keyClicks(body, " More text.")
    assert window.autosaver.flush()  # autosave now passes the links along: they must survive
    assert window.autosaver.save_now()
    assert [link.title for link in get_article(store, article.id).links] == ["One", "Two"]
    assert get_article(store, article.id).body.endswith("More text.")


def test_a_broken_link_found_by_the_checker_shows_in_the_checks_panel(window, qtbot, store):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Gone(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_HEAD(self):  # noqa: N802
            self.send_response(410)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_HEAD  # noqa: N815

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Gone)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/story"
        article = create_article(store, title="Checked", body="Text.", links=[{"title": "Gone", "url": url}])
        window.load_article(article.id)
        checks = window.live.checks
        with qtbot.waitSignal(window.links_panel.checks_finished, timeout=15000):
            window.links_panel.check_button.click()

        def broken_shown():
            return any(p.code == "editorial.link-broken" for p in checks.problems())

        qtbot.waitUntil(broken_shown, timeout=15000)
        assert get_article(store, article.id).links[0].check_status == 410
        assert window.links_panel.model.state(0) == "broken"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_keyboard_in_the_docked_panel(window, qtbot, store):
    from PySide6.QtGui import QGuiApplication

    article = create_article(store, title="Keys", body="Text.", links=[
        {"title": "One", "url": "https://one.example/"}, {"title": "Two", "url": "https://two.example/"}])
    window.load_article(article.id)
    window.links_dock.raise_()
    panel = window.links_panel
    qtbot.waitUntil(panel.table.isVisible)
    panel.table.setFocus()
    qtbot.waitUntil(panel.table.hasFocus)
    panel.table.selectRow(0)
    qtbot.keyClick(panel.table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert [link["title"] for link in panel.links()] == ["Two", "One"]
    QGuiApplication.clipboard().setText("https://three.example/\nhttps://four.example/")
    qtbot.keyClick(panel.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)  # the window's Paste
    assert [link["url"] for link in panel.links()][2:] == ["https://three.example/", "https://four.example/"]
    panel.table.selectRow(0)
    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    assert [link["title"] for link in panel.links()][:1] == ["One"]


def test_links_dock_scrolls_instead_of_forcing_a_tall_bottom_area(window):
    # The panel has many controls; in its scroll area the dock can stay low under the previews.
    assert window.links_panel.minimumSizeHint().height() > 150
    assert window.links_dock.minimumSizeHint().height() < 120
