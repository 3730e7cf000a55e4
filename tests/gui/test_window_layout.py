"""The window's panels: what the default layout shows, what folds away, and an 800x600 screen."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence

from digest_desk.store.articles import create_article
from digest_desk.ui.actions import SPECS
from digest_desk.ui.actions import ActionId as A

PANELS = (A.TOGGLE_LIST, A.TOGGLE_PREVIEWS, A.TOGGLE_CHECKS, A.TOGGLE_LINKS)


def open_article_with_links(window, store) -> None:
    links = [{"title": f"Source {i}", "url": f"https://example.org/{i}", "kind": "source"} for i in range(4)]
    article = create_article(store, title="Harbour cranes", body="The cranes move again.", links=links)
    window.load_article(article.id)


def test_links_table_shows_rows_at_the_default_size(window, qtbot, store):
    open_article_with_links(window, store)
    qtbot.wait(50)
    assert window.checks_dock.height() < 160  # the checks come first, low
    window.actions[A.TOGGLE_LINKS].trigger()  # off
    window.actions[A.TOGGLE_LINKS].trigger()  # on and raised
    scroll, table = window.links_dock.widget(), window.links_panel.table
    needed = window.links_panel.minimumSizeHint().height()
    qtbot.waitUntil(lambda: scroll.viewport().height() >= needed, timeout=3000)  # the dock grew
    assert window.size().width() == 1400 and window.size().height() == 900
    assert table.isVisible() and table.viewport().height() >= 2 * table.rowHeight(0)  # rows, no drag
    bottom = table.mapTo(scroll.viewport(), table.rect().bottomLeft()).y()
    assert bottom <= scroll.viewport().height()  # the whole table inside the visible part


def test_view_toggles_hide_and_show_the_panels(window, qtbot):
    docks = {A.TOGGLE_CHECKS: window.checks_dock, A.TOGGLE_LINKS: window.links_dock}
    parts = {A.TOGGLE_LIST: window.list_panel, A.TOGGLE_PREVIEWS: window.live.preview}
    view_menu = window.findChild(type(window.menuBar().actions()[0].menu()), "menu-view")
    for action_id in PANELS:
        action = window.actions[action_id]
        assert action in view_menu.actions() and action.isCheckable() and action.isChecked()
        assert action.statusTip() and action.toolTip() and not action.icon().isNull()
        widget = docks.get(action_id) or parts[action_id]
        action.trigger()
        assert not action.isChecked() and widget.isHidden(), action_id
        action.trigger()
        assert action.isChecked() and not widget.isHidden(), action_id
    window.checks_dock.close()  # the dock's own close button
    assert not window.actions[A.TOGGLE_CHECKS].isChecked()
    window.splitter.setSizes([0, 700, 700])  # the list dragged shut
    window.splitter.splitterMoved.emit(0, 1)
    assert not window.actions[A.TOGGLE_LIST].isChecked()
    window.findChild(QAction, "edit.find").trigger()  # Find Articles brings the list back
    assert window.actions[A.TOGGLE_LIST].isChecked() and window.splitter.sizes()[0] > 100
    assert window.list_panel.search_box.hasFocus() or not window.isActiveWindow()


def test_panel_visibility_is_kept_for_the_next_start(window_factory, qtbot):
    first = window_factory()
    first.actions[A.TOGGLE_PREVIEWS].trigger()
    first.actions[A.TOGGLE_CHECKS].trigger()
    first.close()
    second = window_factory()
    assert not second.actions[A.TOGGLE_PREVIEWS].isChecked() and second.live.preview.isHidden()
    assert not second.actions[A.TOGGLE_CHECKS].isChecked() and second.checks_dock.isHidden()
    assert second.actions[A.TOGGLE_LINKS].isChecked()


def test_site_settings_shortcut_is_shown_and_unique(window):
    action = window.actions[A.SITE_SETTINGS]
    assert action.shortcut() == QKeySequence("Ctrl+Alt+S")
    assert "Ctrl+Alt+S" in action.toolTip()
    seen: dict[str, str] = {}
    for spec in SPECS:
        for key in window.actions[spec.id].shortcuts():
            text = key.toString()
            assert text not in seen, f"{text}: {seen.get(text)} and {spec.id}"
            seen[text] = spec.id
    for find_key in ("Ctrl+F", "Ctrl+H", "F3", "Ctrl+Shift+F", "Ctrl+L", "Ctrl+Shift+V", "Ctrl+Alt+H"):
        assert seen[find_key] != A.SITE_SETTINGS


def test_editor_alone_fits_800_by_600(window, qtbot, store):
    open_article_with_links(window, store)
    hint = window.minimumSizeHint()
    assert hint.width() <= 800 and hint.height() <= 600, hint  # every panel shown still fits
    window.resize(800, 600)
    qtbot.wait(50)
    assert window.width() == 800 and window.height() == 600
    for action_id in PANELS:
        window.actions[action_id].trigger()
    qtbot.wait(50)
    body = window.editor.body
    lines = body.viewport().height() / body.fontMetrics().lineSpacing()
    assert lines >= 8, lines  # the metadata form still shown
    window.actions[A.TOGGLE_DETAILS].trigger()  # View > Article Details (Ctrl+D) too
    qtbot.wait(50)
    lines = body.viewport().height() / body.fontMetrics().lineSpacing()
    assert lines >= 15, lines


def test_hiding_the_whole_window_for_a_moment_keeps_the_panels(window, qtbot):
    # X11 replaces the main window once while it starts: hidden and shown again, the docks
    # must come back with it, not stay closed as if their close buttons had been pressed.
    window.show()
    qtbot.wait(50)
    window.hide()
    window.show()
    qtbot.wait(50)
    assert window.checks_dock.isVisible() and window.actions[A.TOGGLE_CHECKS].isChecked()
    assert not window.links_dock.isHidden() and window.actions[A.TOGGLE_LINKS].isChecked()
