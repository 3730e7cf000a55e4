"""The list, the dialogs and what persists: search, filters, site profile, revisions, layout, theme."""

from __future__ import annotations

from guihelpers import answer_modal, settle
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from digest_desk.store.articles import create_article, get_article, revisions, save_article
from digest_desk.store.site import get_site
from digest_desk.ui.actions import SPECS, ActionId
from digest_desk.ui.article_list import ID_ROLE, PAGE
from digest_desk.ui.revisions_dialog import RevisionsDialog
from digest_desk.ui.settings import WINDOW_GEOMETRY
from digest_desk.ui.site_dialog import SiteDialog


def titles(window) -> list[str]:
    """Every title in the list, once the background reads have delivered them."""
    model = window.list_panel.model
    settle(window)
    for row in range(model.rowCount()):
        model.row_at(row)  # asks for pages not read yet
    settle(window)
    return [model.data(model.index(r, 0)) for r in range(model.rowCount())]


def test_search_narrows_the_list_as_you_type(window, qtbot, store):
    create_article(store, title="Flood warning for the river valley", body="Water levels rise.")
    create_article(store, title="Election results", body="Votes were counted.")
    create_article(store, title="Harvest report", body="A dry summer, then floods.")
    window.list_panel.model.reload()
    assert len(titles(window)) == 3
    qtbot.keyClicks(window.list_panel.search_box, "flood*")
    qtbot.waitUntil(lambda: window.list_panel.model.query == "flood*", timeout=2000)
    assert sorted(titles(window)) == ["Flood warning for the river valley", "Harvest report"]
    assert "2 matches" in window.list_panel.notice.text()
    window.list_panel.search_box.clear()
    qtbot.waitUntil(lambda: window.list_panel.model.query == "", timeout=2000)
    assert len(titles(window)) == 3


def test_status_and_category_filters(window, store):
    create_article(store, title="A", category="World", status="published")
    create_article(store, title="B", category="Tech")
    create_article(store, title="C", category="World")
    window.list_panel.refresh_categories()  # read off the UI thread, in the list's queue
    settle(window)
    panel = window.list_panel
    panel.category_filter.setCurrentIndex(panel.category_filter.findData("World"))
    assert sorted(titles(window)) == ["A", "C"]
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("draft"))
    assert titles(window) == ["C"]


def test_list_reads_pages_lazily_and_opens_on_click(window, qtbot, store):
    for i in range(PAGE + 50):
        create_article(store, title=f"Story {i:04d}", reason=None)
    panel = window.list_panel
    panel.model.reload()
    settle(window)
    model = panel.model
    assert model.rowCount() == PAGE + 50
    last = model.index(PAGE + 10, 0)
    assert model.data(last) == "Loading…"  # the second page is read only when shown
    settle(window)
    assert model.data(last).startswith("Story ")
    assert model.data(model.index(0, 0)) == f"Story {PAGE + 49:04d}"  # newest first
    panel.view.clicked.emit(model.index(3, 0))
    assert window.article.id == model.data(model.index(3, 0), ID_ROLE)


def test_site_profile_dialog_stores_changes_and_refuses_bad_input(window, qtbot, store):
    dialog = SiteDialog(store, get_site(store), window)
    qtbot.addWidget(dialog)
    dialog.ui.nameEdit.setText("Morning Digest")
    dialog.ui.bannerEdit.setText("Light version for phones")
    dialog.ui.baseUrlEdit.setText("not an address")
    dialog.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.ui.errorLabel.isVisibleTo(dialog)
    assert "full web address" in dialog.ui.errorLabel.text()
    assert get_site(store).name == "Digest"  # nothing written
    assert dialog.ui.nameEdit.text() == "Morning Digest"  # nothing lost
    dialog.ui.baseUrlEdit.setText("https://digest.example.net/")
    dialog.footer.add_link("Archive", "/archive/")
    dialog.footer.add_link("", "")
    dialog.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save).click()
    rows = dialog.footer.table.rowCount()
    assert f"Footer link {rows}" in dialog.ui.errorLabel.text()  # an empty row is refused
    assert get_site(store).name == "Digest"
    dialog.footer.table.selectRow(rows - 1)
    dialog.footer.remove_selected()
    dialog.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save).click()
    site = get_site(store)
    assert site.name == "Morning Digest" and site.banner_text == "Light version for phones"
    assert site.base_url == "https://digest.example.net/"
    assert site.footer_links[-1] == {"title": "Archive", "url": "/archive/"}


def test_site_settings_action_opens_the_dialog_and_updates_the_window(window, store):
    def edit(dialog):
        dialog.ui.partnerNameEdit.setText("Partner Times")
        dialog.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save).click()

    answer_modal(edit)
    window.findChild(QAction, "file.site_settings").trigger()
    assert get_site(store).partner_name == "Partner Times"
    assert window.site.partner_name == "Partner Times"


