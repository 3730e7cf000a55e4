"""Edit > Preferences…: the editor's display name goes with the window's revisions and locks."""

from __future__ import annotations

from guihelpers import answer_modal
from PySide6.QtWidgets import QLineEdit, QListWidget

from digest_desk.identity import default_display_name, holder_name
from digest_desk.store.articles import create_article, revisions
from digest_desk.store.locks import current_lock
from digest_desk.ui import settings as keys
from digest_desk.ui.actions import ActionId as A


def _type(window, qtbot, text: str) -> None:
    body = window.editor.body
    body.setFocus()
    body.moveCursor(body.textCursor().MoveOperation.End)
    qtbot.keyClicks(body, text)


def test_the_window_starts_with_the_accounts_name(window, store) -> None:
    assert window.editor_name == default_display_name()
    article = create_article(store, title="Tides", body="High at six.")
    window.load_article(article.id)
    lock = current_lock(store, article.id)
    assert lock is not None and holder_name(lock.holder) == default_display_name()


def test_a_name_set_in_preferences_is_saved_with_revisions_and_shown_in_history(
        window, store, settings, qtbot) -> None:
    article = create_article(store, title="Ferry strike", body="Boats stay in port.")
    window.load_article(article.id)
    window.actions[A.PREFERENCES].trigger()
    dialog = window.findChild(object, "preferences-dialog")
    edit = dialog.findChild(QLineEdit, "nameEdit")
    assert edit.placeholderText() == default_display_name()
    edit.setText("  Ana   Pérez ")
    dialog.accept()
    assert keys.EDITOR_NAME.read(settings) == "Ana Pérez"
    _type(window, qtbot, " Talks resume Monday.")
    window.actions[A.SAVE].trigger()
    qtbot.waitUntil(lambda: revisions(store, article.id)[0].editor == "Ana Pérez", timeout=5000)

    seen: list[str] = []

    def read_history(box) -> None:
        items = box.findChild(QListWidget, "revision-list")
        seen.extend(items.item(i).text() for i in range(items.count()))
        box.reject()

    answer_modal(read_history)
    window.actions[A.REVISIONS].trigger()
    assert seen and seen[0].endswith("· Ana Pérez")
