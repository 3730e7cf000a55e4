"""Starting the workstation: bad databases get a message (not a crash), --open, generated forms."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from guihelpers import answer_modal
from PIL import Image as PILImage
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMessageBox

from digest_desk.app import run_workstation
from digest_desk.store.articles import create_article, get_article
from digest_desk.store.media import get_image

ROOT = Path(__file__).resolve().parents[2]


def test_generated_forms_match_their_designer_sources():
    # An empty PATH: the compiler must be found beside this interpreter, not wherever PATH points.
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "compile_ui.py"), "--check"],
                            capture_output=True, text=True, env={"PATH": ""})
    assert result.returncode == 0, result.stderr


def test_a_file_that_is_not_a_database_gets_a_message_and_exit_status(tmp_path, qapp, capsys):
    bad = tmp_path / "notes.sqlite3"
    bad.write_text("shopping list: bread, milk")
    seen: dict[str, str] = {}

    def read_and_close(box: QMessageBox) -> None:
        seen["text"] = box.text()
        box.close()

    answer_modal(read_and_close)
    assert run_workstation(db=str(bad)) == 2
    assert "not a SQLite database" in seen["text"]
    assert bad.read_text() == "shopping list: bread, milk"  # left untouched
    assert "not a SQLite database" in capsys.readouterr().err


def test_open_slug_shows_that_article(tmp_path, qapp, store, db_path):
    create_article(store, title="First")
    wanted = create_article(store, title="Second story")
    seen: dict[str, object] = {}

    def inspect_and_close() -> None:
        window = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "main-window")
        seen["id"] = window.article.id if window.article else None
        seen["title"] = window.windowTitle()
        window.close()

    QTimer.singleShot(1500, inspect_and_close)
    assert run_workstation(db=str(db_path), open_slug="second-story") == 0
    assert seen["id"] == wanted.id
    assert str(seen["title"]).startswith("Second story")


def test_first_run_opens_the_newest_article_then_the_last_one_used(window_factory, store):
    from datetime import UTC, datetime

    from digest_desk.app import open_first_article

    older = create_article(store, title="Older", published_at=datetime(2026, 1, 1, tzinfo=UTC))
    newest = create_article(store, title="Newest", published_at=datetime(2026, 5, 1, tzinfo=UTC))
    first = window_factory()
    open_first_article(first, None)  # nothing remembered yet: a newcomer sees real content
    assert first.article is not None and first.article.id == newest.id
    first.load_article(older.id)
    first.close()
    second = window_factory()
    open_first_article(second, None)
    assert second.article.id == older.id


def make_png(path: Path, size: tuple[int, int]) -> Path:
    PILImage.new("RGB", size, (200, 80, 40)).save(path)
    return path


def test_insert_image_stores_pixel_size_and_writes_markdown(window, store, tmp_path):
    article = create_article(store, title="Photo story", body="Intro.")
    window.load_article(article.id)
    body = window.editor.body
    body.moveCursor(body.textCursor().MoveOperation.End)
    seen = {}

    def describe(dialog) -> None:  # the picture dialog asks; the file name is never offered
        seen["alt"] = dialog.ui.altEdit.text()
        dialog.ui.altEdit.setText("The harbour at noon")
        dialog.accept()

    answer_modal(describe)
    assert window.ops.insert_body_image(make_png(tmp_path / "harbour-view.png", (640, 360)))
    assert seen["alt"] == ""
    text = body.toPlainText()
    assert text.startswith("Intro.\n\n![The harbour at noon](media/")
    name = text.split("(media/")[1].split(")")[0]
    image = get_image(store, name)
    assert (image.width, image.height) == (640, 360)


def test_featured_image_is_undoable_and_saved(window, store, tmp_path):
    article = create_article(store, title="Cover story")
    window.load_article(article.id)
    answer_modal(lambda dialog: dialog.accept())
    assert window.ops.set_featured_image(make_png(tmp_path / "cover.png", (1200, 675)))
    assert "1200×675" in window.editor.image_label.text()
    window.autosaver.flush()
    assert get_article(store, article.id).image_id is not None
    window.findChild(QAction, "edit.undo").trigger()
    assert window.editor.value("image_id") is None
    window.autosaver.flush()
    assert get_article(store, article.id).image_id is None


def test_a_broken_picture_is_refused_with_a_message(window, store, tmp_path):
    article = create_article(store, title="No photo", body="Text.")
    window.load_article(article.id)
    fake = tmp_path / "fake.png"
    fake.write_text("not a picture")
    seen: dict[str, str] = {}

    def read_and_close(box: QMessageBox) -> None:
        seen["text"] = box.text()
        box.close()

    answer_modal(read_and_close)
    assert not window.ops.insert_body_image(fake)
    assert seen["text"].startswith("Cannot use this picture")
    assert window.editor.body.toPlainText() == "Text."


def test_status_bar_counts_words_and_follows_the_cursor_line(window, qtbot, store):
    article = create_article(store, title="Counts", body="one two three\n\nfour five")
    window.load_article(article.id)
    qtbot.waitUntil(lambda: "5 words" in window.readouts.counts.text())  # counted off the UI thread
    assert "1 min read" in window.readouts.counts.text()
    body = window.editor.body
    body.setFocus()
    body.go_to_line(3)
    assert window.readouts.line.text() == "Line 3"


def test_export_menu_exports_the_edited_site_in_the_background(window, qtbot, store, tmp_path):
    from digest_desk.ui.export_dialog import ExportDialog

    article = create_article(store, title="Ferry timetable", body="Old text.", status="published")
    window.load_article(article.id)
    body = window.editor.body
    body.selectAll()
    body.setFocus()
    qtbot.keyClicks(body, "Boats leave every hour.")  # not yet autosaved: the export saves it first
    out = tmp_path / "site"
    seen: dict[str, object] = {}

    def export_and_close(dialog: ExportDialog) -> None:
        seen["article_mode"] = dialog.article_radio.isChecked()
        dialog.folder_edit.setText(str(out))
        dialog.export_button.click()
        qtbot.waitUntil(lambda: not dialog.running(), timeout=60000)
        seen["status"] = dialog.status.text()
        dialog.close_button.click()

    answer_modal(export_and_close)
    window.findChild(QAction, "export.article").trigger()
    assert seen["article_mode"] is True
    assert str(seen["status"]).startswith("Done:")
    page = (out / "ferry-timetable" / "index.html").read_text(encoding="utf-8")
    assert "Boats leave every hour." in page
    assert (out / "ferry-timetable" / "amp" / "index.html").is_file()
