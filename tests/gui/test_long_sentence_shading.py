"""Long-sentence shading follows typing block by block: a key colours the blocks it touches, not
every block of an 800-word story."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt

from digest_desk.store.articles import create_article
from digest_desk.store.site import get_site, update_site
from digest_desk.ui.spelling import BLOCKS_PER_TURN, shift_ranges

LONG = " ".join(f"long{n}" for n in range(36)) + "."
SHORT = "A short sentence follows it."
PARAS = [f"Opening {n}. {LONG} {SHORT}" for n in range(20)]  # ~40 words each, 800 in all


def shaded(body, start: int, end: int) -> bool:
    """Whether every character of [start, end) of the body has a background."""
    block = body.document().findBlock(start)
    at, to = start - block.position(), end - block.position()
    covered = set()
    for fmt in block.layout().formats():
        if fmt.format.background().style() != Qt.BrushStyle.NoBrush:
            covered.update(range(fmt.start, fmt.start + fmt.length))
    return set(range(at, to)) <= covered


def spelling_done(window, qtbot) -> None:
    tools = window.spelling
    qtbot.waitUntil(lambda: not tools.service.pending and not tools.body.busy, timeout=5000)
    qtbot.wait(50)


def measure(window, qtbot) -> None:
    tools = window.spelling
    before = tools.result
    tools.measure_now()
    qtbot.waitUntil(lambda: tools.result is not before, timeout=5000)
    # its shades are coloured in slices on later turns of the event loop (an earlier measurement
    # arriving late, as on a loaded machine, changes them too)
    qtbot.waitUntil(lambda: not tools.body.busy, timeout=5000)


def test_a_key_recolours_only_the_blocks_it_touches(window, store, qtbot):
    article = create_article(store, title="Long sentences", body="\n\n".join(PARAS) + "\n")
    window.load_article(article.id)
    qtbot.waitUntil(lambda: window.start_finished)
    body = window.editor.body
    spelling_done(window, qtbot)
    measure(window, qtbot)
    assert len(window.spelling.result.long_sentences) == 20
    text = body.toPlainText()
    last_long = text.rindex(LONG)
    assert shaded(body, last_long, last_long + len(LONG))

    coloured: list[int] = []
    decorate = body.highlighter.decorate

    def counting(highlighter, block_text):
        coloured.append(highlighter.currentBlock().blockNumber())
        decorate(highlighter, block_text)

    body.highlighter.decorate = counting
    body.setFocus()
    cursor = body.textCursor()
    cursor.setPosition(text.index("Opening 0") + len("Opening"))
    body.setTextCursor(cursor)
    qtbot.keyClicks(body, "s and more")  # characters typed before every long sentence
    typed = len("s and more")
    assert set(coloured) == {0}  # each key coloured the edited block alone
    first_long = body.toPlainText().index(LONG)  # in the edited block: coloured with moved shades
    assert shaded(body, first_long, first_long + len(LONG))
    assert not shaded(body, first_long - 2, first_long - 1)
    # the shades moved with the text: the last long sentence is still shaded exactly
    assert shaded(body, last_long + typed, last_long + typed + len(LONG))
    assert not shaded(body, last_long + typed - 2, last_long + typed - 1)

    spelling_done(window, qtbot)  # the typed words' spelling answers colour block 0 again
    coloured.clear()
    measure(window, qtbot)  # the measurement after the pause finds the same long sentences
    spelling_done(window, qtbot)
    assert len(window.spelling.result.long_sentences) == 20
    assert coloured == []  # nothing changed: no block coloured again
    assert shaded(body, last_long + typed, last_long + typed + len(LONG))

    cursor.setPosition(body.toPlainText().index(LONG, 0))  # split the first long sentence
    cursor.setPosition(cursor.position() + len(" ".join(f"long{n}" for n in range(18))))
    body.setTextCursor(cursor)
    qtbot.keyClick(body, ".")
    spelling_done(window, qtbot)
    coloured.clear()
    measure(window, qtbot)
    spelling_done(window, qtbot)
    assert len(window.spelling.result.long_sentences) == 19
    assert set(coloured) == {0}  # the block whose sentence got short, no other


def test_a_new_limit_recolours_the_story_over_several_turns(window, store, qtbot):
    paras = PARAS * 3  # 119 blocks: more than one turn colours (BLOCKS_PER_TURN)
    article = create_article(store, title="Long sentences", body="\n\n".join(paras) + "\n")
    window.load_article(article.id)
    qtbot.waitUntil(lambda: window.start_finished)
    body = window.editor.body
    spelling_done(window, qtbot)
    measure(window, qtbot)
    spelling_done(window, qtbot)
    last_long = body.toPlainText().rindex(LONG)
    assert shaded(body, last_long, last_long + len(LONG))
    turns: list[int] = []  # blocks coloured in each turn of the event loop
    decorate = body.highlighter.decorate
    tools = window.spelling

    def counting(highlighter, block_text):
        turns[-1] += 1
        decorate(highlighter, block_text)

    body.highlighter.decorate = counting
    update_site(store, long_sentence_words=40)
    turns.append(0)
    window._site_changed(get_site(store))  # every block coloured again: queued, not done here
    assert turns == [0] and tools.body.busy
    while tools.body.busy or tools.result.long_limit != 40:
        turns.append(0)
        QCoreApplication.processEvents()
    spelling_done(window, qtbot)
    assert sum(turns) >= len(paras)  # every block was coloured ...
    assert sum(1 for n in turns if n) >= 2  # ... over more than one turn
    assert max(turns) <= BLOCKS_PER_TURN
    assert not shaded(body, last_long, last_long + len(LONG))  # no sentence is long at 40 words


def test_shift_ranges_moves_stretches_and_drops():
    ranges = [(0, 10), (20, 30), (40, 50)]
    assert shift_ranges(ranges, 15, 0, 3) == [(0, 10), (23, 33), (43, 53)]  # typed between
    assert shift_ranges(ranges, 25, 2, 0) == [(0, 10), (20, 28), (38, 48)]  # deleted inside
    assert shift_ranges(ranges, 18, 14, 1) == [(0, 10), (27, 37)]  # one replaced whole
    assert shift_ranges(ranges, 25, 10, 1) == [(0, 10), (20, 26), (31, 41)]  # replaced across an end
    assert shift_ranges(ranges, 10, 0, 5) == [(0, 10), (25, 35), (45, 55)]  # typed at an end


def test_closing_the_window_stops_the_colouring_left_for_later_turns(window, qtbot, store):
    """A long body is coloured in slices on later turns of the event loop. Closing the window
    stops them: no slice colours the closed window's document while it is taken down (a
    slice left running there crashed the test run once, inside Qt's rehighlighting)."""
    body = "\n\n".join(PARAS * 80)  # some 130,000 characters, coloured a slice per turn
    article = create_article(store, title="Long read", body=body)
    window.load_article(article.id)
    tools = window.spelling
    tools.body.mark_all()
    assert tools.body.busy
    coloured: list[int] = []
    highlighter = window.editor.body.highlighter
    real = highlighter.rehighlightBlock
    highlighter.rehighlightBlock = lambda block: (coloured.append(block.blockNumber()), real(block))
    window.close()
    assert not tools.body.busy
    for _ in range(5):
        QCoreApplication.processEvents()
    tools.body.mark_all()  # late answers or measurements after the close colour nothing either
    tools.body.set_long_sentences([(0, 40)])
    qtbot.wait(100)
    assert coloured == []
