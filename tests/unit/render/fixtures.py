"""Articles and sites the render and check tests share (plain domain objects, no database)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from digest_desk.domain import Article, Image, Link, LinkKind, Site
from digest_desk.render import RenderContext

DATA = Path(__file__).resolve().parents[2] / "data"
WHEN = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
LATER = datetime(2026, 3, 15, 18, 5, tzinfo=UTC)


def site() -> Site:
    return Site(
        id=1, name="River Digest", base_url="https://digest.example.org", language="en",
        tagline="The city, briefly", partner_name="City Wire", partner_url="https://wire.example.com",
        logo="media/logo.png", logo_width=300, logo_height=60,
    )


def media() -> dict[str, Image]:
    return {
        "river.jpg": Image(id=1, name="river.jpg", width=1600, height=900, alt="River", credit="Photo: A. Lee"),
        "icon.png": Image(id=2, name="icon.png", width=32, height=32, alt="icon", mime="image/png"),
        "hero.jpg": Image(id=3, name="hero.jpg", width=1200, height=800, alt="Council hall"),
        "logo.png": Image(id=4, name="logo.png", width=300, height=60, alt="", mime="image/png"),
    }


def context() -> RenderContext:
    return RenderContext(media=media(), slugs={2: "older-story"}, categories=["City", "Culture"])


def article(body: str, *, title: str = "Council backs the green corridor", **extra) -> Article:
    values = dict(
        id=1, title=title, slug="green-corridor", summary="A new path across the river.",
        author="Sam Reporter", category="City", tags=["transport", "river"], body=body,
        published_at=WHEN, updated_at=LATER, created_at=WHEN,
    )
    values.update(extra)
    return Article(**values)


def reference_article() -> Article:
    a = article((DATA / "reference.md").read_text(encoding="utf-8"))
    a.image = media()["hero.jpg"]
    a.image_id = 3
    a.image_alt = "The council hall"
    a.links = [
        Link(id=1, article_id=1, title="Corridor plan in detail", url="https://wire.example.com/corridor", kind=LinkKind.READ_MORE, position=0),
        Link(id=2, article_id=1, title="Earlier: the first vote", url="", kind=LinkKind.RELATED, position=1, target_article_id=2),
        Link(id=3, article_id=1, title="Council minutes", url="https://council.example.org/minutes", kind=LinkKind.SOURCE, position=2),
    ]
    return a


def minimal_article() -> Article:
    return article("Just one paragraph.", summary="", tags=[], author="", category="")
