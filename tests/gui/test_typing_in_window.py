"""Typing a burst in the window: the checks catch up after the pause, and the fragment cache keeps
the body typing settled on, not one entry per key."""

from __future__ import annotations

from pathlib import Path

from digest_desk.render import fragments
from digest_desk.store.articles import create_article

BODY = "The ferry left the harbour at seven, on time for once.\n\nPassengers cheered.\n"


def entries(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and len(p.parent.name) == 2
            and "templates" not in p.parts]


def test_checks_follow_the_pause_and_the_cache_keeps_the_settled_body(window, store, qtbot,
                                                                      tmp_path, monkeypatch):
    folder = tmp_path / "fragments"
    monkeypatch.setenv(fragments.CACHE_ENV, str(folder))
    article = create_article(store, title="Ferry", summary="On time.", author="Desk",
                             category="News", body=BODY)
    window.load_article(article.id)
    qtbot.waitUntil(lambda: window.start_finished and window.live.preview.shown_body == BODY,
                    timeout=15000)
    checks = window.live.checks
    qtbot.waitUntil(lambda: bool(checks.problems()), timeout=10000)  # the checks of the opened body
    assert not [p for p in checks.problems() if p.code == "editorial.link-insecure"]
    body = window.editor.body
    body.setFocus()
    body.moveCursor(body.textCursor().MoveOperation.End)
    pane = window.live.preview
    shown: list[str] = []
    pane.rendered.connect(lambda _ms: shown.append(pane.shown_body))
    typed = "[x](http://e.org)"  # 17 keys, then three more
    for char in typed + " ok":
        qtbot.keyClick(body, char)
        qtbot.wait(40)
    final = BODY + typed + " ok"
    qtbot.waitUntil(lambda: pane.shown_body == final, timeout=15000)
    assert len(shown) >= 3  # the previews followed the burst
    # after the pause the checks ran on the typed text
    qtbot.waitUntil(lambda: any(p.code == "editorial.link-insecure" for p in checks.problems()),
                    timeout=10000)
    store_ = fragments.shared()
    qtbot.waitUntil(lambda: store_.get(final) is not None, timeout=5000)
    assert len(entries(folder)) <= 2, entries(folder)
