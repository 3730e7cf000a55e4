"""Many articles at once in the real window: multi-select, the context menu's actions, one undo
each; the highlighted row is the open article; the list filters survive a restart."""

from __future__ import annotations

from datetime import UTC, datetime

from guihelpers import answer_modal, settle
from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMessageBox

from digest_desk.store.articles import create_article, get_article, revisions
from digest_desk.store.locks import acquire
from digest_desk.ui.article_list import ID_ROLE


def make(store, n: int = 4) -> list[int]:
    return [create_article(store, title=f"Story {i}", category="World", body=f"Body {i}").id
            for i in range(n)]


def row_of(window, article_id: int) -> int:
    model = window.list_panel.model
    settle(window)
    for row in range(model.rowCount()):
        model.row_at(row)  # asks for pages not read yet
    settle(window)
    return model.row_of(article_id)


def click_row(window, qtbot, row: int, modifier=Qt.KeyboardModifier.NoModifier,
              button=Qt.MouseButton.LeftButton) -> None:
    view = window.list_panel.view
    rect = view.visualRect(window.list_panel.model.index(row, 0))
    qtbot.mouseClick(view.viewport(), button, modifier, rect.center())


def select_rows(window, qtbot, ids: list[int]) -> None:
    """Click the first, Ctrl+click the others (the real multi-selection gesture)."""
    click_row(window, qtbot, row_of(window, ids[0]))
    for article_id in ids[1:]:
        click_row(window, qtbot, row_of(window, article_id), Qt.KeyboardModifier.ControlModifier)


def run_menu(window, key: str) -> None:
    panel = window.list_panel
    menu = panel.context_menu(panel.selected_ids())
    action = next(a for a in menu.actions() if a.objectName() == "bulk." + key)
    action.trigger()


def press(button):
    return lambda box: box.button(button).click()


def test_multi_select_publish_and_one_undo(window, qtbot, store):
    ids = make(store)
    window.list_panel.model.reload()
    select_rows(window, qtbot, ids[:3])
    assert sorted(window.list_panel.selected_ids()) == sorted(ids[:3])
    assert window.article.id == ids[2]  # the current (last clicked) row is the open article
    seen = {}

    def answer(box: QMessageBox) -> None:
        seen["text"], seen["format"] = box.text(), box.textFormat()
        box.button(QMessageBox.StandardButton.Yes).click()

    answer_modal(answer)
    run_menu(window, "publish")
    assert seen["text"].startswith("Publish 3 articles?\n\n")
    assert "• Story 0" in seen["text"] and seen["format"] == Qt.TextFormat.PlainText
    for article_id in ids[:3]:
        stored = get_article(store, article_id)
        assert stored.status == "published" and stored.published_at is not None
        assert revisions(store, article_id)[0].reason == "bulk: published"
    assert get_article(store, ids[3]).status == "draft"
    assert window.editor.article.status == "published"  # the open article reloaded
    assert "3 articles changed" in window.statusBar().currentMessage()
    window.list_panel.view.setFocus()
    window.undo()  # one step for the whole batch
    assert [get_article(store, i).status for i in ids[:3]] == ["draft"] * 3
    assert window.editor.article.status == "draft"


