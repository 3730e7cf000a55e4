"""Domain tables and value types; depends on nothing else of Digest Desk."""

from __future__ import annotations

from digest_desk.domain.copies import EDITABLE_FIELDS, detached_article, detached_image
from digest_desk.domain.models import (
    HEADLINE_MAX,
    MISSING_IMAGE_MAX,
    Article,
    Image,
    Link,
    LinkKind,
    Revision,
    Site,
    Status,
)

__all__ = [
    "EDITABLE_FIELDS", "HEADLINE_MAX", "MISSING_IMAGE_MAX", "Article",
    "Image", "Link", "LinkKind", "Revision", "Site", "Status",
    "detached_article", "detached_image",
]
