"""Pictures with their own words in the window: the picture dialog on insert and in place
(featured image row, body context menu), and the media library dialog."""

from __future__ import annotations

import io
from pathlib import Path

import PIL.Image
import pytest
from guihelpers import answer_modal
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox

from digest_desk.store.articles import create_article, get_article
from digest_desk.store.media import add_image, get_image_bytes, media_map
from digest_desk.ui.media_library_dialog import MediaLibraryDialog

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _jpeg(path: Path, size=(320, 200), colour=(40, 110, 160)) -> Path:
    PIL.Image.new("RGB", size, colour).save(path, "JPEG")
    return path


def _fill(alt: str, caption: str = "", credit: str = "", seen: dict | None = None):
    def answer(dialog) -> None:
        if seen is not None:
            seen.update(alt=dialog.ui.altEdit.text(), caption=dialog.ui.captionEdit.text(),
                        credit=dialog.ui.creditEdit.text(), privacy=dialog.ui.privacyNote.text(),
                        hint=dialog.hint(), title=dialog.windowTitle())
        dialog.ui.altEdit.setText(alt)
        dialog.ui.captionEdit.setText(caption)
        dialog.ui.creditEdit.setText(credit)
        dialog.accept()
    return answer


def _at_end(window) -> None:
    body = window.editor.body
    body.moveCursor(body.textCursor().MoveOperation.End)


def test_insert_asks_for_words_prefilled_with_the_suggestion_never_the_file_name(window, store, tmp_path):
    add_image(store, _jpeg(tmp_path / "ferry-photo.jpg"), alt="ferry photo", credit="Old Site Photos")
    article = create_article(store, title="Ferry", body="Intro.")
    window.load_article(article.id)
    _at_end(window)
    seen: dict = {}
    answer_modal(_fill("The ferry leaves Kirkwall", "Monday's first crossing", "Jane Doe", seen))
    # The same bytes again: the library row is reused, with its (file-name) suggestion.
    assert window.ops.insert_body_image(_jpeg(tmp_path / "again.jpg"))
    assert seen["alt"] == ""  # "ferry photo" only repeats the file name: not offered
    assert seen["credit"] == "Old Site Photos" and seen["caption"] == ""
    assert "GPS" in seen["privacy"]
    assert window.editor.body.toPlainText() == (
        "Intro.\n\n![The ferry leaves Kirkwall](media/ferry-photo.jpg \"Monday's first crossing | Jane Doe\")\n")
    assert media_map(store)["ferry-photo.jpg"].credit == "Old Site Photos"  # the library is untouched


def test_a_good_suggestion_is_offered_and_cancel_inserts_nothing(window, store, tmp_path):
    add_image(store, _jpeg(tmp_path / "pier.jpg"), alt="Boats at the north pier")
    article = create_article(store, title="Pier", body="Text.")
    window.load_article(article.id)
    seen: dict = {}

    def look_and_cancel(dialog) -> None:
        seen["alt"] = dialog.ui.altEdit.text()
        dialog.reject()

    answer_modal(look_and_cancel)
    assert not window.ops.insert_body_image(_jpeg(tmp_path / "pier-copy.jpg"))
    assert seen["alt"] == "Boats at the north pier"
    assert window.editor.body.toPlainText() == "Text."


def test_two_articles_keep_their_own_words_for_one_library_picture(window, store, tmp_path):
    one = create_article(store, title="One", body="")
    two = create_article(store, title="Two", body="")
    for article, words in ((one, ("Quay at dawn", "Calm", "A. Lee")), (two, ("Quay in a storm", "Waves", "B. Kay"))):
        window.open_article(article.id)
        answer_modal(_fill(*words))
        assert window.ops.insert_body_image(_jpeg(tmp_path / "quay.jpg"))
        answer_modal(_fill(*words))
        assert window.ops.set_featured_image(_jpeg(tmp_path / "quay.jpg"))
    window.autosaver.flush()
    first, second = get_article(store, one.id), get_article(store, two.id)
    assert first.image_id == second.image_id
    assert (first.image_alt, first.image_caption, first.image_credit) == ("Quay at dawn", "Calm", "A. Lee")
    assert (second.image_alt, second.image_caption, second.image_credit) == ("Quay in a storm", "Waves", "B. Kay")
    assert '![Quay in a storm](media/quay.jpg "Waves | B. Kay")' in second.body
    assert "Quay at dawn" not in second.body


