"""What every page renders from besides its article: the published site's media, sections and link targets."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from digest_desk.domain import Image
from digest_desk.render import RenderContext
from digest_desk.store.dictionary import site_words
from digest_desk.store.engine import Store
from digest_desk.store.published import PublishedReader, published_reader


@dataclass(frozen=True, slots=True)
class PageInputs:
    """The preview, ``digest-desk render``, ``check`` and the export all build their render
    context from this, so the editor sees the page that will be published: a draft's category
    is no section, and a link to an unpublished article is no internal link.

    A snapshot of the published site as pages see it. Read it once (per export, per command,
    per article opened in the window) and ask it for a context per page location."""

    media: Mapping[str, Image]  # every stored picture by name, without bytes
    categories: tuple[str, ...]  # sections of the published site, sorted
    slugs: Mapping[int, str]  # published articles' slugs by id (maybe only some of them)
    unpublished: Mapping[int, str]  # the other articles' slugs: no link targets, named by checks
    site_words: frozenset[str] = frozenset()  # the site dictionary, for the spelling check

    def context(self, *, root: str = "", media_prefix: str = "") -> RenderContext:
        """The render context for pages at ``root`` ("" means absolute base_url addresses)."""
        return RenderContext(media=self.media, slugs=self.slugs, categories=self.categories,
                             media_prefix=media_prefix, root=root, unpublished=self.unpublished,
                             site_words=self.site_words)


def inputs_from(reader: PublishedReader, *, categories: Sequence[str] | None = None,
                link_targets: Collection[int] | None = None) -> PageInputs:
    """Page inputs from an open read (``categories`` when the caller already has them;
    ``link_targets`` limits the slugs read to those ids)."""
    sections = reader.categories() if categories is None else categories
    return PageInputs(reader.media(), tuple(sections), reader.slugs(link_targets),
                      reader.slugs(link_targets, published=False))


def read_inputs(store: Store, *, categories: Sequence[str] | None = None,
                link_targets: Collection[int] | None = None, now: datetime | None = None) -> PageInputs:
    """Page inputs in one read transaction, of the site as published at ``now`` (default: this
    instant; see ``inputs_from``), with the site dictionary the spelling check accepts."""
    with published_reader(store, now) as reader:
        inputs = inputs_from(reader, categories=categories, link_targets=link_targets)
    return replace(inputs, site_words=site_words(store))


def read_link_targets(store: Store, ids: Collection[int],
                      now: datetime | None = None) -> tuple[dict[int, str], dict[int, str]]:
    """The slugs of those of ``ids`` that are published articles (internal links), and of those
    that are not (yet): as ``PageInputs.slugs`` and ``PageInputs.unpublished``."""
    with published_reader(store, now) as reader:
        return reader.slugs(ids), reader.slugs(ids, published=False)
