"""The one publication rule: the SQL condition and the in-memory check agree on every case."""

from __future__ import annotations

import itertools
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from digest_desk.domain import Article, Status
from digest_desk.store.articles import create_article
from digest_desk.store.published import is_on_site, on_site, published_reader
from digest_desk.store.site import SiteSettingError, get_site, update_site

NOW = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
TIMES = {"none": None, "past": NOW - timedelta(minutes=1), "now": NOW, "future": NOW + timedelta(hours=1)}
SRC = Path(__file__).resolve().parents[3] / "src"


def test_sql_and_memory_agree_for_every_status_and_time(store):
    expected = {}
    for n, (status, (label, when)) in enumerate(itertools.product(Status, TIMES.items())):
        article = create_article(store, title=f"Story {n} {status} {label}", status=status, published_at=when)
        expected[article.id] = is_on_site(status.value, when, NOW)
    on = {aid for aid, yes in expected.items() if yes}
    # Published without a date, and Published or Scheduled whose time has come (at "now" too).
    assert len(on) == 1 + 2 * 2
    with published_reader(store, NOW) as reader:
        assert set(reader.slugs()) == on
        assert set(reader.slugs(published=False)) == set(expected) - on
        assert reader.unpublished_count() == len(expected) - len(on)
        assert reader.waiting_times() == [TIMES["future"], TIMES["future"]]
    with store.read() as session:
        assert set(session.execute(select(Article.id).where(on_site(NOW))).scalars()) == on


def test_a_status_written_by_name_follows_the_rule_too(store, db_path):
    article = create_article(store, title="By hand", status=Status.SCHEDULED, published_at=TIMES["past"])
    with store.write() as session:
        session.connection().exec_driver_sql("UPDATE article SET status = 'SCHEDULED'")
    with published_reader(store, NOW) as reader:
        assert list(reader.slugs()) == [article.id]


def test_timezone_setting(store, db_path):
    assert get_site(store).timezone == "UTC"
    assert update_site(store, timezone=" Europe/Berlin ").timezone == "Europe/Berlin"
    with pytest.raises(SiteSettingError, match="not a time zone name"):
        update_site(store, timezone="Europe/Atlantis")
    assert get_site(store).timezone == "Europe/Berlin"
    store.close()
    cmd = [sys.executable, "-m", "digest_desk", "--db", str(db_path), "site", "set", "timezone", "../etc/passwd"]
    bad = subprocess.run(cmd, capture_output=True, text=True, env={"PYTHONPATH": str(SRC), "PATH": ""}, timeout=120)
    assert bad.returncode == 2 and "is not a time zone name" in bad.stderr and "Traceback" not in bad.stderr
    cmd[-1] = "Asia/Tokyo"
    good = subprocess.run(cmd, capture_output=True, text=True, env={"PYTHONPATH": str(SRC), "PATH": ""}, timeout=120)
    assert good.returncode == 0 and good.stdout.strip() == "timezone = Asia/Tokyo"
