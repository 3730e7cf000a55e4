"""A giant one-paragraph paste gets soft line breaks: same published page, short editor lines."""

from __future__ import annotations

import markdown
from PySide6.QtCore import QMimeData

from digest_desk.ui.markdown_edit import PASTE_LINE_MAX, MarkdownEdit, soften_long_lines


def test_soft_breaks_keep_the_rendered_text_and_leave_code_alone():
    paragraph = "word " * 30_000 + "end"
    code = "```\n" + "x " * 20_000 + "\n```"
    text = f"Intro\n\n{paragraph}\n\n{code}\n"
    softened = soften_long_lines(text)
    lines = softened.split("\n")
    assert max(len(line) for line in lines if not line.startswith("x ")) <= 1_000
    assert "x " * 20_000 in softened  # fenced code untouched
    assert markdown.markdown(softened).split() == markdown.markdown(text).split()
    assert soften_long_lines("short\ntext") == "short\ntext"


def test_pasting_a_huge_paragraph_into_the_editor_keeps_every_word(qtbot):
    editor = MarkdownEdit()
    qtbot.addWidget(editor)
    pasted = "The council met again. " * 20_000
    mime = QMimeData()
    mime.setText(pasted)
    editor.insertFromMimeData(mime)
    body = editor.toPlainText()
    assert body.split() == pasted.split()
    assert max(len(block) for block in body.split("\n")) <= PASTE_LINE_MAX
    assert editor.document().blockCount() > 100
