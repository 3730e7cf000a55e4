"""The checks panel: lists problems errors first, jumps to lines, offers fixes, runs live."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from digest_desk import checks
from digest_desk.ui.checks_panel import ChecksPanel

Problem, Fix = checks.Problem, checks.Fix


@pytest.fixture
def panel(qtbot):
    widget = ChecksPanel()
    qtbot.addWidget(widget)
    widget.resize(600, 300)
    widget.show()
    yield widget
    widget.wait_idle(5000)


def sample_problems() -> list:
    upper = Fix(label="Lower-case it", apply=lambda body: body.lower())
    return [
        Problem(severity="info", code="long-read", message="A long read.", line=None, fix=None),
        Problem(severity="warning", code="shout", message="Shouting on line 4.", line=4, fix=upper),
        Problem(severity="error", code="no-title", message="No title.", line=None, fix=None),
        Problem(severity="error", code="bad-embed", message="Broken embed.", line=9, fix=None),
    ]


def test_lists_errors_first_then_by_line(panel):
    panel.show_problems(sample_problems())
    codes = [panel.tree.topLevelItem(i).text(2) for i in range(panel.tree.topLevelItemCount())]
    assert codes == ["no-title", "bad-embed", "shout", "long-read"]
    assert panel.summary.text() == "2 errors, 1 warning, 1 note"
    panel.show_problems([])
    assert panel.tree.topLevelItemCount() == 0 and panel.summary.text() == "No problems found."


def test_double_click_jumps_to_the_line(qtbot, panel):
    panel.show_problems(sample_problems())
    item = panel.tree.topLevelItem(1)  # bad-embed, line 9
    rect = panel.tree.visualItemRect(item)
    with qtbot.waitSignal(panel.jump_requested, timeout=2000) as blocker:
        QTest.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, rect.center())  # a real double click
        QTest.mouseDClick(panel.tree.viewport(), Qt.MouseButton.LeftButton,
                          Qt.KeyboardModifier.NoModifier, rect.center())
    assert blocker.args == [9]


def test_fix_button_offers_the_checks_fix(qtbot, panel):
    panel.show_problems(sample_problems())
    panel.tree.setCurrentItem(panel.tree.topLevelItem(0))
    assert not panel.fix_button.isEnabled()
    panel.tree.setCurrentItem(panel.tree.topLevelItem(2))
    assert panel.fix_button.isEnabled() and "Lower-case it" in panel.fix_button.text()
    with qtbot.waitSignal(panel.fix_requested, timeout=2000) as blocker:
        QTest.mouseClick(panel.fix_button, Qt.MouseButton.LeftButton)
    fix = blocker.args[0]
    assert fix.label == "Lower-case it" and fix.apply("LOUD") == "loud"


def test_live_checks_report_problems_and_css_bytes(qtbot, panel, site, make_article):
    budgets = []
    panel.css_bytes_changed.connect(lambda used, budget: budgets.append((used, budget)))
    article = make_article("Body text.", title="")
    with qtbot.waitSignal(panel.problems_changed, timeout=15000) as blocker:
        panel.check_article(article, site)
    expected = checks.run_checks(article, site)
    assert [p.code for p in blocker.args[0]] == [p.code for p in sorted(
        expected, key=lambda p: ({"error": 0, "warning": 1}.get(p.severity, 2), p.line or -1, p.code))]
    assert any(p.severity == "error" for p in blocker.args[0])
    assert budgets and budgets[-1][1] == 75000 and 0 < budgets[-1][0] <= 75000