def test_featured_words_edit_in_place_from_the_image_row_as_one_undo_step(window, store, tmp_path):
    image = add_image(store, _jpeg(tmp_path / "hall.jpg", (1200, 800)))
    article = create_article(store, title="Hall", image_id=image.id, image_alt="The town hall",
                             image_caption="Before the vote", image_credit="")
    window.load_article(article.id)
    seen: dict = {}
    answer_modal(_fill("The town hall at night", "After the vote", "Jane Doe", seen))
    window.editor.image_words.click()
    assert (seen["alt"], seen["caption"], seen["title"]) == ("The town hall", "Before the vote", "Featured Picture")
    assert window.editor.image_alt_edit.text() == "The town hall at night"
    window.autosaver.flush()
    saved = get_article(store, article.id)
    assert (saved.image_alt, saved.image_caption, saved.image_credit) == (
        "The town hall at night", "After the vote", "Jane Doe")
    window.findChild(QAction, "edit.undo").trigger()
    assert window.editor.featured_words().caption == "Before the vote"
    assert window.editor.featured_words().alt == "The town hall"


def test_body_picture_context_menu_edits_its_words_in_place(window, store, qtbot, tmp_path):
    add_image(store, _jpeg(tmp_path / "bridge.jpg"))
    body_text = "Intro line.\n\n![Old bridge](media/bridge.jpg \"Built 1890\")\n\nEnd."
    article = create_article(store, title="Bridge", body=body_text)
    window.load_article(article.id)
    body = window.editor.body
    block = body.document().findBlockByNumber(2)
    cursor = body.textCursor()
    cursor.setPosition(block.position() + 5)
    point = body.cursorRect(cursor).center()
    seen: dict = {}

    def use_menu() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(30, use_menu)
            return
        action = menu.findChild(QAction, "edit-picture") or next(
            a for a in menu.actions() if a.objectName() == "edit-picture")
        seen["menu"] = [a.text() for a in menu.actions() if a.text()]
        menu.hide()
        answer_modal(_fill("The old stone bridge", "Built 1890", "City archive", seen))
        action.trigger()

    QTimer.singleShot(30, use_menu)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point, body.viewport().mapToGlobal(point))
    QApplication.sendEvent(body.viewport(), event)
    assert seen["menu"][0] == "Edit Picture…" and seen["alt"] == "Old bridge"
    assert body.toPlainText() == (
        "Intro line.\n\n![The old stone bridge](media/bridge.jpg \"Built 1890 | City archive\")\n\nEnd.")
    body.undo()
    assert body.toPlainText() == body_text
    # Elsewhere the body's own menu is left alone.
    other = body.textCursor()
    other.setPosition(3)
    assert window.ops.pictures.picture_under(other) is None


def test_a_vanished_picture_file_gets_a_plain_message_and_nothing_changes(window, store, tmp_path):
    article = create_article(store, title="Gone", body="Text.")
    window.load_article(article.id)
    seen: dict = {}

    def read_and_close(box: QMessageBox) -> None:
        seen["text"] = box.text()
        box.close()

    answer_modal(read_and_close)
    assert not window.ops.insert_body_image(tmp_path / "vanished.jpg")
    assert seen["text"].startswith("Cannot use this picture") and "cannot be read" in seen["text"]
    assert window.editor.body.toPlainText() == "Text." and media_map(store) == {}


# -- the media library ---------------------------------------------------------------------

@pytest.fixture
def library_setup(store, tmp_path):
    used = add_image(store, _jpeg(tmp_path / "harbour.jpg", (640, 400)), alt="Harbour")
    add_image(store, _jpeg(tmp_path / "spare.jpg", (300, 300), (200, 60, 40)))
    create_article(store, title="Harbour news", image_id=used.id, image_alt="Harbour",
                   body="![Boats](media/harbour.jpg)")
    create_article(store, title="Weekend", body="See ![Boats](media/harbour.jpg).")
    return used


def _dialog(window, qtbot) -> MediaLibraryDialog:
    dialog = window.ops.pictures.library_dialog()
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.thumbnails_shown, timeout=10000):
        dialog.show()
    return dialog


def test_library_lists_pictures_with_thumbnail_size_and_uses(window, store, qtbot, library_setup):
    action = window.findChild(QAction, "file.media_library")
    assert action.statusTip() and not action.icon().isNull()
    assert action in window.findChild(QMenu, "menu-file").actions()
    dialog = _dialog(window, qtbot)
    table = dialog.ui.table
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == ["harbour.jpg", "spare.jpg"]
    assert not table.item(0, 0).icon().isNull()
    assert table.item(0, 1).text().startswith("640×400\n")
    assert table.item(0, 2).text() == "Harbour news (featured, in body)\nWeekend (in body)"
    assert table.item(1, 2).text() == "not used"
    assert "1 not used" in dialog.ui.summaryLabel.text()


