"""The window's previews: typed text reaches both renditions; the site profile reaches the AMP page."""

from __future__ import annotations

import json

from guihelpers import answer_modal
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialogButtonBox

from digest_desk.store.articles import create_article


def page_text(qtbot, view, script: str = "document.body.innerText") -> str:
    box: dict[str, object] = {}
    view.page().runJavaScript(f"JSON.stringify({script})", 0, lambda v: box.setdefault("v", v))
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
