"""The window's previews: typed text reaches both renditions; the site profile reaches the AMP page."""

from __future__ import annotations

import json

from guihelpers import answer_modal
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialogButtonBox

from digest_desk.store.articles import create_article
from digest_desk.ui.preview.webview import PREVIEW_WORLD


def page_text(qtbot, view, script: str = "document.body.innerText") -> str:
    box: dict[str, object] = {}
    view.page().runJavaScript(f"JSON.stringify({script})", PREVIEW_WORLD, lambda v: box.setdefault("v", v))
    qtbot.waitUntil(lambda: "v" in box, timeout=10000)
    return json.loads(box["v"])


def wait_rendered(qtbot, window, action) -> None:
    with qtbot.waitSignal(window.live.preview.rendered, timeout=20000):
        action()


def test_typed_text_appears_in_both_previews(window, qtbot, store):
    article = create_article(store, title="Bridge reopens", body="The bridge is open again.")
    wait_rendered(qtbot, window, lambda: window.load_article(article.id))
    pane = window.live.preview
    assert not pane.tabbed  # wide window: side by side
    body = window.editor.body
    body.moveCursor(body.textCursor().MoveOperation.End)
    body.setFocus()
    qtbot.keyClick(body, Qt.Key.Key_Return)
    qtbot.keyClick(body, Qt.Key.Key_Return)
    wait_rendered(qtbot, window, lambda: qtbot.keyClicks(body, "Traffic flows freely."))
    for name in ("standard", "simplified"):
        text = page_text(qtbot, pane.views[name])
        assert "The bridge is open again." in text and "Traffic flows freely." in text, name
    amp_html = page_text(qtbot, pane.views["simplified"], "document.documentElement.outerHTML")
    assert "amp-boilerplate" not in amp_html  # the offline copy does not sit blank
    assert "CSS" in window.readouts.css.text()


def test_site_banner_edit_changes_the_amp_preview(window, qtbot, store):
    article = create_article(store, title="Markets calm", body="Nothing moved.")
    wait_rendered(qtbot, window, lambda: window.load_article(article.id))
    amp = window.live.preview.views["simplified"]
    assert "Simplified Version" in page_text(qtbot, amp)

    def edit(dialog):
        dialog.ui.bannerEdit.setText("Quick edition for small screens")
        dialog.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save).click()

    answer_modal(edit)
    wait_rendered(qtbot, window, window.findChild(QAction, "file.site_settings").trigger)
    text = page_text(qtbot, amp)
    assert "Quick edition for small screens" in text
    assert "Simplified Version" not in text


def test_featured_picture_reaches_both_previews_and_the_checks(window, qtbot, store, tmp_path):
    from PIL import Image as PILImage

    from digest_desk.store.media import add_image

    picture = tmp_path / "harbour.png"
    PILImage.new("RGB", (640, 360), "navy").save(picture)
    image = add_image(store, picture, name="harbour.png")
    article = create_article(store, title="Harbour open", body="Ships are moving.",
                             image_id=image.id, image_alt="The harbour at dawn")
    wait_rendered(qtbot, window, lambda: window.load_article(article.id))
    pane = window.live.preview
    for name in ("standard", "simplified"):
        html = page_text(qtbot, pane.views[name], "document.documentElement.outerHTML")
        assert "harbour.png" in html and "The harbour at dawn" in html, name
    copy = window.editor.edited_copy()
    assert copy.image is not None and copy.image.name == "harbour.png"
    from digest_desk.checks import run_checks
    from digest_desk.store.site import get_site

    codes = {problem.code for problem in run_checks(copy, get_site(store))}
    assert "editorial.featured-image-missing" not in codes


def test_pictures_show_in_both_previews(window, qtbot, store, tmp_path):
    from PIL import Image as PILImage

    PILImage.new("RGB", (320, 180), (30, 90, 160)).save(tmp_path / "bay.png")
    article = create_article(store, title="Bay at dawn", body="Intro.")
    wait_rendered(qtbot, window, lambda: window.load_article(article.id))
    body = window.editor.body
    body.moveCursor(body.textCursor().MoveOperation.End)
    answer_modal(lambda dialog: dialog.accept())  # the picture dialog
    wait_rendered(qtbot, window, lambda: window.ops.insert_body_image(tmp_path / "bay.png"))
    script = "Array.from(document.images).map(i => i.naturalWidth)"
    for name in ("standard", "simplified"):
        view = window.live.preview.views[name]
        qtbot.waitUntil(lambda v=view: 320 in page_text(qtbot, v, script), timeout=10000)


def test_device_buttons_and_view_menu_stay_in_step(window):
    from PySide6.QtWidgets import QToolButton

    pane = window.live.preview
    pane.findChild(QToolButton, "device_phone").click()
    assert window.findChild(QAction, "view.device_phone").isChecked()
    window.findChild(QAction, "view.device_desktop").trigger()
    assert pane.device() == "desktop"
    assert pane.findChild(QToolButton, "device_desktop").isChecked()


def test_checks_dock_jumps_to_the_line_and_applies_a_fix(window, qtbot, store):
    body_text = "First paragraph.\n\nSee [the source](http://example.org/report) for details."
    article = create_article(store, title="Checked story", body=body_text)
    panel = window.live.checks
    with qtbot.waitSignal(panel.problems_changed, timeout=20000,
                          check_params_cb=lambda problems: any(p.fix for p in problems)):
        window.load_article(article.id)
    tree = panel.tree
    row = next(i for i in range(tree.topLevelItemCount())
               if panel.problems()[i].fix is not None)
    item = tree.topLevelItem(row)
    tree.setCurrentItem(item)
    tree.itemActivated.emit(item, 0)
    assert window.editor.body.current_line() == 3
    panel.request_fix()
    body = window.editor.body
    assert "https://example.org/report" in body.toPlainText()
    body.undo()  # the fix is an ordinary, undoable edit of the body
    assert body.toPlainText() == body_text


def test_about_shows_the_version(window):
    from digest_desk import __version__

    seen: dict[str, str] = {}

    def read(box) -> None:
        seen["text"] = box.text()
        box.close()

    answer_modal(read)
    window.findChild(QAction, "help.about").trigger()
    assert __version__ in seen["text"]


def test_previews_follow_typing_without_waiting_for_a_pause(window, qtbot, store):
    """Keys 100 ms apart (the old typing pause was 300 ms) show in the previews as they come."""
    article = create_article(store, title="Harbour news", body="Ships are in.")
    wait_rendered(qtbot, window, lambda: window.load_article(article.id))
    pane = window.live.preview
    body = window.editor.body
    body.moveCursor(body.textCursor().MoveOperation.End)
    body.setFocus()
    shown: list[str] = []
    pane.rendered.connect(lambda _ms: shown.append(pane.shown_body))
    typed = " More boats"
    for char in typed:
        qtbot.keyClick(body, char)
        qtbot.wait(100)
    final = "Ships are in." + typed
    qtbot.waitUntil(lambda: pane.shown_body == final, timeout=15000)
    partial = [text for text in shown if text != final]
    assert len(partial) >= 2  # the previews changed while the keys kept coming
    assert all(final.startswith(text) for text in shown)
    for name in ("standard", "simplified"):
        assert "Ships are in. More boats" in page_text(qtbot, pane.views[name]), name
