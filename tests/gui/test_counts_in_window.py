"""Counts the window shows take the singular for one: "1 word", "1 article", "1 warning"."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from digest_desk.domain import Status
from digest_desk.store.articles import create_article
from digest_desk.ui.export_dialog import ExportDialog


def test_the_status_bar_counts_one_word_in_the_singular(window, qtbot, store):
    article = create_article(store, title="Counts", body="Ferry")
    window.load_article(article.id)
    qtbot.waitUntil(lambda: window.readouts.counts.text().startswith("1 word "))
    assert window.readouts.counts.text() == "1 word · 5 characters · 1 min read"


def test_the_export_dialog_reports_one_article(qtbot, store, tmp_path):
    create_article(store, title="Harbour reopens", body="Ships are back.", status=Status.PUBLISHED)
    dialog = ExportDialog(store, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(dialog)
    dialog.folder_edit.setText(str(tmp_path / "site"))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.running(), timeout=60_000)
    assert dialog.status.text().startswith("Done: 1 article, "), dialog.status.text()
    assert " files written, " in dialog.status.text()
