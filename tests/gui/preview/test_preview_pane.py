"""The web previews: typed text shows in both renditions, newest render only, DOM patched in place."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolButton

from digest_desk.ui.preview import PreviewPane

BODY_TEXT = "document.getElementById('dd-body').innerText"
PARAS = [f"Paragraph number {n} with enough words to take some room on the page." for n in range(60)]




def show_and_wait(qtbot, pane, article, site, timeout=15000):
    with qtbot.waitSignal(pane.rendered, timeout=timeout):
        pane.show_article(article, site)


def test_typed_text_shows_in_both_renditions(qtbot, pane, site, make_article, run_js):
    assert not pane.is_fallback
    show_and_wait(qtbot, pane, make_article("First paragraph.\n\nSecond *para*."), site)
    for view in pane.views.values():
        text = run_js(view, BODY_TEXT)
        assert "First paragraph." in text and "Second para." in text


def test_only_the_newest_of_quick_requests_is_shown(qtbot, pane, site, make_article, run_js):
    show_and_wait(qtbot, pane, make_article("Start."), site)
    counts = []
    pane.rendered.connect(counts.append)
    article = make_article("Start.")
    for n in range(8):
        article.body = f"Version {n} of the text."
        pane.show_article(article, site)
        pane.render_now()  # no typing pause: every request reaches the worker
    qtbot.waitUntil(lambda: len(counts) >= 1, timeout=15000)
    qtbot.wait(500)
    pane.wait_idle(5000)
    qtbot.wait(200)
    for view in pane.views.values():
        assert run_js(view, BODY_TEXT).strip() == "Version 7 of the text."
    assert len(counts) < 8  # superseded requests were dropped, not all applied


def test_changes_in_one_event_loop_turn_coalesce_into_one_render(qtbot, pane, site, make_article,
                                                                 run_js):
    show_and_wait(qtbot, pane, make_article("a"), site)
    counts = []
    pane.rendered.connect(counts.append)
    article = make_article("a")
    for n in range(5):  # a burst of keys handled before the loop turns: one render of the last
        article = make_article("b" * (n + 1))
        pane.show_article(article, site)
    qtbot.waitUntil(lambda: pane.shown_body == "bbbbb", timeout=15000)
    qtbot.wait(300)
    assert len(counts) == 1
    for view in pane.views.values():
        assert run_js(view, BODY_TEXT).strip() == "bbbbb"


def test_previews_follow_changes_without_waiting_for_a_pause(qtbot, pane, site, make_article):
    """Changes 50 ms apart (the old pause was 300 ms) still show one after another."""
    show_and_wait(qtbot, pane, make_article("Start."), site)
    shown: list[str] = []
    pane.rendered.connect(lambda _ms: shown.append(pane.shown_body))
    bodies = [f"Start. Word {n}" for n in range(12)]
    for body in bodies:
        pane.show_article(make_article(body), site)
        qtbot.wait(50)
    qtbot.waitUntil(lambda: pane.shown_body == bodies[-1], timeout=15000)
    intermediate = [body for body in shown if body != bodies[-1]]
    assert len(intermediate) >= 2  # the previews changed while the changes kept coming
    assert all(body in bodies for body in shown)


def test_editing_one_block_replaces_only_that_node(qtbot, pane, site, make_article, run_js):
    article = make_article("\n\n".join(PARAS))
    show_and_wait(qtbot, pane, article, site)
    mark = "Array.from(document.getElementById('dd-body').children).forEach(n => n.ddMark = 1); 1"
    survivors = ("Array.from(document.getElementById('dd-body').children)"
                 ".map(n => n.ddMark === 1 ? 'kept' : 'new')")
    for view in pane.views.values():
        run_js(view, mark)
    edited = list(PARAS)
    edited[10] = "An edited paragraph."
    article.body = "\n\n".join(edited)
    show_and_wait(qtbot, pane, article, site)
    for view in pane.views.values():
        states = run_js(view, survivors, as_json=True)
        assert states.count("new") == 1, states
        assert "An edited paragraph." in run_js(view, BODY_TEXT)


def test_inserted_lines_renumber_following_blocks(qtbot, pane, site, make_article, run_js):
    article = make_article("\n\n".join(PARAS[:5]))
    show_and_wait(qtbot, pane, article, site)
    article.body = "New first line.\n\n" + article.body
    show_and_wait(qtbot, pane, article, site)
    lines = run_js(pane.views["standard"], "Array.from(document.getElementById('dd-body')"
                   ".children).map(n => parseInt(n.getAttribute('data-line')))", as_json=True)
    assert lines == [1, 3, 5, 7, 9, 11]


def test_title_change_reloads_page_and_keeps_scroll(qtbot, pane, site, make_article, run_js):
    article = make_article("\n\n".join(PARAS))
    show_and_wait(qtbot, pane, article, site)
    view = pane.views["standard"]
    run_js(view, "window.scrollTo(0, 600); window.scrollY")
    qtbot.waitUntil(lambda: view.page().scrollPosition().y() >= 599, timeout=5000)
    article.title = "A brand new headline"
    show_and_wait(qtbot, pane, article, site)
    assert "A brand new headline" in run_js(view, "document.body.innerText")
    qtbot.waitUntil(lambda: run_js(view, "window.scrollY") >= 599, timeout=5000)


def test_follow_line_scrolls_the_edited_block_into_view(qtbot, pane, site, make_article, run_js):
    article = make_article("\n\n".join(PARAS))
    show_and_wait(qtbot, pane, article, site)
    target_line = 2 * 50 + 1  # paragraph 50
    pane.follow_line(target_line)
    visible = (f"(() => {{ const r = window.ddPreview.blockAt('dd-body', {target_line})"
               ".getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight; })()")
    for view in pane.views.values():
        qtbot.waitUntil(lambda v=view: run_js(v, visible) is True, timeout=5000)


def test_clicked_link_opens_outside_and_preview_stays(qtbot, pane, site, make_article, run_js):
    article = make_article("See [the source](https://elsewhere.example/page) here.")
    show_and_wait(qtbot, pane, article, site)
    view = pane.views["standard"]
    before = view.url()
    rect = run_js(view, "(() => { const r = document.querySelector('#dd-body a')"
                  ".getBoundingClientRect(); return [r.left + 3, r.top + 3]; })()", as_json=True)
    with qtbot.waitSignal(pane.link_activated, timeout=5000) as blocker:
        QTest.mouseClick(view.focusProxy(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         QPoint(int(rect[0]), int(rect[1])))
    assert blocker.args[0].toString() == "https://elsewhere.example/page"
    qtbot.wait(300)
    assert view.url() == before
    assert "See the source here." in run_js(view, BODY_TEXT)


def test_device_toggle_and_narrow_tabs(qtbot, pane):
    with qtbot.waitSignal(pane.device_changed, timeout=1000) as blocker:
        QTest.mouseClick(pane.findChild(QToolButton, "device_phone"), Qt.MouseButton.LeftButton)
    assert blocker.args == ["phone"] and pane.device() == "phone"
    assert pane.views["standard"].maximumWidth() == 390
    assert pane.views["simplified"].maximumWidth() == 390
    pane.set_device("desktop")
    assert pane.views["standard"].maximumWidth() > 10000
    with pytest.raises(ValueError):
        pane.set_device("tablet")
    assert not pane.tabbed
    pane.resize(500, 700)
    qtbot.waitUntil(lambda: pane.tabbed)
    assert pane.views["standard"].isVisible() and not pane.views["simplified"].isVisible()
    pane.tabs.setCurrentIndex(1)
    assert pane.views["simplified"].isVisible() and not pane.views["standard"].isVisible()


def test_engine_crash_reloads_then_falls_back(qtbot, pane, site, make_article, run_js):
    from PySide6.QtCore import QUrl
    from PySide6.QtWidgets import QTextBrowser

    show_and_wait(qtbot, pane, make_article("Survives a crash."), site)
    with qtbot.waitSignal(pane.rendered, timeout=20000):
        pane.views["standard"].load(QUrl("chrome://crash"))
    assert not pane.is_fallback
    assert "Survives a crash." in run_js(pane.views["standard"], BODY_TEXT)
    for _ in range(2):
        with qtbot.waitSignal(pane.rendered, timeout=20000):
            pane.views["simplified"].load(QUrl("chrome://crash"))
    assert pane.is_fallback and pane.notice.isVisible()
    assert isinstance(pane.views["standard"], QTextBrowser)
    assert "Survives a crash." in pane.views["simplified"].toPlainText()


def test_pictures_from_the_store_show_offline(qtbot, site, make_article, run_js, tmp_path):
    import io

    from PIL import Image as PILImage

    from digest_desk import render
    from digest_desk.domain.models import Image

    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 32), "red").save(buffer, "PNG")
    metadata = Image(name="red.png", mime="image/png", width=64, height=32, sha256="r1")
    served: list[str] = []

    def loader(name: str) -> bytes | None:
        served.append(name)
        return buffer.getvalue() if name == "red.png" else None

    pane = PreviewPane(media_loader=loader)
    qtbot.addWidget(pane)
    pane.resize(1200, 700)
    pane.show()
    ctx = render.RenderContext(media={"red.png": metadata})
    with qtbot.waitSignal(pane.rendered, timeout=15000):
        pane.show_article(make_article("A picture:\n\n![A red box](media/red.png)"), site, ctx)
    assert served == ["red.png"]
    loaded = ("(() => { const i = document.querySelector('#dd-body img');"
              " return i ? i.complete && i.naturalWidth : -1; })()")
    for view in pane.views.values():
        qtbot.waitUntil(lambda v=view: run_js(v, loaded) == 64, timeout=5000)
    pane.clear()
    pane.wait_idle(5000)


def test_long_read_edit_shows_provisional_then_exact(qtbot, pane, site, make_article, run_js):
    from digest_desk import render

    paras = [f"Long read paragraph {n} with a handful of words to make it long enough." for n in range(320)]
    article = make_article("\n\n".join([*paras, "[ref]: https://ref.example/"]))
    with qtbot.waitSignal(pane.settled, timeout=20000):
        pane.show_article(article, site)
    events: list[str] = []
    pane.rendered.connect(lambda _ms: events.append("rendered"))
    pane.settled.connect(lambda _ms: events.append("settled"))
    paras[160] = "See [the reference][ref] now."
    article.body = "\n\n".join([*paras, "[ref]: https://ref.example/"])
    with qtbot.waitSignal(pane.settled, timeout=20000):
        pane.show_article(article, site)
    assert events == ["rendered", "rendered", "settled"]  # provisional first, then the exact one
    exact = render.render_blocks(article.body, "standard", None)
    view = pane.views["standard"]
    count = run_js(view, "document.getElementById('dd-body').children.length")
    assert count == len(exact)
    href = run_js(view, "(() => { const a = document.querySelector('#dd-body a[href=\"https://ref.example/\"]');"
                  " return a ? a.textContent : null; })()")
    assert href == "the reference"


def test_amp_preview_is_visible_offline(qtbot, pane, site, make_article, run_js):
    show_and_wait(qtbot, pane, make_article("Offline AMP body."), site)
    view = pane.views["simplified"]
    state = run_js(view, "({scripts: document.querySelectorAll('script[src]').length,"
                   " boilerplate: document.querySelectorAll('style[amp-boilerplate]').length,"
                   " visibility: getComputedStyle(document.body).visibility,"
                   " text: document.body.innerText})", as_json=True)
    assert state["scripts"] == 0 and state["boilerplate"] == 0
    assert state["visibility"] == "visible" and "Offline AMP body." in state["text"]
    assert "Read Standard Version" in state["text"]  # the simplified page's own chrome is there


def test_clear_blanks_both_previews_and_drops_pending_work(qtbot, pane, site, make_article, run_js):
    show_and_wait(qtbot, pane, make_article("Soon gone."), site)
    seen = []
    pane.rendered.connect(seen.append)
    pane.show_article(make_article("Never shown."), site)
    pane.clear()
    qtbot.wait(600)  # past the typing pause
    for view in pane.views.values():
        qtbot.waitUntil(lambda v=view: run_js(v, "document.body.innerText").strip() == "", timeout=5000)
    assert seen == []


def test_another_article_starts_at_the_top(qtbot, pane, site, make_article, run_js):
    first = make_article("\n\n".join(PARAS))
    show_and_wait(qtbot, pane, first, site)
    view = pane.views["standard"]
    run_js(view, "window.scrollTo(0, 600); window.scrollY")
    qtbot.waitUntil(lambda: view.page().scrollPosition().y() >= 599, timeout=5000)
    second = make_article("\n\n".join(reversed(PARAS)), title="Another story")
    second.id = 2
    show_and_wait(qtbot, pane, second, site)
    assert "Another story" in run_js(view, "document.body.innerText")
    qtbot.wait(200)
    assert run_js(view, "window.scrollY") == 0
