"""The export dialog drives a real export in the background and reports in plain words."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, QStandardPaths, Qt

from digest_desk.export.manifest import load_manifest
from digest_desk.store.articles import create_article
from digest_desk.ui.export_dialog import ExportDialog
from digest_desk.ui.settings import EXPORT_FOLDER


@pytest.fixture
def settings(tmp_path):
    QStandardPaths.setTestModeEnabled(True)
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def _wait_done(qtbot, dialog):
    qtbot.waitUntil(lambda: not dialog.running(), timeout=60_000)


def test_export_writes_the_site_and_remembers_the_folder(qtbot, store, tmp_path, settings):
    create_article(store, title="Harbour reopens", body="Ships are back.", status="draft")
    out = tmp_path / "site"
    dialog = ExportDialog(store, settings=settings)
    qtbot.addWidget(dialog)
    assert not dialog.export_button.isEnabled()
    dialog.folder_edit.setText(str(out))
    assert dialog.export_button.isEnabled()
    assert not dialog.open_button.isEnabled()
    dialog.export_button.click()
    assert dialog.running()
    _wait_done(qtbot, dialog)
    assert (out / "index.html").is_file()
    manifest = load_manifest(out)
    assert manifest is not None and manifest.units
    assert dialog.status.text().startswith("Done:")
    assert dialog.open_button.isEnabled()
    assert dialog.result_url().toLocalFile() == str(out / "index.html")
    assert EXPORT_FOLDER.read(settings) == str(out)

    again = ExportDialog(store, settings=settings)
    qtbot.addWidget(again)
    assert again.folder_edit.text() == str(out)


def test_a_bad_folder_is_reported_in_plain_words(qtbot, store, tmp_path, settings):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("mine")
    dialog = ExportDialog(store, settings=settings)
    qtbot.addWidget(dialog)
    dialog.folder_edit.setText(str(blocker))
    dialog.export_button.click()
    _wait_done(qtbot, dialog)
    assert "is a file, not a folder" in dialog.status.text()
    assert dialog.status.font().bold()
    assert not dialog.open_button.isEnabled()
    assert blocker.read_text() == "mine"


def test_article_mode_needs_a_current_article(qtbot, store, settings):
    dialog = ExportDialog(store, settings=settings)
    qtbot.addWidget(dialog)
    assert not dialog.article_radio.isEnabled()
    with_article = ExportDialog(store, settings=settings, article_slug="harbour-reopens")
    qtbot.addWidget(with_article)
    assert with_article.article_radio.isEnabled()


def test_cancel_stops_the_export_and_keeps_the_previous_one(qtbot, store, tmp_path, settings):
    from tests.export_site_fixture import build_fixture_site, tree

    build_fixture_site(store)
    out = tmp_path / "site"
    dialog = ExportDialog(store, settings=settings)
    qtbot.addWidget(dialog)
    dialog.folder_edit.setText(str(out))
    dialog.export_button.click()
    _wait_done(qtbot, dialog)
    assert dialog.progress.value() == dialog.progress.maximum() == 1
    before = tree(out)
    dialog.all_radio.setChecked(True)
    dialog.export_button.click()
    assert dialog.close_button.text() == "Cancel"
    dialog.close_button.click()  # cancels instead of closing while the export runs
    assert dialog.close_button.text() == "Close"  # a cancel that is slow to be seen never traps the editor
    _wait_done(qtbot, dialog)
    assert not dialog.open_button.isEnabled()  # nothing new to open
    assert "cancelled" in dialog.status.text()
    assert not dialog.status.font().bold()
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("site.")) == []


def test_opening_the_dialog_tidies_what_a_killed_export_left(qtbot, store, tmp_path, settings):
    from digest_desk.export.folders import MARKER

    out = tmp_path / "site"
    out.mkdir()
    leftover = tmp_path / "site.tmp-0badf00d"
    leftover.mkdir()
    (leftover / MARKER).write_text('{"target": "site"}')
    stranger = tmp_path / "site.tmp-notours"
    stranger.mkdir()
    EXPORT_FOLDER.write(settings, str(out))
    dialog = ExportDialog(store, settings=settings)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not leftover.exists())  # removed on a thread of its own
    assert stranger.is_dir()


def test_an_export_that_ends_after_its_dialog_closed_says_how(qtbot, store, tmp_path, settings):
    """Closing the dialog never waits for the export: how it ended (done, failed) comes after
    as a message for the window's status bar, and the dialog is free for the next export."""
    create_article(store, title="Harbour reopens", body="Ships are back.", status="published")
    out = tmp_path / "site"
    dialog = ExportDialog(store, settings=settings)
    qtbot.addWidget(dialog)
    messages: list[str] = []
    dialog.message.connect(lambda text, _ms: messages.append(text))
    dialog.show()
    dialog.folder_edit.setText(str(out))
    dialog.export_button.click()
    assert dialog.export_run is not None and dialog.export_run.job.done.wait(60)  # done, not delivered yet
    dialog.close()  # asks to cancel (too late for this one) and goes at once
    assert dialog.isHidden() and dialog.running()
    qtbot.waitUntil(lambda: not dialog.running(), timeout=10000)
    assert messages[-1].startswith(f"Exported into {out}: 1 article, ")
    assert (out / "index.html").is_file()

    blocker = tmp_path / "notes.txt"
    blocker.write_text("mine")
    dialog.show()
    dialog.folder_edit.setText(str(blocker))
    dialog.export_button.click()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isHidden()
    qtbot.waitUntil(lambda: not dialog.running(), timeout=10000)
    assert messages[-1].startswith("The export failed: ") and "is a file, not a folder" in messages[-1]
    assert blocker.read_text() == "mine" and len(messages) == 2
