"""A mixed site for the one-render-path tests: the samples plus seeded random drafts and published articles."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from digest_desk import render
from digest_desk.domain import Article, Site
from digest_desk.export.articles import (
    AMP_MEDIA,
    AMP_ROOT,
    STANDARD_MEDIA,
    STANDARD_ROOT,
    article_files,
)
from digest_desk.render import RenderContext
from digest_desk.store import Store
from digest_desk.store.articles import all_articles, create_article, get_article, save_article
from digest_desk.store.demo import seed_demo
from digest_desk.store.media import media_map

PUBLISHED_SECTIONS = ["World", "Politics", "Culture", "Economy"]
DRAFT_ONLY_SECTIONS = ["Sport", "Obituaries"]  # no published article ever uses these
WORDS = "harbour council river budget storm festival museum bridge railway winter market".split()


def build_mixed_site(store: Store, n: int = 240, seed: int = 13) -> None:
    """The samples, then ``n`` generated articles: drafts, ready and published mixed, drafts in
    sections of their own, pictures in bodies, and related links to drafts and to published ones."""
    seed_demo(store)
    rng = random.Random(seed)
    pictures = sorted(media_map(store))
    start = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    ids = []
    for i in range(n):
        status = rng.choice(["published", "published", "draft", "ready"])
        sections = PUBLISHED_SECTIONS if status == "published" else PUBLISHED_SECTIONS + DRAFT_ONLY_SECTIONS
        body = " ".join(rng.choice(WORDS) for _ in range(40)).capitalize() + "."
        if rng.random() < 0.3:
            body += f"\n\n![A picture](media/{rng.choice(pictures)})"
        article = create_article(
            store, title=f"{rng.choice(WORDS).title()} story {i}", body=body, summary="A summary.",
            author="Ana Ruiz", category=rng.choice(sections), status=status,
            published_at=start + timedelta(hours=i) if status == "published" else None,
        )
        ids.append(article.id)
    for aid in ids:
        if rng.random() < 0.5:
            continue
        article = get_article(store, aid)
        targets = rng.sample(ids, 3)
        links = [{"title": f"See also {t}", "url": "", "target_article_id": t, "kind": "related"}
                 for t in targets if t != aid]
        links.append({"title": "Wire", "url": f"https://wire.example.org/{aid}", "kind": "read-more"})
        save_article(store, article, links=links, reason="links")


def exported_context(ctx: RenderContext, rendition: str) -> RenderContext:
    """The same inputs rooted where the export writes the page (relative links and media)."""
    from dataclasses import replace

    if rendition == "amp":
        return replace(ctx, root=AMP_ROOT, media_prefix=AMP_MEDIA)
    return replace(ctx, root=STANDARD_ROOT, media_prefix=STANDARD_MEDIA)


def assert_matches_export(article: Article, site: Site, ctx: RenderContext, out: Path) -> None:
    """Both pages rendered from ``ctx`` (re-rooted as the export roots them) are the exported bytes."""
    std_rel, amp_rel = article_files(article.slug)
    std = render.standard(article, site, exported_context(ctx, "standard"))
    amp = render.simplified(article, site, exported_context(ctx, "amp"))
    assert std.encode() == (out / std_rel).read_bytes(), article.slug
    assert amp.encode() == (out / amp_rel).read_bytes(), article.slug


def articles_by_status(store: Store) -> tuple[list[Article], list[Article]]:
    articles = all_articles(store)
    published = [a for a in articles if str(a.status) == "published"]
    others = [a for a in articles if str(a.status) != "published"]
    assert published and others
    return published, others
