"""A long status message is read whole: the read-outs on the right step aside and come back."""

from __future__ import annotations

LONG = ("The team server cannot be reached; your text is kept on this computer and saved "
        "when the server answers again.")


def test_long_message_gets_room_and_readouts_come_back(window, qtbot):
    window.resize(1000, 700)
    window.show()
    qtbot.waitExposed(window)
    bar = window.statusBar()
    readouts = [window.spelling.label, window.readouts.css, window.readouts.counts,
                window.switcher.store_label, window.readouts.line]  # the order they step aside
    window.readouts.show_stats(1234, 5678, 6)
    window.readouts.show_line(12)
    window.readouts.show_css(9000, 75000)
    qtbot.wait(20)
    shown_before = [w for w in readouts if w.isVisible()]
    assert len(shown_before) >= 4
    bar.showMessage(LONG)
    qtbot.wait(20)
    free = bar.width() - sum(w.width() for w in bar.findChildren(type(window.readouts.line))
                             if w.parent() is bar and w.isVisible())
    assert bar.fontMetrics().horizontalAdvance(LONG) < free  # the whole sentence fits
    aside = [w for w in shown_before if not w.isVisible()]
    assert aside and aside == shown_before[:len(aside)]  # the least needed went first
    assert window.readouts.line.isVisible()  # the cursor line stays while others suffice
    assert bar.toolTip() == LONG
    bar.clearMessage()
    qtbot.wait(20)
    assert [w for w in readouts if w.isVisible()] == shown_before  # all back
    assert bar.toolTip() == ""


def test_short_message_moves_nothing(window, qtbot):
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    window.readouts.show_stats(10, 50, 1)
    qtbot.wait(20)
    shown = [w for w in window.statusBar().findChildren(type(window.readouts.line)) if w.isVisible()]
    window.statusBar().showMessage("Saved.")
    qtbot.wait(20)
    assert [w for w in window.statusBar().findChildren(type(window.readouts.line)) if w.isVisible()] == shown


def test_offline_warning_never_steps_aside(window, qtbot):
    window.resize(800, 600)
    window.show()
    qtbot.waitExposed(window)
    window.readouts.show_offline(True)
    window.statusBar().showMessage(LONG * 2)  # longer than any bar
    qtbot.wait(20)
    assert window.readouts.offline.isVisible()
