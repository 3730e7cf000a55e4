"""Demo content: the shipped samples import cleanly into a new database."""

from __future__ import annotations

from digest_desk.domain import LinkKind
from digest_desk.paths import samples_dir
from digest_desk.store.articles import all_articles, categories
from digest_desk.store.demo import seed_demo
from digest_desk.store.media import media_map
from digest_desk.store.search import search
from digest_desk.store.site import get_site


def test_demo_seeds_site_articles_pictures_and_links(store):
    done = seed_demo(store)
    assert len(done) == len(list(samples_dir().glob("*.md"))) >= 5
    site = get_site(store)
    assert site.name == "Digest Desk Daily" and site.partner_name and site.about_md
    articles = all_articles(store)
    assert len(categories(store)) >= 5
    assert sum(a.image is not None for a in articles) >= 5
    assert all(a.links and a.summary and a.tags and a.published_at for a in articles)
    kinds = {link.kind for a in articles for link in a.links}
    assert kinds == {LinkKind.READ_MORE, LinkKind.RELATED, LinkKind.SOURCE}
    internal = [link for a in articles for link in a.links if link.target_article_id]
    assert internal and internal[0].url == "/night-train-ridership-doubles/"
    bodies = "\n".join(a.body for a in articles)
    assert "](media/ridership-chart.png" in bodies and "youtube.com/watch" in bodies
    media = media_map(store)
    assert all(name in media for name in ("harbour.png", "ridership-chart.png"))
    assert media["harbour.png"].width == 1200 and media["harbour.png"].height == 675
    assert search(store, "sleeper cars")[0].slug == "night-train-ridership-doubles"


def test_demo_pictures_are_small(store):
    sizes = [p.stat().st_size for p in (samples_dir() / "images").glob("*.png")]
    assert sizes and max(sizes) < 50_000
