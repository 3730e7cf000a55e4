"""A small published site for export tests: sections, pictures, links, a draft, About/Contact."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image as PILImage

from digest_desk.domain import Image
from digest_desk.export import settle
from digest_desk.store.articles import create_article
from digest_desk.store.media import add_image
from digest_desk.store.site import update_site

BASE_URL = "https://digest.example.org/"


def picture(size: tuple[int, int], colour: tuple[int, int, int], fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buf, fmt)
    return buf.getvalue()


def insert_image(store, image: Image) -> Image:
    """A raw image row, bypassing the media store's checks (for damaged or odd data)."""
    with store.write() as session:
        session.add(image)
        session.flush()
        session.refresh(image)
        return image


def build_fixture_site(store) -> dict[str, object]:
    """Create the site; returns the articles by slug and the pictures by name."""
    update_site(
        store, name="Harbour Digest", base_url=BASE_URL, tagline="News from the coast",
        partner_name="Coast Times", partner_url="https://coast-times.example/",
        about_md="# Who we are\n\nA small **digest** of coastal news.",
        contact_md="Write to [the desk](mailto:desk@digest.example.org).",
    )
    lead = add_image(store, picture((1200, 675), (30, 90, 160)), name="harbour.png", alt="The harbour")
    add_image(store, picture((800, 600), (200, 120, 40), "JPEG"), name="market.jpg", alt="The market")
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    specs = [
        ("Harbour reopens after the storm", "Weather", True),
        ("Council approves the new bridge", "Politics", False),
        ("Fish market moves to the old pier", "Business", False),
        ("Ferry timetable changes in April", "Travel", False),
        ("Storm damage: what the insurers say", "Weather", False),
        ("Mayor answers questions on the budget", "Politics", False),
    ]
    articles = {}
    for i, (title, section, with_lead) in enumerate(specs):
        body = (
            f"The {section.lower()} desk reports on this story.\n\n"
            "## What happened\n\n"
            "Residents gathered at the quay on Monday morning. Officials said the work "
            "would take several weeks.\n\n"
            "- First point of the story\n- Second point of the story\n\n"
            f"More at [the partner site](https://coast-times.example/story/{i})."
        )
        if i == 2:
            body += "\n\n![The new market hall](media/market.jpg)"
        links = [{"title": f"Background {i}", "url": f"https://coast-times.example/bg/{i}", "kind": "read-more"}]
        if i > 0:
            first = next(iter(articles.values()))
            links.append({"title": first.title, "url": "", "kind": "related", "target_article_id": first.id})
        article = create_article(
            store, title=title, summary=f"Summary of: {title}.", body=body, author="Ana Ruiz",
            category=section, tags=[section.lower()], status="published",
            published_at=start + timedelta(days=i), updated_at=start + timedelta(days=i, hours=2),
            image_id=lead.id if with_lead else None, image_alt="Boats in the harbour" if with_lead else "",
            links=links,
        )
        articles[article.slug] = article
    draft = create_article(store, title="Unfinished draft", body="Not yet.", status="draft")
    return {"articles": articles, "draft": draft}


def tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` with its sha256 (not the change-log mark: it says when the
    export was made, not what it holds)."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*")) if p.is_file() and p.name != ".digest-desk-changes.json"
    }


def stats(root: Path) -> dict[str, tuple[int, int]]:
    """Inode and modification time of every file (to see which were rewritten; not the mark)."""
    return {
        p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*")) if p.is_file() and p.name != ".digest-desk-changes.json"
    }


def leftovers(out: Path) -> list[str]:
    settle()  # what the export discards in the background
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(out.name + "."))
