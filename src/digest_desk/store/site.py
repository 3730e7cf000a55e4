"""The site profile: one row, created with defaults on first use."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from sqlmodel import Session, select

from digest_desk.domain import Image, Site
from digest_desk.domain.logo import MEDIA_REF, logo_kind, logo_media_name
from digest_desk.domain.slugs import clean_text
from digest_desk.domain.types import utcnow
from digest_desk.domain.zones import TimeZoneError, check_zone
from digest_desk.store.engine import Store
from digest_desk.store.errors import StoreError
from digest_desk.store.media import MAX_BYTES, MediaError, add_image, probe
from digest_desk.store.photometa import strip_metadata
from digest_desk.store.readfile import UnsafeFileError, read_capped

SITE_KEYS = (
    "name", "base_url", "language", "timezone", "tagline", "partner_name", "partner_url", "logo",
    "banner_text", "banner_link_text", "read_more_text", "exit_text", "related_heading",
    "about_md", "contact_md",
    "long_sentence_words",  # the checks warn about longer sentences (ui/spelling.py shades them)
)


_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class SiteSettingError(StoreError, ValueError):
    """A site setting with a value that cannot be used; nothing was saved."""


class UnknownSettingError(StoreError, KeyError):
    """A site setting that does not exist."""

    def __str__(self) -> str:
        return str(self.args[0])


def _absolute_url(key: str, value: str, *, required: bool) -> str:
    value = value.strip()
    if not value and not required:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SiteSettingError(f"{key} must be a full web address such as https://example.com/.")
    return value


def _footer_links(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list):
        raise SiteSettingError("footer_links must be a list of {\"title\", \"url\"} entries.")
    links = []
    for n, item in enumerate(value, 1):
        if not isinstance(item, dict) or not str(item.get("title", "")).strip():
            raise SiteSettingError(f"footer link {n} needs a title.")
        url = str(item.get("url", "")).strip()
        if not (url.startswith("/") or urlsplit(url).scheme in ("http", "https")):
            raise SiteSettingError(f"footer link {n} needs a url starting with / or https://.")
        if "\\" in url or url.startswith("//") or any(ch.isspace() or ch < " " for ch in url):
            # browsers read /\\host and //host as another site, and drop tabs inside URLs
            raise SiteSettingError(f"footer link {n}: “{url}” is not a usable site path.")
        links.append({"title": clean_text(str(item["title"])).strip(), "url": url})
    return links


def check_setting(key: str, value: Any) -> Any:
    """The value to store for ``key``, or SiteSettingError saying what is wrong."""
    if key == "footer_links":
        return _footer_links(value)
    if key == "long_sentence_words":
        if not str(value).strip().isdigit() or not 10 <= int(value) <= 200:
            raise SiteSettingError("long_sentence_words must be a number of words from 10 to 200.")
        return int(value)
    if key in ("logo_width", "logo_height"):
        if value in (None, ""):
            return None
        if not str(value).isdigit() or int(value) <= 0:
            raise SiteSettingError(f"{key} must be a positive number of pixels.")
        return int(value)
    value = clean_text(str(value))
    if key == "base_url":
        value = _absolute_url(key, value, required=True)
        return value if value.endswith("/") else value + "/"
    if key == "partner_url":
        return _absolute_url(key, value, required=False)
    if key == "logo":
        return _logo(value.strip())
    if key == "name" and not value.strip():
        raise SiteSettingError("The site needs a name.")
    if key == "language" and not _LANGUAGE.match(value.strip()):
        raise SiteSettingError("language must be a language code such as en, de or pt-BR.")
    if key == "timezone":
        try:
            return check_zone(value)
        except TimeZoneError as exc:
            raise SiteSettingError(f"timezone: {exc}") from exc
    if key == "read_more_text":
        try:
            value.format(partner="Partner")
        except (KeyError, IndexError, ValueError) as exc:
            raise SiteSettingError(
                "read_more_text may only use {partner} as a placeholder (write {{ for a brace)."
            ) from exc
    return value.strip() if key not in ("about_md", "contact_md") else value


def _logo(value: str) -> str:
    kind = logo_kind(value)
    if kind == "file":
        raise SiteSettingError(
            f"logo “{value}” is a file on this computer; a logo is stored with the site: choose "
            "it with Browse… in Site Settings or run `digest-desk site set logo PATH`."
        )
    if kind == "bad":
        raise SiteSettingError(
            "logo must be a full web address such as https://example.com/logo.png or a stored "
            "picture named media/NAME."
        )
    return value


class LogoFile(NamedTuple):
    """A logo file read and cleaned, as it will be stored."""

    data: bytes
    name: str  # logo-<first 8 hex digits of the SHA-256 of ``data``>
    width: int
    height: int


def read_logo(path: str | Path) -> LogoFile:
    """A logo file chosen by the editor, read capped (regular files only) and without its private
    metadata, with its pixel size as stored; MediaError says why a file cannot be used."""
    path = Path(path).expanduser()
    label = f"The logo {path}"
    try:
        data = read_capped(path, MAX_BYTES)
    except UnsafeFileError as exc:
        raise MediaError(f"{label} {exc}.") from exc
    fmt, _width, _height = probe(data, label)
    try:
        data = strip_metadata(data, fmt)
    except Exception as exc:  # Pillow raises many types for damaged files
        raise MediaError(f"{label} could not be cleaned of its metadata ({exc}).") from exc
    _fmt, width, height = probe(data, label)
    return LogoFile(data, f"logo-{hashlib.sha256(data).hexdigest()[:8]}", width, height)


def _stored_logo(session: Session, name: str) -> Image:
    image = session.exec(select(Image).where(Image.name == name)).first()
    if image is None or image.data is None:
        raise SiteSettingError(f"logo: there is no stored picture named “{name}” in the media store.")
    return image


def _logo_values(store: Store, session: Session, values: dict[str, Any], logo: LogoFile | None) -> None:
    """Store a chosen logo file as a picture, and size the logo from its stored picture unless
    the caller gave a size: the profile then names ``media/NAME``, never a path."""
    if logo is not None:
        image = add_image(store, logo.data, name=logo.name, session=session)
        values["logo"] = MEDIA_REF + image.name
    name = logo_media_name(values.get("logo"))
    if name is None:
        return
    image = _stored_logo(session, name)
    values["logo_width"] = values.get("logo_width") or image.width
    values["logo_height"] = values.get("logo_height") or image.height


def get_site(store: Store) -> Site:
    with store.read() as session:
        site = session.exec(select(Site).order_by(Site.id)).first()
    if site is None:
        with store.write() as session:
            site = session.exec(select(Site).order_by(Site.id)).first()
            if site is None:
                site = Site()
                session.add(site)
                session.flush()
                session.refresh(site)
    return site


def update_site(store: Store, *, logo_file: str | Path | None = None, **values: Any) -> Site:
    """Change profile fields, all or none.

    Unknown keys raise UnknownSettingError (a KeyError); unusable values SiteSettingError
    (a ValueError), both StoreErrors with a message naming the setting. ``logo_file`` is a
    picture the editor chose: it is stored in the media store (metadata stripped) in the same
    transaction and the logo becomes ``media/NAME``, sized from the picture unless a size is given.
    A ``logo`` value that is a local path is refused: no path is ever kept in the profile.
    """
    allowed = set(SITE_KEYS) | {"footer_links", "logo_width", "logo_height"}
    unknown = set(values) - allowed
    if unknown:
        raise UnknownSettingError(
            f"Unknown site setting {', '.join(sorted(unknown))}; known: {', '.join(SITE_KEYS)}, footer_links"
        )
    values = {key: check_setting(key, value) for key, value in values.items()}
    logo = read_logo(logo_file) if logo_file is not None else None
    get_site(store)
    with store.write() as session:
        _logo_values(store, session, values, logo)
        site = session.exec(select(Site).order_by(Site.id)).one()
        for key, value in values.items():
            setattr(site, key, value)
        site.updated_at = utcnow()
        session.add(site)
        session.flush()
        session.refresh(site)
        return site
