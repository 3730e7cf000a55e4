"""A multi-megabyte paste into the body: typing afterwards must not redo whole-body work per key.

Speed is measured by ``benchmarks/safety_paste.py``; here we check that the expensive paths
(highlighting every block, reading and counting the whole text, checks) are not taken per key.
"""

from __future__ import annotations

from PySide6.QtGui import QTextCursor

from digest_desk.store.articles import create_article
from digest_desk.ui.live import LIVE_MAX_CHARS, PREVIEW_HEAD_CHARS, TYPING_PAUSE_MS
from digest_desk.ui.markdown_edit import HIGHLIGHT_MAX_CHARS, MarkdownHighlighter, count_words

PARAGRAPH = "Pasted **wire** copy with a [link](https://example.org) and *more* words.\n"


def test_typing_after_a_large_paste_skips_whole_body_work(window, qtbot, store, monkeypatch):
    calls = {"blocks": 0}
    original = MarkdownHighlighter.highlightBlock

    def counting(self, text):
        calls["blocks"] += 1
        original(self, text)

    monkeypatch.setattr(MarkdownHighlighter, "highlightBlock", counting)
    article = create_article(store, title="Paste", body="# Heading\n\nShort start.\n")
    window.load_article(article.id)
    editor, body, live = window.editor, window.editor.body, window.live
    assert body.highlighting
    qtbot.waitUntil(lambda: "3 words" in window.readouts.counts.text())

    pasted = PARAGRAPH * (2_500_000 // len(PARAGRAPH))  # ~2.5 MB, ~34,000 lines
    assert len(pasted) > max(HIGHLIGHT_MAX_CHARS, LIVE_MAX_CHARS)
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    body.setFocus()
    body.moveCursor(QTextCursor.MoveOperation.End)
    with qtbot.waitSignal(body.highlighting_changed) as switched:
        body.insertPlainText(pasted)
    assert switched.args == [False] and not body.highlighting
    assert calls["blocks"] < 10  # switched off before it coloured the pasted blocks
    assert any("colours are off" in m for m in messages)

    qtbot.waitUntil(lambda: live.huge, timeout=5000)  # the typing pause after the paste
    qtbot.waitUntil(lambda: f"{len(pasted) + 24:,} characters" in window.readouts.counts.text(),
                    timeout=10000)
    assert "Checks paused" in live.checks.summary.text()
    reads, recounts, blocks = editor.body_reads, live.recounts, calls["blocks"]

    qtbot.keyClicks(body, "typed")
    assert body.toPlainText().endswith(pasted + "typed")
    # Nothing whole-body happened per keystroke: no highlighting, no text read, no recount.
    assert calls["blocks"] == blocks
    assert editor.body_reads == reads
    assert live.recounts == recounts
    assert "Edited" in window.windowTitle()

    # The pause after the five keys: one read of the text, one count (on a worker), a preview
    # of the start only (not one per key; a second only if something else asked for a refresh).
    qtbot.wait(TYPING_PAUSE_MS)
    qtbot.waitUntil(lambda: live.recounts > recounts, timeout=5000)
    assert live.recounts <= recounts + 2
    assert editor.body_reads <= reads + 2
    expected_words = count_words("# Heading\n\nShort start.\n" + pasted + "typed")
    qtbot.waitUntil(lambda: f"{expected_words:,} words" in window.readouts.counts.text(), timeout=10000)
    # The previews render when the one before is shown (the page load of the opened article
    # may still be under way after the paste): wait for what they show, not for the request.
    qtbot.waitUntil(lambda: "Preview shows the first" in live.preview.shown_body, timeout=30000)
    shown = live.preview.shown_body
    assert len(shown) < PREVIEW_HEAD_CHARS + 200 and shown.startswith("# Heading")

    # Undo the paste: the colours and the checks come back for a normal-sized body.
    body.selectAll()
    body.insertPlainText("# Back\n\nNormal **text**.\n")
    qtbot.waitUntil(lambda: body.highlighting, timeout=5000)
    # Qt colours the document on the next turn of the event loop after setDocument().
    qtbot.waitUntil(lambda: calls["blocks"] > blocks, timeout=5000)
    qtbot.waitUntil(lambda: not live.huge, timeout=5000)
    assert editor.edited_copy().body == "# Back\n\nNormal **text**.\n"
