"""Scheduling in the real window: the site's time zone, the list's clock, the export dialog's count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from guihelpers import answer_modal, settle
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialogButtonBox

from digest_desk.domain import Status
from digest_desk.store.articles import create_article
from digest_desk.store.site import get_site, update_site
from digest_desk.ui import icons
from digest_desk.ui.article_list import ID_ROLE
from digest_desk.ui.export_dialog import ExportDialog


def _row_of(model, article_id: int) -> int:
    return next(r for r in range(model.rowCount()) if model.data(model.index(r, 0), ID_ROLE) == article_id)


def test_site_dialog_edits_the_time_zone_and_refuses_a_bad_name(window, store):
    def bad_then_good(dialog):
        assert dialog.ui.timezoneEdit.text() == "UTC"
        dialog.ui.timezoneEdit.setText("Mars/Olympus")
        save = dialog.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save)
        save.click()
        assert "is not a time zone name" in dialog.ui.errorLabel.text()
        assert get_site(store).timezone == "UTC"  # nothing written
        dialog.ui.timezoneEdit.setText("America/New_York")
        save.click()

    answer_modal(bad_then_good)
    window.findChild(QAction, "file.site_settings").trigger()
    assert get_site(store).timezone == "America/New_York"
    assert window.editor.date_field.zone_label.text() == "America/New_York"
    assert window.list_panel.model.zone == "America/New_York"


def test_the_list_shows_a_clock_and_the_time_of_waiting_articles(window_factory, store):
    update_site(store, timezone="Europe/Berlin")
    soon = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=2)
    waiting = create_article(store, title="Budget vote", status=Status.SCHEDULED, published_at=soon)
    early = create_article(store, title="Embargo", status=Status.PUBLISHED, published_at=soon)
    out = create_article(store, title="Ferry timetable", status=Status.PUBLISHED,
                         published_at=soon - timedelta(days=30))
    window = window_factory()
    settle(window)
    model = window.list_panel.model
    model.data(model.index(0, 0))  # asks for the first page of rows
    settle(window)
    clock = icons.get("scheduled").cacheKey()
    local = soon.astimezone(ZoneInfo("Europe/Berlin"))
    for article in (waiting, early):
        row = _row_of(model, article.id)
        assert model.data(model.index(row, 1), Qt.ItemDataRole.DecorationRole).cacheKey() == clock
        assert model.data(model.index(row, 2)) == local.strftime("%d %b %H:%M")
        assert "Scheduled: appears on" in model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
    row = _row_of(model, out.id)
    assert model.data(model.index(row, 1), Qt.ItemDataRole.DecorationRole).cacheKey() == icons.get("published").cacheKey()


def test_export_dialog_says_how_many_become_due_and_when(qtbot, store, tmp_path):
    update_site(store, timezone="Europe/Berlin")
    create_article(store, title="Ferry timetable", body="Text.", status=Status.PUBLISHED)
    create_article(store, title="Budget vote", body="Text.", status=Status.SCHEDULED,
                   published_at=datetime(2099, 12, 6, 8, 0, tzinfo=UTC))
    create_article(store, title="Bridge opens", body="Text.", status=Status.SCHEDULED,
                   published_at=datetime(2099, 12, 9, 8, 0, tzinfo=UTC))
    dialog = ExportDialog(store, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.scheduled.isVisibleTo(dialog), timeout=10000)  # read off the UI thread
    assert dialog.scheduled.text().startswith("2 scheduled: next on 6 Dec 2099 09:00 (Europe/Berlin).")
    dialog.folder_edit.setText(str(tmp_path / "site"))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.running(), timeout=60_000)
    assert dialog.status.text().startswith("Done: 1 article,")
    assert "2 scheduled" in dialog.scheduled.text()
    assert not (tmp_path / "site" / "budget-vote").exists()