def test_restore_a_revision_and_undo_the_restore(window, qtbot, store):
    article = create_article(store, title="Ceasefire talks", body="Version one.")
    window.load_article(article.id)
    body = window.editor.body
    body.selectAll()
    body.setFocus()
    qtbot.keyClicks(body, "Version two, rewritten.")
    window.findChild(QAction, "file.save").trigger()

    def restore_oldest(dialog: RevisionsDialog):
        dialog.list.setCurrentRow(dialog.list.count() - 1)
        assert "Version one. two, rewritten." in dialog.diff.toPlainText()  # word-level diff
        dialog.restore_button.click()

    answer_modal(restore_oldest)
    window.findChild(QAction, "article.revisions").trigger()
    assert body.toPlainText() == "Version one."
    window.autosaver.flush()
    assert get_article(store, article.id).body == "Version one."
    window.editor.title_edit.setFocus()
    window.findChild(QAction, "edit.undo").trigger()
    assert body.toPlainText() == "Version two, rewritten."


def test_conflict_keep_mine_keeps_theirs_as_revision(window, qtbot, store):
    article = create_article(store, title="Shared story", body="Base.")
    window.load_article(article.id)
    elsewhere = get_article(store, article.id)
    elsewhere.body = "Their edit."
    save_article(store, elsewhere)
    window.editor.body.selectAll()
    window.editor.body.setFocus()
    qtbot.keyClicks(window.editor.body, "My edit.")
    answer_modal(lambda box: next(b for b in box.buttons() if b.text() == "Keep Mine").click())
    assert window.autosaver.flush()
    assert get_article(store, article.id).body == "My edit."
    kept = [r for r in revisions(store, article.id) if r.reason.startswith("theirs")]
    assert kept and kept[0].data["body"] == "Their edit."


def test_conflict_load_theirs_keeps_mine_as_revision(window, qtbot, store):
    article = create_article(store, title="Shared story", body="Base.")
    window.load_article(article.id)
    elsewhere = get_article(store, article.id)
    elsewhere.body = "Their edit."
    save_article(store, elsewhere)
    window.editor.body.selectAll()
    window.editor.body.setFocus()
    qtbot.keyClicks(window.editor.body, "My edit.")
    # the safety conflict dialog: "Keep Both" shows theirs and keeps mine as a revision
    answer_modal(lambda box: next(b for b in box.buttons() if b.text() == "Keep Both").click())
    window.autosaver.flush()
    assert window.editor.body.toPlainText() == "Their edit."
    mine = [r for r in revisions(store, article.id) if r.reason.startswith("yours")]
    assert mine and mine[0].data["body"] == "My edit."


def test_every_action_is_registered_once_with_icon_tip_and_shortcut(window):
    seen = set()
    for spec in SPECS:
        found = window.findChildren(QAction, str(spec.id))
        assert len(found) == 1, spec.id
        action = found[0]
        assert not action.icon().isNull() and action.toolTip() and action.statusTip()
        seen.add(action.objectName())
    assert len(seen) == len(ActionId)
    save = window.findChild(QAction, "file.save")
    assert save.shortcut() == QKeySequence(QKeySequence.StandardKey.Save)
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus == ["File", "Edit", "Article", "View", "Export", "Help"]


def test_layout_theme_and_last_article_persist(window_factory, store):
    article = create_article(store, title="Remember me")
    first = window_factory()
    first.load_article(article.id)
    first.resize(1000, 700)
    first.splitter.setSizes([200, 400, 500])
    first.findChild(QAction, "view.theme_dark").trigger()
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 100
    first.findChild(QAction, "view.device_phone").trigger()
    sizes = first.splitter.sizes()
    geometry = first.saveGeometry()
    first.close()
    assert WINDOW_GEOMETRY.read(first.settings) == geometry
    second = window_factory()
    assert (second.size().width(), second.size().height()) == (1000, 700)
    assert second.splitter.sizes() == sizes
    assert second.last_article_id() == article.id
    assert second.theme.mode.value == "dark"
    assert second.findChild(QAction, "view.theme_dark").isChecked()
    assert second.findChild(QAction, "view.device_phone").isChecked()
    second.findChild(QAction, "view.theme_light").trigger()
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() > 150


def test_last_article_is_remembered_per_database(window_factory, store, tmp_path):
    from digest_desk.store import open_store

    article = create_article(store, title="In the first database")
    first = window_factory()
    first.load_article(article.id)
    first.close()
    other_path = tmp_path / "other.sqlite3"
    other_store = open_store(other_path)
    create_article(other_store, title="Unrelated")
    other_store.close()
    other = window_factory(other_path)
    assert other.last_article_id() is None
    again = window_factory()
    assert again.last_article_id() == article.id


def test_each_export_dialog_replaces_the_last_instead_of_piling_up(window, qtbot):
    from PySide6.QtCore import QCoreApplication, QEvent

    from digest_desk.ui.export_dialog import ExportDialog

    def dialogs() -> list:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        return window.findChildren(ExportDialog)

    for _ in range(3):
        dialog = window.ops.export_dialog(only_this=False)
        dialog.show()
        dialog.reject()
        assert dialogs() == [dialog]  # the one just closed stays for the next time's check
