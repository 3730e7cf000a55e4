"""The work of one preview refresh, done off the UI thread: whole pages or changed blocks only."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import Any

from digest_desk import render
from digest_desk.domain.models import Article, Link, Site
from digest_desk.ui.preview.media import MediaFolder

RENDITIONS = ("standard", "simplified")
_PAGES = {"standard": "preview_standard", "simplified": "preview_simplified"}


@dataclass
class RenderRequest:
    """A snapshot taken on the UI thread; the worker never sees the editor's live objects."""

    article: Article
    site: Site
    ctx: Any
    meta_key: str
    full: bool
    started: float = field(default_factory=time.perf_counter)


@dataclass
class RenderResult:
    request: RenderRequest
    pages: dict[str, str] | None
    blocks: dict[str, list[Any]]


def clone_article(article: Article) -> Article:
    """A detached copy of the fields and links the renderer reads."""
    values = {name: getattr(article, name) for name in Article.model_fields}
    values["tags"] = list(values.get("tags") or [])
    clone = Article(**values)
    clone.links = [Link(**{name: getattr(link, name) for name in Link.model_fields})
                   for link in article.links]
    clone.image = article.image
    return clone


def meta_key(article: Article, site: Site, ctx: Any) -> str:
    """Everything outside the body that shapes the pages: a change means a whole-page reload."""
    snap = article.snapshot()
    snap.pop("body", None)
    image = article.image
    parts = [
        snap, article.id, str(article.updated_at), getattr(image, "sha256", None),
        getattr(image, "name", None), site.model_dump(exclude={"updated_at"}),
        sorted(getattr(ctx, "slugs", {}).items()), list(getattr(ctx, "categories", ())),
        sorted((name, str(getattr(img, "sha256", ""))) for name, img in getattr(ctx, "media", {}).items()),
    ]
    return repr(parts)


def preview_context(ctx: Any, media: MediaFolder) -> Any:
    """The caller's context with media pointing at the preview's own folder."""
    if ctx is None:
        ctx = render.RenderContext()
    return dataclasses.replace(ctx, media_prefix=media.media_prefix)


def compute(request: RenderRequest, media: MediaFolder) -> RenderResult:
    """Render what the request needs. Block rendering is cached per block by ``render``."""
    media.sync(getattr(request.ctx, "media", {}) or {})
    body = request.article.body or ""
    pages = None
    if request.full:
        pages = {name: getattr(render, _PAGES[name])(request.article, request.site, request.ctx)
                 for name in RENDITIONS}
    blocks = {name: list(render.render_blocks(body, name, request.ctx)) for name in RENDITIONS}
    return RenderResult(request=request, pages=pages, blocks=blocks)