def test_library_refuses_to_remove_a_used_picture_and_removes_an_unused_one(window, store, qtbot, library_setup):
    dialog = _dialog(window, qtbot)
    dialog.select("harbour.jpg")
    assert not dialog.remove_selected(confirm=False)
    assert "Harbour news" in dialog.ui.messageLabel.text() and "harbour.jpg" in media_map(store)
    dialog.select("spare.jpg")
    with qtbot.waitSignal(dialog.media_changed):
        assert dialog.remove_selected(confirm=False)
    assert "spare.jpg" not in media_map(store)
    assert dialog.ui.table.rowCount() == 1


def test_library_replaces_bytes_under_the_same_name_and_refuses_bad_files(window, store, qtbot, tmp_path, library_setup):
    dialog = _dialog(window, qtbot)
    dialog.select("harbour.jpg")
    before = get_image_bytes(store, "harbour.jpg")
    (tmp_path / "notes.jpg").write_text("not a picture")
    for bad in (tmp_path / "notes.jpg", tmp_path / "vanished.jpg"):
        assert not dialog.replace_from(bad)
        assert dialog.ui.messageLabel.text().startswith("Not replaced:")
    assert get_image_bytes(store, "harbour.jpg") == before
    assert dialog.replace_from(_jpeg(tmp_path / "new.jpg", (800, 500)))
    assert get_image_bytes(store, "harbour.jpg") != before
    assert dialog.ui.table.item(0, 1).text().startswith("800×500")
    image = PIL.Image.open(io.BytesIO(get_image_bytes(store, "harbour.jpg")))
    assert image.size == (800, 500)


def _photo(path: Path, size: tuple[int, int], hue: tuple[int, int, int]) -> Path:
    """Something that looks like a photo in a screenshot: a sky-to-sea gradient with a hull."""
    shade = PIL.Image.linear_gradient("L").resize(size)
    picture = PIL.Image.merge("RGB", [shade.point(lambda v, c=c: int(c * (0.4 + v / 425))) for c in hue])
    w, h = size
    picture.paste((60, 40, 30), (w // 4, h * 3 // 5, w * 3 // 4, h * 3 // 5 + h // 8))
    picture.save(path, "JPEG")
    return path


def test_screenshots_of_both_dialogs(window, store, qtbot, tmp_path):
    """Offscreen pictures of the two dialogs (DD_UPDATE_SCREENSHOTS=1 writes them to docs/)."""
    import os

    shots_dir = DOCS if os.environ.get("DD_UPDATE_SCREENSHOTS") else tmp_path
    harbour = add_image(store, _photo(tmp_path / "harbour.jpg", (640, 400), (90, 160, 230)), alt="Harbour")
    add_image(store, _photo(tmp_path / "market-square.jpg", (300, 300), (230, 150, 80)))
    create_article(store, title="Harbour news", image_id=harbour.id, image_alt="Harbour",
                   body="![Boats](media/harbour.jpg)")
    create_article(store, title="Weekend", body="See ![Boats](media/harbour.jpg).")
    dialog = _dialog(window, qtbot)
    dialog.resize(820, 420)
    dialog.select("harbour.jpg")
    dialog.say("spare.jpg removed.")
    assert dialog.grab().save(str(shots_dir / "media-library.png"))
    shots: dict = {}

    def shoot(picture_dialog) -> None:
        thumbnail = picture_dialog.ui.thumbnail  # the picture is read on a thread of its own
        qtbot.waitUntil(lambda: not thumbnail.pixmap().isNull(), timeout=10000)
        assert picture_dialog.ui.nameLabel.text() == "harbour.jpg · 640×400"
        picture_dialog.ui.altEdit.setText("Fishing boats moored in the harbour at low tide")
        picture_dialog.ui.captionEdit.setText("The harbour on Sunday morning")
        picture_dialog.ui.creditEdit.setText("Jane Doe/Harbour Press")
        shots["ok"] = picture_dialog.grab().save(str(shots_dir / "picture-dialog.png"))
        picture_dialog.reject()

    article = create_article(store, title="Shot", body="")
    window.load_article(article.id)
    answer_modal(shoot)
    window.ops.pictures.insert_body_picture(media_map(store)["harbour.jpg"])
    assert shots["ok"]


def test_picture_words_button_waits_for_a_featured_picture_and_unchanged_words_add_no_step(window, store, tmp_path):
    article = create_article(store, title="Plain")
    window.load_article(article.id)
    assert not window.editor.image_words.isEnabled()
    answer_modal(_fill("A quiet street", "", "Desk"))
    assert window.ops.set_featured_image(_jpeg(tmp_path / "street.jpg"))
    assert window.editor.image_words.isEnabled()
    stack = window.editor.stack
    steps = stack.count()
    answer_modal(lambda dialog: dialog.accept())  # OK without changes
    window.editor.image_words.click()
    assert stack.count() == steps
    stack.undo()  # the picture and its words went in as one step
    assert window.editor.value("image_id") is None and window.editor.featured_words().alt == ""
