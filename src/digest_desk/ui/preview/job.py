"""The work of one preview refresh, done off the UI thread: whole pages or changed blocks only."""

from __future__ import annotations

import contextlib
import dataclasses
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from digest_desk import render
from digest_desk.domain.models import Article, Site
from digest_desk.ui.preview.media import MediaFolder
from digest_desk.ui.preview.quick import quick_blocks
from digest_desk.ui.tasks import RENDER_LOCK

if TYPE_CHECKING:  # the fragment cache loads Jinja: not before the window's first paint
    from digest_desk.render.fragments import HeldWrites

RENDITIONS = ("standard", "simplified")
_PAGES = {"standard": "preview_standard", "simplified": "preview_simplified"}
# Bodies at least this long get a provisional update of the edited blocks before the exact one.
QUICK_MIN_CHARS = 20_000


@dataclass
class RenderRequest:
    """A snapshot taken on the UI thread; the worker never sees the editor's live objects."""

    article: Article
    site: Site
    ctx: Any
    meta_key: str
    full: bool
    started: float = field(default_factory=time.perf_counter)
    shown: tuple[str, dict[str, list[Any]]] | None = None  # body and blocks the views show now


@dataclass
class RenderResult:
    request: RenderRequest
    pages: dict[str, str] | None
    blocks: dict[str, list[Any]]
    render_ms: float = 0.0  # time spent in the renderer (the rest is the preview's own)
    provisional: bool = False  # only the edited blocks re-rendered; the exact result follows


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


def compute(request: RenderRequest, media: MediaFolder,
            held: HeldWrites | None = None) -> RenderResult:
    """Render what the request needs. A long body whose views show an earlier version of it
    (``request.shown``) gets only the blocks around the edit (a provisional result: the owner
    asks for the exact one with ``shown`` unset once no newer change waits).

    With ``held``, parsed bodies go there instead of into the fragment cache: a preview renders
    one version per keystroke, and its owner writes only the version typing settles on."""
    from digest_desk.render.fragments import holding

    with holding(held) if held is not None else contextlib.nullcontext():
        return _compute(request, media)


def _compute(request: RenderRequest, media: MediaFolder) -> RenderResult:
    start = time.perf_counter()
    media.sync(getattr(request.ctx, "media", {}) or {})
    body = request.article.body or ""
    if not request.full:
        with RENDER_LOCK:
            quick = provisional(request, body)
        if quick is not None:
            return RenderResult(request, None, quick, (time.perf_counter() - start) * 1000.0,
                                provisional=True)
    pages = None
    with RENDER_LOCK:
        if request.full:
            pages = {name: getattr(render, _PAGES[name])(request.article, request.site, request.ctx)
                     for name in RENDITIONS}
        blocks = {name: list(render.render_blocks(body, name, request.ctx)) for name in RENDITIONS}
    return RenderResult(request=request, pages=pages, blocks=blocks,
                        render_ms=(time.perf_counter() - start) * 1000.0)


def provisional(request: RenderRequest, body: str) -> dict[str, list[Any]] | None:
    """Blocks with only the edited region re-rendered, or None when the shortcut does not pay."""
    if request.shown is None or len(body) < QUICK_MIN_CHARS:
        return None
    old_body, old_blocks = request.shown
    out = {}
    for name in RENDITIONS:
        blocks = quick_blocks(old_body, old_blocks.get(name, []), body, name, request.ctx)
        if blocks is None:
            return None
        out[name] = blocks
    return out
