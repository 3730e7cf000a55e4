"""The publication date field in the real window: typed digits, the Now button, the site's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction

from digest_desk.domain import Status
from digest_desk.store.articles import create_article, get_article
from digest_desk.store.site import update_site


def _save(window) -> None:
    window.findChild(QAction, "file.save").trigger()


def _type_date(qtbot, edit, digits: str) -> None:
    """Click on the year, as an editor would, and type digits (sections advance when full)."""
    line = edit.lineEdit()
    qtbot.mouseClick(line, Qt.MouseButton.LeftButton, pos=QPoint(6, line.height() // 2))
    qtbot.waitUntil(line.hasSelectedText, timeout=2000)  # the year is selected: digits replace it
    qtbot.keyClicks(edit, digits)


def test_typed_digits_set_date_and_time_in_the_site_zone(window, qtbot, store):
    update_site(store, timezone="Europe/Berlin")
    article = create_article(store, title="Budget vote", body="Text.", status=Status.SCHEDULED,
                             published_at=datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    window.load_article(article.id)
    field = window.editor.date_field
    assert field.zone_label.text() == "Europe/Berlin"
    assert field.edit.text() == "2026-12-01 09:00"  # 08:00 UTC is 09:00 in Berlin (winter)
    _type_date(qtbot, field.edit, "202707151830")
    assert field.edit.text() == "2027-07-15 18:30"
    _save(window)
    # 18:30 in Berlin in summer is 16:30 UTC.
    assert get_article(store, article.id).published_at == datetime(2027, 7, 15, 16, 30, tzinfo=UTC)
    # Typing a date is one undo step, and undo brings the old time back into the field.
    window.editor.stack.undo()
    assert field.edit.text() == "2026-12-01 09:00"


def test_now_button_and_the_on_switch(window, qtbot, store):
    article = create_article(store, title="Ferry timetable", body="Text.")
    window.load_article(article.id)
    field = window.editor.date_field
    assert not field.enabled_box.isChecked() and not field.edit.isEnabled() and not field.now_button.isEnabled()
    qtbot.mouseClick(field.enabled_box, Qt.MouseButton.LeftButton)
    assert field.edit.isEnabled() and field.now_button.isEnabled()
    _type_date(qtbot, field.edit, "203001020304")
    assert field.value() == datetime(2030, 1, 2, 3, 4, tzinfo=UTC)
    before = datetime.now(UTC).replace(second=0, microsecond=0)
    qtbot.mouseClick(field.now_button, Qt.MouseButton.LeftButton)
    _save(window)
    stored = get_article(store, article.id).published_at
    assert before <= stored <= before + timedelta(minutes=1)
    assert field.edit.calendarPopup()
    qtbot.mouseClick(field.enabled_box, Qt.MouseButton.LeftButton)
    _save(window)
    assert get_article(store, article.id).published_at is None