def test_unpublish_set_category_and_delete(window, qtbot, store):
    ids = make(store, 3)
    window.list_panel.model.reload()
    select_rows(window, qtbot, ids[:2])
    answer_modal(press(QMessageBox.StandardButton.Yes))
    run_menu(window, "publish")
    answer_modal(press(QMessageBox.StandardButton.Yes))
    run_menu(window, "unpublish")
    assert [get_article(store, i).status for i in ids[:2]] == ["draft", "draft"]

    def pick(dialog: QDialog) -> None:
        dialog.combo.setCurrentText("Local news")
        dialog.accept()

    settle(window)
    select_rows(window, qtbot, ids[:2])
    answer_modal(pick)
    run_menu(window, "category")
    assert [get_article(store, i).category for i in ids[:2]] == ["Local news"] * 2
    assert get_article(store, ids[2]).category == "World"
    settle(window)  # the categories are read again off the UI thread
    assert window.list_panel.category_filter.findData("Local news") >= 0

    settle(window)
    select_rows(window, qtbot, ids[:2])
    seen = {}

    def confirm(box: QMessageBox) -> None:
        seen["text"] = box.text()
        box.button(QMessageBox.StandardButton.Yes).click()

    answer_modal(confirm)
    run_menu(window, "delete")
    assert seen["text"].startswith("Delete 2 articles?")
    settle(window)
    assert window.list_panel.model.rowCount() == 1
    assert window.article is None  # the open article was among them
    window.undo()
    settle(window)
    assert window.list_panel.model.rowCount() == 3
    row_of(window, ids[2])  # loads every row
    model = window.list_panel.model
    assert sorted(model.row_at(i).title for i in range(3)) == ["Story 0", "Story 1", "Story 2"]
    assert sorted(get_article(store, model.row_at(i).id).category for i in range(3)) == \
        ["Local news", "Local news", "World"]


def test_an_undone_delete_stopped_half_way_goes_on_from_there_when_tried_again(window, qtbot, store):
    """Undo of a batch delete where another article took one slug meanwhile: those before it
    come back, the status bar says why the rest did not, and the next try restores the rest
    without restoring any twice."""
    from digest_desk.store.articles import delete_article, list_articles

    ids = make(store, 3)
    window.list_panel.model.reload()
    answer_modal(press(QMessageBox.StandardButton.Yes))
    window.bulk.run("delete", ids)
    assert list_articles(store) == []
    blocker = create_article(store, title="Story 1", body="Someone else's.")  # takes "story-1"
    window.undo()
    assert window.statusBar().currentMessage().startswith("Not undone (delete): ")
    assert sorted(r.title for r in list_articles(store)) == ["Story 0", "Story 1"]  # theirs
    assert window.library_stack.canUndo()
    delete_article(store, blocker.id)
    window.undo()
    assert sorted(r.title for r in list_articles(store)) == ["Story 0", "Story 1", "Story 2"]
    assert "3 articles restored." in window.statusBar().currentMessage()
    assert get_article(store, [r.id for r in list_articles(store) if r.title == "Story 1"][0]).body == "Body 1"


def test_schedule_in_the_site_time_zone(window, qtbot, store):
    ids = make(store, 2)
    window.list_panel.model.reload()
    select_rows(window, qtbot, ids)
    zone = QTimeZone(b"UTC")  # the site has no time zone yet

    def pick(dialog: QDialog) -> None:
        assert any("UTC" in label.text() for label in dialog.findChildren(QLabel))
        dialog.when.setDateTime(QDateTime(QDate(2027, 1, 2), QTime(9, 30), zone))
        dialog.accept()

    answer_modal(pick)
    run_menu(window, "schedule")
    for article_id in ids:
        stored = get_article(store, article_id)
        assert stored.status == "scheduled"
        assert stored.published_at == datetime(2027, 1, 2, 9, 30, tzinfo=UTC)


def test_a_batch_skips_articles_another_window_edits(window, qtbot, store):
    ids = make(store, 3)
    acquire(store, ids[0], "another-window")
    window.list_panel.model.reload()
    select_rows(window, qtbot, ids[1:])
    click_row(window, qtbot, row_of(window, ids[0]), Qt.KeyboardModifier.ControlModifier)
    answer_modal(press(QMessageBox.StandardButton.Yes))
    run_menu(window, "publish")
    assert get_article(store, ids[0]).status == "draft"
    assert [get_article(store, i).status for i in ids[1:]] == ["published"] * 2
    assert "1 skipped" in window.statusBar().currentMessage()


