"""Scheduled publishing in real exports: an article waits until its time, then appears (--changed too)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from digest_desk.checks import run_checks
from digest_desk.domain import Status
from digest_desk.export import export_site
from digest_desk.page_inputs import read_inputs
from digest_desk.store.articles import create_article, get_by_slug, save_article
from digest_desk.store.importer import import_file
from digest_desk.store.published import waiting_times
from digest_desk.store.site import get_site, update_site

SRC = Path(__file__).resolve().parents[3] / "src"
NOW = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)


def _story(store, title: str, status: Status, when: datetime | None, category: str = "Harbour", body: str = ""):
    return create_article(store, title=title, summary=f"{title}.", body=body or f"{title} in a few words.",
                          author="Ana", category=category, status=status, published_at=when)


def _read(out: Path, rel: str) -> str:
    return (out / rel).read_text("utf-8")


def _everywhere(out: Path, slug: str) -> dict[str, bool]:
    """Where a slug shows in the exported site."""
    return {
        "page": (out / slug / "index.html").is_file(),
        "index": f"{slug}/index.html" in _read(out, "index.html"),
        "feed": f"/{slug}/" in _read(out, "feed.xml"),
        "sitemap": f"/{slug}/" in _read(out, "sitemap.xml"),
    }


def test_an_article_waits_until_its_time_then_appears(store, tmp_path):
    _story(store, "Ferry timetable", Status.PUBLISHED, NOW - timedelta(days=1))
    due = _story(store, "Bridge opens", Status.SCHEDULED, NOW - timedelta(minutes=1))
    later = _story(store, "Budget vote", Status.SCHEDULED, NOW + timedelta(hours=1), category="Council")
    out = tmp_path / "out"
    report = export_site(store, out, now=NOW)
    assert report.articles == 2 and report.waiting == [later.published_at]
    assert all(_everywhere(out, due.slug).values())
    assert not any(_everywhere(out, later.slug).values())
    # Its section has no published article yet: no section page, no link to one.
    assert not (out / "category" / "council").exists()
    assert "category/council/" not in _read(out, "index.html")
    assert "category/council/" not in _read(out, f"{due.slug}/index.html")


def test_export_changed_publishes_a_due_article_although_no_row_changed(store, tmp_path):
    first = _story(store, "Ferry timetable", Status.PUBLISHED, NOW - timedelta(days=1))
    later = _story(store, "Budget vote", Status.SCHEDULED, NOW + timedelta(hours=1), category="Council")
    out = tmp_path / "out"
    export_site(store, out, now=NOW)
    same = export_site(store, out, changed_only=True, now=NOW + timedelta(minutes=30))
    assert same.written == 0 and not (out / later.slug).exists()
    report = export_site(store, out, changed_only=True, now=NOW + timedelta(hours=1, seconds=1))
    assert report.mode == "changed" and report.articles == 2 and report.waiting == []
    assert all(_everywhere(out, later.slug).values())
    assert (out / "category" / "council" / "index.html").is_file()
    # Pages that list the new section changed too (first's page shows the sections).
    assert "category/council/" in _read(out, f"{first.slug}/index.html")
    full = tmp_path / "full"
    export_site(store, full, now=NOW + timedelta(hours=1, seconds=1))
    for rel in ("index.html", "feed.xml", "sitemap.xml", f"{first.slug}/index.html", f"{later.slug}/index.html"):
        assert _read(out, rel) == _read(full, rel)


def test_a_link_to_a_waiting_article_becomes_internal_when_it_is_due(store, tmp_path):
    later = _story(store, "Budget vote", Status.SCHEDULED, NOW + timedelta(hours=1))
    linking = _story(store, "Council week", Status.PUBLISHED, NOW - timedelta(days=1),
                     body="What comes up this week.")
    linking.links = []
    save_article(store, linking, links=[{"title": "The vote", "url": "", "kind": "related",
                                         "target_article_id": later.id}])
    out = tmp_path / "out"
    export_site(store, out, now=NOW)
    assert f"{later.slug}/index.html" not in _read(out, f"{linking.slug}/index.html")
    assert read_inputs(store, now=NOW).unpublished == {later.id: later.slug}
    export_site(store, out, changed_only=True, now=NOW + timedelta(hours=2))
    assert f"../{later.slug}/index.html" in _read(out, f"{linking.slug}/index.html")
    assert read_inputs(store, now=NOW + timedelta(hours=2)).slugs[later.id] == later.slug


def test_a_published_article_dated_in_the_future_waits_and_the_check_warns(store, tmp_path):
    # The reproduction: import a Published article dated next year, export.
    source = tmp_path / "embargo.md"
    next_year = datetime.now(UTC).year + 1
    source.write_text(f"---\ntitle: Embargoed report\nstatus: published\ndate: {next_year}-01-01\n"
                      "summary: Not yet.\nauthor: Ana\ncategory: Health\n---\nThe findings.\n", "utf-8")
    import_file(store, source)
    _story(store, "Ferry timetable", Status.PUBLISHED, None)  # no date: counts as come
    out = tmp_path / "out"
    export_site(store, out)
    assert not any(_everywhere(out, "embargoed-report").values())
    assert f"1 January {next_year}" not in _read(out, "index.html")
    assert all(_everywhere(out, "ferry-timetable").values())
    article = get_by_slug(store, "embargoed-report")
    codes = {p.code: p.message for p in run_checks(article, get_site(store))}
    assert "schedule.published-in-future" in codes
    assert f"1 Jan {next_year} 00:00" in codes["schedule.published-in-future"]
    assert waiting_times(store) == [article.published_at]


def test_the_check_warns_about_a_schedule_without_a_time(store):
    article = _story(store, "Open date", Status.SCHEDULED, None)
    codes = [p.code for p in run_checks(article, get_site(store), now=NOW)]
    assert "schedule.no-time" in codes
    ready = _story(store, "On time", Status.SCHEDULED, NOW + timedelta(hours=1))
    assert not [p for p in run_checks(ready, get_site(store), now=NOW) if p.code.startswith("schedule.")]


def test_dates_are_shown_in_the_site_time_zone(store, tmp_path):
    article = _story(store, "Late night", Status.PUBLISHED, datetime(2026, 3, 14, 23, 30, tzinfo=UTC))
    out = tmp_path / "utc"
    export_site(store, out, now=NOW)
    assert "14 March 2026" in _read(out, "index.html")
    assert 'datetime="2026-03-14T23:30:00+00:00"' in _read(out, f"{article.slug}/index.html")
    update_site(store, timezone="Europe/Berlin")
    berlin = tmp_path / "berlin"
    export_site(store, berlin, now=NOW)
    assert "15 March 2026" in _read(berlin, "index.html")
    page = _read(berlin, f"{article.slug}/index.html")
    assert 'datetime="2026-03-15T00:30:00+01:00"' in page and '"datePublished":"2026-03-15T00:30:00+01:00"' in page
    assert "<published>2026-03-15T00:30:00+01:00</published>" in _read(berlin, "feed.xml")


def test_the_cli_names_what_becomes_due_and_when(store, db_path, tmp_path):
    _story(store, "Ferry timetable", Status.PUBLISHED, NOW - timedelta(days=1))
    _story(store, "Budget vote", Status.SCHEDULED, datetime(2099, 12, 6, 9, 0, tzinfo=UTC))
    _story(store, "Bridge opens", Status.SCHEDULED, datetime(2099, 12, 7, 9, 0, tzinfo=UTC))
    update_site(store, timezone="Europe/Berlin")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    result = subprocess.run([sys.executable, "-m", "digest_desk", "--db", str(db_path), "export",
                             str(tmp_path / "out")], capture_output=True, text=True, env=env, timeout=300,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert "2 scheduled: next on 6 Dec 2099 10:00." in result.stdout
