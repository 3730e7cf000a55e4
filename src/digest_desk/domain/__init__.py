"""Domain tables and value types; depends on nothing else of Digest Desk."""

from __future__ import annotations

from digest_desk.domain.models import Article, Image, Link, LinkKind, Revision, Site, Status

__all__ = ["Article", "Image", "Link", "LinkKind", "Revision", "Site", "Status"]
