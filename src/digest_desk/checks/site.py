"""Checks of the site profile itself (not of one article): what a restored or shared database may hold."""

from __future__ import annotations

from collections.abc import Mapping

from digest_desk.checks.problems import Problem
from digest_desk.domain import Image, Site
from digest_desk.domain.logo import logo_kind, logo_media_name
from digest_desk.render.context import stored_logo


def check_site(site: Site, media: Mapping[str, Image]) -> list[Problem]:
    """Problems of the profile ``site``; ``media`` is every stored picture by name (no bytes)."""
    kind = logo_kind(site.logo)
    if kind == "file":
        return [Problem("warning", "site.logo-local-file",
                        "The site logo is a file on this computer: set it again in Site Settings so it "
                        "is stored with the site. Until then no logo is published.")]
    if kind == "bad":
        return [Problem("warning", "site.logo-bad-address",
                        "The site logo is neither a web address (https://…) nor a stored picture: "
                        "set it again in Site Settings. Until then no logo is published.")]
    if kind == "media" and stored_logo(site, media) is None:
        return [Problem("warning", "site.logo-missing",
                        f"The site logo names the picture “{logo_media_name(site.logo)}”, which is not "
                        "in the media store: set it again in Site Settings. Until then no logo is published.")]
    return []
