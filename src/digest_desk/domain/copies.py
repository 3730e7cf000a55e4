"""The article's editable fields named once, and detached copies that outlive a session."""

from __future__ import annotations

from digest_desk.domain.models import Article, Image, Link

# What an editor changes and a revision keeps (besides the links): every copy, draft, conflict
# and revision view uses this one list.
EDITABLE_FIELDS = (
    "title", "slug", "summary", "body", "author", "category", "tags", "status",
    "published_at", "image_id", "image_alt", "image_caption", "image_credit",
)


def detached_image(image: Image) -> Image:
    """A plain copy of a picture row without its bytes: a deferred ``data`` column raises when it
    is read outside the session that loaded it, and a copy without bytes costs nothing to keep."""
    values = {name: getattr(image, name) for name in Image.model_fields if name != "data"}
    return Image(**values, data=None)


def detached_article(article: Article) -> Article:
    """A copy of every column and link of an article, sharing nothing mutable with it; the
    picture row is shared as it is (renderers only read it)."""
    values = {name: getattr(article, name) for name in Article.model_fields}
    values["tags"] = list(values.get("tags") or [])
    clone = Article(**values)
    clone.links = [Link(**{name: getattr(link, name) for name in Link.model_fields})
                   for link in article.links]
    clone.image = article.image
    return clone
