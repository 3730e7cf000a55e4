"""A refresh of the list (a save here or in another editor's window) keeps what is shown: the
rows stay readable and clickable until they are read again, and a multiple selection stays."""

from __future__ import annotations

from guihelpers import settle
from PySide6.QtCore import QItemSelectionModel, Qt

from digest_desk.store.articles import create_article
from digest_desk.ui.article_list import ID_ROLE


def _rows(window) -> dict[int, str]:
    model = window.list_panel.model
    settle(window)
    if model.rowCount() == 0:
        window.list_panel.refresh()
        settle(window)
    for row in range(model.rowCount()):
        model.row_at(row)
    settle(window)
    return {model.data(model.index(r, 0), ID_ROLE): model.data(model.index(r, 0))
            for r in range(model.rowCount())}


def test_a_click_while_the_list_is_read_again_opens_the_row_clicked(window, qtbot, store):
    ids = [create_article(store, title=f"Story {i}", body="Text.").id for i in range(5)]
    shown = _rows(window)
    model, view = window.list_panel.model, window.list_panel.view
    target = ids[2]
    row = model.row_of(target)
    rect = view.visualRect(model.index(row, 0))
    with qtbot.waitSignal(model.modelReset, timeout=5000):
        model.reload()  # the count is in, no row is read again yet
    assert model.data(model.index(row, 0)) == shown[target]  # not "Loading…"
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.article is not None and window.article.id == target


def test_a_refresh_keeps_a_multiple_selection(window, qtbot, store):
    ids = [create_article(store, title=f"Story {i}", body="Text.").id for i in range(6)]
    _rows(window)
    panel = window.list_panel
    model, selection = panel.model, panel.view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    chosen = ids[1:4]
    for article_id in chosen:
        selection.select(model.index(model.row_of(article_id), 0), flags)
    assert sorted(panel.selected_ids()) == sorted(chosen)
    newer = create_article(store, title="Breaking", body="Text.").id  # shifts every row by one
    panel.refresh()
    _rows(window)
    assert model.row_of(newer) == 0
    assert sorted(panel.selected_ids()) == sorted(chosen)
    # a click of the user's own is a new selection: it is not undone by the next refresh
    panel.view.clicked.emit(model.index(model.row_of(ids[5]), 0))
    selection.select(model.index(model.row_of(ids[5]), 0),
                     QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    panel.refresh()
    _rows(window)
    assert panel.selected_ids() == [ids[5]]
