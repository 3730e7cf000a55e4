"""The site profile: one row, created with defaults on first use."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from digest_desk.domain import Site
from digest_desk.domain.types import utcnow
from digest_desk.store.engine import Store

SITE_KEYS = (
    "name", "base_url", "language", "tagline", "partner_name", "partner_url", "logo",
    "banner_text", "banner_link_text", "read_more_text", "exit_text", "related_heading",
    "about_md", "contact_md",
)


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


def update_site(store: Store, **values: Any) -> Site:
    """Change profile fields; unknown keys raise KeyError naming the allowed ones."""
    allowed = set(SITE_KEYS) | {"footer_links", "logo_width", "logo_height"}
    unknown = set(values) - allowed
    if unknown:
        raise KeyError(
            f"Unknown site setting {', '.join(sorted(unknown))}; known: {', '.join(SITE_KEYS)}, footer_links"
        )
    get_site(store)
    with store.write() as session:
        site = session.exec(select(Site).order_by(Site.id)).one()
        for key, value in values.items():
            setattr(site, key, value)
        site.updated_at = utcnow()
        session.add(site)
        session.flush()
        session.refresh(site)
        return site
