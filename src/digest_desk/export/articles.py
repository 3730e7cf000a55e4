"""Rendering article pages (both renditions) into a folder; runs in worker processes too."""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from digest_desk.domain import Site
from digest_desk.export import page_cache
from digest_desk.export.writer import Writer
from digest_desk.render.fragments import CACHE_ENV
from digest_desk.store.engine import Store, attach
from digest_desk.store.published import PageArticle, page_articles, published_reader

STANDARD_ROOT = "../"  # standard page at <slug>/index.html
AMP_ROOT = "../../"  # simplified page at <slug>/amp/index.html
STANDARD_MEDIA = STANDARD_ROOT + "media/"
AMP_MEDIA = AMP_ROOT + "media/"


def article_files(slug: str) -> tuple[str, str]:
    return f"{slug}/index.html", f"{slug}/amp/index.html"


class ArticleRenderer:
    """Loads articles by id and writes their standard and simplified pages."""

    def __init__(self, store: Store, root: Path, site: Site, categories: Sequence[str],
                 fault: str | None = None, known: Mapping[str, str] | None = None,
                 now: datetime | None = None, only: Sequence[int] | None = None) -> None:
        """``only``: the ids this renderer will be asked for, when few (an incremental export):
        then only their link targets are read, not the slugs of the whole archive."""
        from digest_desk.page_inputs import read_inputs  # the renderer, imported when first needed

        self.store = store
        self.site = site
        self.writer = Writer(root, fault, known)
        targets = None
        if only is not None:
            with published_reader(store, now) as reader:
                targets = reader.link_target_ids(only)
        inputs = read_inputs(store, categories=categories, now=now, link_targets=targets)  # due by then
        # Links between exported pages are relative, so the folder works from disk and served.
        self.ctx_standard = inputs.context(root=STANDARD_ROOT, media_prefix=STANDARD_MEDIA)
        self.ctx_amp = inputs.context(root=AMP_ROOT, media_prefix=AMP_MEDIA)
        self.now = now
        self._inputs = inputs
        self._base_key: bytes | None = None

    @property
    def base_key(self) -> bytes:
        """What every page key of this renderer shares (worked out when the page cache is asked)."""
        if self._base_key is None:
            inputs = self._inputs
            self._base_key = page_cache.base_key(self.site, inputs.media, inputs.categories, STANDARD_ROOT,
                                                 AMP_ROOT, STANDARD_MEDIA, AMP_MEDIA)
        return self._base_key

    def load(self, ids: Sequence[int]) -> list[PageArticle]:
        with published_reader(self.store, self.now) as reader:
            return page_articles(reader.page_rows(ids))

    def render(self, ids: Sequence[int]) -> list[tuple[int, dict[str, str], list[str]]]:
        """Write both pages of each article; returns (id, {path: sha256}, paths written).

        The rows are read in one snapshot, as plain tuples; with the page cache, pages rendered
        before from the same rows are copied from it and only the others are rendered."""
        cache = page_cache.shared()
        with published_reader(self.store, self.now) as reader:
            page = reader.page_rows(ids)
        if cache is None:
            return [self._write(article, self._render(article)) for article in page_articles(page)]
        links: dict[int, list[tuple]] = {}
        for link in page.links:
            links.setdefault(link[0], []).append(link)
        base = self.base_key
        done = []
        missing = []
        for row in page.rows:
            key = page_cache.page_key(base, row, links.get(row[0], []), self.ctx_standard.slugs)
            pages = cache.find(key)
            if pages is None:
                missing.append((key, row))
            else:
                done.append(self._write_pages(row[0], row[1], pages))
        rendered = []
        if missing:
            for (key, _), article in zip(missing, page_articles(page._replace(rows=[row for _, row in missing])),
                                         strict=True):
                pages = self._render(article)
                rendered.append((key, pages))
                done.append(self._write(article, pages))
        cache.keep(rendered)  # one transaction for the chunk
        done.sort(key=lambda item: item[0])
        return done

    def _render(self, article: PageArticle) -> page_cache.Pages:
        from digest_desk.render.pages import both

        std_html, amp_html = both(article, self.site, self.ctx_standard, self.ctx_amp)
        std, amp = std_html.encode("utf-8"), amp_html.encode("utf-8")
        return page_cache.Pages(std, amp, hashlib.sha256(std).hexdigest(), hashlib.sha256(amp).hexdigest())

    def _write(self, article: PageArticle, pages: page_cache.Pages) -> tuple[int, dict[str, str], list[str]]:
        assert article.id is not None
        return self._write_pages(article.id, article.slug, pages)

    def _write_pages(self, aid: int, slug: str, pages: page_cache.Pages) -> tuple[int, dict[str, str], list[str]]:
        std_rel, amp_rel = article_files(slug)
        start = len(self.writer.written)
        files = {std_rel: self.writer.write(std_rel, pages.standard, pages.standard_sha),
                 amp_rel: self.writer.write(amp_rel, pages.amp, pages.amp_sha)}
        return aid, files, self.writer.written[start:]


# Worker processes keep one renderer, made by the pool initializer (never at import time).
_worker: dict[str, ArticleRenderer] = {}


def init_worker(db_path: str, root: str, categories: list[str], fault: str | None,
                known: dict[str, str], now: datetime | None = None, password: str | None = None,
                fragment_cache: str | None = None, page_cache_setting: str | None = None) -> None:
    """Make the worker's renderer, then pause the cyclic garbage collector in this process.

    Rendering makes many short-lived objects; the collector's passes over the long-lived ones
    (modules, templates, the media map) find nothing to free. They are frozen out of its sight
    and it runs once per chunk instead (reference counting frees everything else as usual).
    export_site never does this in the process that calls it (the window's, maybe).

    ``fragment_cache`` is the exporting process's DIGEST_DESK_FRAGMENT_CACHE: the fork server
    keeps the environment it started with, so the setting is handed over explicitly (and
    ``page_cache_setting``, DIGEST_DESK_PAGE_CACHE, likewise)."""
    from digest_desk.store.site import get_site

    if fragment_cache is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = fragment_cache
    if page_cache_setting is None:
        os.environ.pop(page_cache.PAGE_CACHE_ENV, None)
    else:
        os.environ[page_cache.PAGE_CACHE_ENV] = page_cache_setting
    store = attach(db_path, password)  # a file path or a server URL (password: asked for, in memory)
    _worker["renderer"] = ArticleRenderer(store, Path(root), get_site(store), categories, fault, known, now)
    gc.freeze()
    gc.disable()


def render_chunk(ids: list[int]) -> list[tuple[int, dict[str, str], list[str]]]:
    done = _worker["renderer"].render(ids)
    gc.collect()  # the cycles of this chunk, if any (the frozen objects are not looked at)
    return done
