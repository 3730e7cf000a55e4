"""The site profile dialog (composes the Designer form ui/site_dialog.ui)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCompleter, QDialog, QFileDialog, QWidget

from digest_desk.domain import Site
from digest_desk.domain.logo import logo_kind
from digest_desk.domain.zones import TimeZoneError, check_zone
from digest_desk.store import Store, StoreError
from digest_desk.store.site import read_logo, update_site
from digest_desk.ui.footer_links_editor import FooterLinksEditor
from digest_desk.ui.forms.ui_site_dialog import Ui_SiteDialog
from digest_desk.ui.plaintext import plain
from digest_desk.ui.server_wait import ServerWaits, Unanswered

TEXT_FIELDS = {
    "name": "nameEdit", "tagline": "taglineEdit", "base_url": "baseUrlEdit",
    "language": "languageEdit", "timezone": "timezoneEdit", "partner_name": "partnerNameEdit", "partner_url": "partnerUrlEdit",
    "logo": "logoEdit", "banner_text": "bannerEdit", "banner_link_text": "bannerLinkEdit",
    "read_more_text": "readMoreEdit", "exit_text": "exitEdit", "related_heading": "relatedEdit",
}


def _is_web_address(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def validate(values: dict[str, Any]) -> list[str]:
    """Plain-language problems with the profile; empty when it can be saved."""
    problems = []
    if not values["name"].strip():
        problems.append("The site needs a name.")
    if not _is_web_address(values["base_url"]):
        problems.append("The address must be a full web address such as https://news.example.com/.")
    language = values["language"].strip()
    if not language or not all(part.isalnum() for part in language.split("-")):
        problems.append("The language must be a code such as en, de or pt-BR.")
    try:
        check_zone(values.get("timezone", ""))
    except TimeZoneError as exc:
        problems.append(str(exc))
    if values["partner_url"] and not _is_web_address(values["partner_url"]):
        problems.append("The partner address must be a full web address (or left empty).")
    return problems


class SiteDialog(QDialog):
    """Edits the site profile; nothing is written until the values are valid."""

    def __init__(self, store: Store, site: Site, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_SiteDialog()
        self.ui.setupUi(self)
        self._store = store
        self._waits = ServerWaits(lambda note: self._show_problems([note] if note else []), self)
        self.site: Site = site
        self._browsed_logo: tuple[str, int, int] | None = None  # path, width, height shown
        self.footer = FooterLinksEditor(self)  # the links engineer's editor, in the Footer tab
        self.ui.footerLayout.addWidget(self.footer, 1)
        self._fill(site)
        self.ui.buttonBox.accepted.connect(self.save)
        self.ui.buttonBox.rejected.connect(self.reject)
        self.ui.logoBrowse.clicked.connect(self._browse_logo)
        self.ui.errorLabel.hide()
        zones = QCompleter(sorted(available_timezones()), self)
        zones.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        zones.setFilterMode(Qt.MatchFlag.MatchContains)
        self.ui.timezoneEdit.setCompleter(zones)

    def _fill(self, site: Site) -> None:
        for key, widget in TEXT_FIELDS.items():
            getattr(self.ui, widget).setText(getattr(site, key) or "")
        self.ui.logoWidth.setValue(site.logo_width or 0)
        self.ui.logoHeight.setValue(site.logo_height or 0)
        self.ui.longSentenceSpin.setValue(site.long_sentence_words or 30)
        self.footer.set_links(list(site.footer_links or []))

    def _browse_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a logo"), "",
                                              self.tr("Images (*.png *.jpg *.jpeg *.gif *.webp)"))
        if path:
            self.choose_logo_file(path)

    def choose_logo_file(self, path: str) -> None:
        """Show a picture file as the new logo; saving stores it with the site (never its path)."""
        try:
            logo = read_logo(path)
        except StoreError as exc:
            self._show_problems([str(exc)])
            return
        self.ui.logoEdit.setText(path)
        self.ui.logoWidth.setValue(logo.width)
        self.ui.logoHeight.setValue(logo.height)
        self._browsed_logo = (path, logo.width, logo.height)
        self._show_problems([])

    def _logo_file(self, values: dict[str, Any]) -> str | None:
        """The picture file to store as the logo, when the Logo field names one; the field's
        value then leaves ``values``. A path the profile already held (from before logos were
        stored with the site) stays in ``values`` and is refused with a message on saving."""
        path = values["logo"]
        if logo_kind(path) != "file" or path == (self.site.logo or "").strip():
            return None
        del values["logo"]
        browsed = self._browsed_logo
        if browsed is None or browsed[0] != path or (values["logo_width"], values["logo_height"]) == browsed[1:]:
            values["logo_width"] = values["logo_height"] = None  # sized from the stored picture
        return path

    def values(self) -> dict[str, Any]:
        """What the dialog holds now, in the site's field names."""
        data: dict[str, Any] = {key: getattr(self.ui, w).text().strip() for key, w in TEXT_FIELDS.items()}
        data["logo_width"] = self.ui.logoWidth.value() or None
        data["logo_height"] = self.ui.logoHeight.value() or None
        data["long_sentence_words"] = self.ui.longSentenceSpin.value()
        data["footer_links"] = [] if self.footer.errors() else self.footer.links()
        return data

    def _show_problems(self, problems: list[str]) -> None:
        plain(self.ui.errorLabel)  # problems quote what was typed
        self.ui.errorLabel.setText("\n".join(problems))
        self.ui.errorLabel.setVisible(bool(problems))

    def save(self) -> None:
        values = self.values()
        problems = validate(values) + self.footer.errors()
        if problems:
            self._show_problems(problems)
            return
        if self._waits.waiting:
            return  # the team server has not answered the last OK yet
        note = self.tr("The team server is not answering; the profile is saved when it does.")
        self.ui.buttonBox.setEnabled(False)
        try:
            logo_file = self._logo_file(values)
            self.site = self._waits.store_call(self._store, note, update_site, self._store,
                                               logo_file=logo_file, give_up=self.rejected, **values)
        except Unanswered:
            return  # closed while waiting: the window hears of the change from the server
        except StoreError as exc:
            self._show_problems([str(exc)])
            return
        finally:
            self.ui.buttonBox.setEnabled(True)
        self.accept()