def test_keyboard_moves_open_the_highlighted_article(window, qtbot, store):
    ids = make(store, 5)
    window.list_panel.model.reload()
    click_row(window, qtbot, row_of(window, ids[4]))  # newest first: row 0
    view = window.list_panel.view
    assert window.article.id == ids[4]
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert window.article.id == ids[3]
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert window.article.id == ids[0]
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert window.article.id == ids[4]
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    current = view.model().data(view.currentIndex(), ID_ROLE)
    assert window.article.id == current
    # Shift+Down extends the selection; the current row is the open article
    qtbot.keyClick(view, Qt.Key.Key_Home)
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert len(window.list_panel.selected_ids()) == 2
    assert window.article.id == ids[3]


def test_right_click_opens_the_row(window, qtbot, store):
    ids = make(store, 3)
    window.list_panel.model.reload()
    click_row(window, qtbot, row_of(window, ids[2]))
    view = window.list_panel.view
    rect = view.visualRect(window.list_panel.model.index(row_of(window, ids[0]), 0))
    menus = []
    window.list_panel.view.customContextMenuRequested.disconnect()
    window.list_panel.view.customContextMenuRequested.connect(lambda pos: menus.append(pos))
    qtbot.mousePress(view.viewport(), Qt.MouseButton.RightButton, pos=rect.center())
    assert window.article.id == ids[0]
    assert view.model().data(view.currentIndex(), ID_ROLE) == ids[0]


def test_edits_are_saved_before_the_keyboard_opens_another(window, qtbot, store):
    ids = make(store, 2)
    window.list_panel.model.reload()
    click_row(window, qtbot, row_of(window, ids[1]))
    window.editor.body.setFocus()
    qtbot.keyClicks(window.editor.body, " more")
    view = window.list_panel.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert window.article.id == ids[0]
    assert get_article(store, ids[1]).body == " moreBody 1"


def test_list_filters_survive_a_restart(window_factory, qtbot, store):
    make(store, 2)
    create_article(store, title="Other", category="Tech")
    first = window_factory()
    panel = first.list_panel
    panel.refresh_categories()
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("draft"))
    panel.category_filter.setCurrentIndex(panel.category_filter.findData("Tech"))
    qtbot.keyClicks(panel.search_box, "Other")
    first.close()
    second = window_factory()
    settle(second)
    assert second.list_panel.filters() == ("draft", "Tech", "Other")
    qtbot.waitUntil(lambda: second.list_panel.model.query == "Other", timeout=2000)
    settle(second)
    assert second.list_panel.model.rowCount() == 1


def test_replace_in_all_articles_dialog(window, qtbot, store):
    a = create_article(store, title="Calais ferry", body="From Calais at dawn.").id
    b = create_article(store, title="Calais port", body="Calais again.").id
    c = create_article(store, title="Elsewhere", body="Nothing here.").id
    window.list_panel.model.reload()
    click_row(window, qtbot, row_of(window, a))
    dialog = window.replace_in_all()
    qtbot.keyClicks(dialog.find_edit, "Calais")
    qtbot.keyClicks(dialog.replace_edit, "Dover")
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    assert dialog.notice.text() == "Searching every article…"  # found on a thread of its own
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 2, timeout=10000)
    assert "4 matches in 2 articles" in dialog.notice.text()
    dialog.tree.topLevelItem(1).setCheckState(0, Qt.CheckState.Unchecked)
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert get_article(store, a).body == "From Dover at dawn."
    assert get_article(store, a).title == "Dover ferry"
    assert get_article(store, b).title == "Calais port"
    assert get_article(store, c).body == "Nothing here."
    assert revisions(store, a)[0].reason == "replace: Calais → Dover"
    assert window.editor.article.title == "Dover ferry"  # the open article reloaded
    dialog.regex_box.setChecked(True)
    dialog.find_edit.setText("Cal(ais")
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "not valid" in dialog.notice.text(), timeout=10000)
    assert not dialog.apply_button.isEnabled()
    dialog.close()
    QApplication.processEvents()


def test_the_edit_menu_offers_replace_in_all(window):
    menu = next(m for m in window.menuBar().findChildren(type(window.menuBar().actions()[0].menu()))
                if m.objectName() == "menu-edit")
    assert any(a.objectName() == "edit.replace_all" for a in menu.actions())
