"""Without QtWebEngine the previews fall back to QTextBrowser, with a notice, never a crash."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTextBrowser

from digest_desk.ui.preview import PreviewPane
from digest_desk.ui.preview.fallback import add_line_anchors

PARAS = [f"Fallback paragraph {n} with a few more words to fill the line." for n in range(80)]


@pytest.fixture
def pane(qtbot, monkeypatch):
    monkeypatch.setenv("DIGEST_DESK_NO_WEBENGINE", "1")
    widget = PreviewPane()
    qtbot.addWidget(widget)
    widget.resize(1200, 600)
    widget.show()
    yield widget
    widget.clear()
    widget.wait_idle(5000)


def show_and_wait(qtbot, pane, article, site):
    with qtbot.waitSignal(pane.rendered, timeout=15000):
        pane.show_article(article, site)


def test_fallback_shows_notice_and_both_renditions(qtbot, pane, site, make_article):
    assert pane.is_fallback
    assert pane.notice.isVisible() and "DIGEST_DESK_NO_WEBENGINE" in pane.notice.text()
    show_and_wait(qtbot, pane, make_article("Offline *words* here."), site)
    for view in pane.views.values():
        assert isinstance(view, QTextBrowser)
        assert "Offline words here." in view.toPlainText()
    article = make_article("Changed words.")
    show_and_wait(qtbot, pane, article, site)
    assert "Changed words." in pane.views["simplified"].toPlainText()


def test_fallback_follows_lines_and_keeps_links_out(qtbot, pane, site, make_article):
    body = "\n\n".join(PARAS) + "\n\nEnd with [a link](https://out.example/x)."
    show_and_wait(qtbot, pane, make_article(body), site)
    view = pane.views["standard"]
    pane.follow_line(2 * 70 + 1)
    far = view.verticalScrollBar().value()
    assert far > 500
    pane.follow_line(1)
    assert view.verticalScrollBar().value() < 200
    pane.follow_line(10_000)
    cursor = view.document().find("a link")
    rect = view.cursorRect(cursor)
    with qtbot.waitSignal(pane.link_activated, timeout=5000) as blocker:
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         QPoint(rect.left() - 4, rect.center().y()))
    assert blocker.args[0].toString() == "https://out.example/x"
    assert "End with a link." in view.toPlainText()


def test_line_anchors_follow_data_line_attributes():
    html, lines = add_line_anchors('<div data-line="3" data-key="k"><p>x</p></div><p data-line="1">y</p>')
    assert lines == [1, 3]
    assert '<div data-line="3" data-key="k"><a name="dd-line-3"></a>' in html
