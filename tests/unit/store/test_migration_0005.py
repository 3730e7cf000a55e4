"""Migration 0005: the site's time zone column, and publication times rewritten in UTC."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from alembic import command

from digest_desk.store import migrations, open_store
from digest_desk.store.articles import get_by_slug
from digest_desk.store.engine import make_engine
from digest_desk.store.site import get_site


def _article(con: sqlite3.Connection, slug: str, published: str | None) -> None:
    con.execute(
        "INSERT INTO article (title, slug, slug_key, summary, body, author, category, tags, status,"
        " published_at, updated_at, created_at, image_alt, version) VALUES (?, ?, ?, '', 'text', '', '',"
        " '[]', 'published', ?, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', '', 1)",
        (slug, slug, slug, published),
    )


def test_0005_adds_the_time_zone_and_keeps_times_in_utc_then_downgrades(tmp_path):
    path = tmp_path / "old.sqlite3"
    engine = make_engine(path)
    migrations.upgrade(engine, "0004")
    engine.dispose()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO site (name, base_url, language, tagline, partner_name, partner_url, logo,"
                " banner_text, banner_link_text, read_more_text, exit_text, related_heading, footer_links,"
                " about_md, contact_md, updated_at) VALUES ('Old', 'https://old.example/', 'en', '', '', '',"
                " '', '', '', '', '', '', '[]', '', '', '2026-01-01T00:00:00+00:00')")
    _article(con, "berlin", "2026-03-01T09:30:00+02:00")
    _article(con, "utc", "2026-03-01T09:30:00+00:00")
    _article(con, "undated", None)
    con.commit()
    con.close()
    store = open_store(path)
    assert migrations.current(store.engine) == migrations.head()
    assert get_site(store).timezone == "UTC" and get_site(store).name == "Old"
    raw = sqlite3.connect(path)
    stored = dict(raw.execute("SELECT slug, published_at FROM article").fetchall())
    raw.close()
    assert stored == {"berlin": "2026-03-01T07:30:00+00:00", "utc": "2026-03-01T09:30:00+00:00", "undated": None}
    assert get_by_slug(store, "berlin").published_at == datetime(2026, 3, 1, 7, 30, tzinfo=UTC)
    cfg = migrations.config(store.engine)
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004")
    columns = [row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(site)")]
    assert "timezone" not in columns and "name" in columns
    store.close()
