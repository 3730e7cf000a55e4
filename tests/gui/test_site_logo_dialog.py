"""Site Settings: a logo chosen with Browse… is stored with the site as a picture, never as a path."""

from __future__ import annotations

import sqlite3
from io import BytesIO

from PIL import Image as PILImage
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

from digest_desk.store.media import get_image_bytes, media_map
from digest_desk.store.site import get_site, update_site
from digest_desk.ui.site_dialog import SiteDialog


def save(dialog: SiteDialog) -> None:
    dialog.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save).click()


def test_browse_and_save_store_the_logo_in_the_database(qtbot, store, tmp_path, monkeypatch):
    source = tmp_path / "brand.png"
    img = PILImage.new("RGB", (200, 40), "teal")
    exif = img.getexif()
    exif[0x013B] = "Alice Private"  # Artist: private metadata that must not be stored
    img.save(source, "PNG", exif=exif.tobytes())
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kw: (str(source), ""))
    dialog = SiteDialog(store, get_site(store))
    qtbot.addWidget(dialog)
    dialog.ui.logoBrowse.click()
    assert (dialog.ui.logoWidth.value(), dialog.ui.logoHeight.value()) == (200, 40)
    save(dialog)
    assert dialog.result() == SiteDialog.DialogCode.Accepted, dialog.ui.errorLabel.text()
    site = get_site(store)
    assert site.logo.startswith("media/logo-") and str(source) not in site.logo
    assert (site.logo_width, site.logo_height) == (200, 40)
    source.unlink()
    stored = get_image_bytes(store, site.logo.removeprefix("media/"))
    assert b"Alice Private" not in stored
    with PILImage.open(BytesIO(stored)) as picture:
        assert picture.size == (200, 40)
    again = SiteDialog(store, get_site(store))  # reopened, the field shows the stored picture
    qtbot.addWidget(again)
    assert again.ui.logoEdit.text() == site.logo


def test_a_legacy_local_path_is_not_read_on_save_and_the_dialog_says_why(qtbot, store, db_path, tmp_path):
    private = tmp_path / "passport.png"
    PILImage.new("RGB", (30, 30), "red").save(private, "PNG")
    get_site(store)
    with sqlite3.connect(db_path) as con:
        con.execute("UPDATE site SET logo = ?", (str(private),))
    dialog = SiteDialog(store, get_site(store))
    qtbot.addWidget(dialog)
    dialog.ui.taglineEdit.setText("New tagline")
    save(dialog)
    assert dialog.ui.errorLabel.isVisibleTo(dialog)
    assert "file on this computer" in dialog.ui.errorLabel.text()
    assert get_site(store).tagline != "New tagline" and media_map(store) == {}  # nothing written or read
    assert dialog.ui.taglineEdit.text() == "New tagline"  # nothing lost
    dialog.ui.logoEdit.clear()
    save(dialog)
    site = get_site(store)
    assert (site.tagline, site.logo) == ("New tagline", "")


def test_long_sentence_limit_is_shown_saved_and_bounded(qtbot, store):
    update_site(store, long_sentence_words=42)
    dialog = SiteDialog(store, get_site(store))
    qtbot.addWidget(dialog)
    spin = dialog.ui.longSentenceSpin
    assert spin.value() == 42 and (spin.minimum(), spin.maximum()) == (10, 200)
    assert dialog.ui.longSentenceLabel.buddy() is spin
    spin.setValue(5)  # below the range the store accepts: the field holds it at the minimum
    assert spin.value() == 10
    spin.setValue(25)
    save(dialog)
    assert dialog.result() == SiteDialog.DialogCode.Accepted, dialog.ui.errorLabel.text()
    assert get_site(store).long_sentence_words == 25
    again = SiteDialog(store, get_site(store))
    qtbot.addWidget(again)
    assert again.ui.longSentenceSpin.value() == 25
