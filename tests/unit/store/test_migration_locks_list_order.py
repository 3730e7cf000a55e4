"""Migrations 0012 (the editor's name on a lock) and 0013 (the list's indexes):
up from 0009 with an old lock row kept, the list query using its index, and down again."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import inspect, text

from digest_desk.store import migrations, open_store
from digest_desk.store.engine import make_engine
from digest_desk.store.locks import current_lock

pytestmark = pytest.mark.both_engines
LIST_INDEXES = {"ix_article_list_order", "ix_article_list_status", "ix_article_list_category"}


def _index_names(store) -> set[str]:
    """Index names as the database lists them (reflection skips expression indexes on SQLite)."""
    sql = ("SELECT name FROM sqlite_master WHERE type = 'index'" if store.dialect == "sqlite"
           else "SELECT indexname FROM pg_indexes WHERE tablename = 'article'")
    with store.read() as session:
        return {row[0] for row in session.execute(text(sql))}


def test_a_new_database_has_the_list_indexes_and_lock_columns(store):
    assert LIST_INDEXES <= _index_names(store)
    columns = {c["name"] for c in inspect(store.engine).get_columns("edit_lock")}
    assert {"editor", "taken_from"} <= columns


@pytest.mark.sqlite_only
def test_the_first_page_is_read_through_the_index(store):
    with store.read() as session:
        plan = session.execute(text(
            "EXPLAIN QUERY PLAN SELECT id FROM article ORDER BY coalesce(article.published_at,"
            " article.updated_at) DESC, article.id DESC LIMIT 400")).all()
    assert "ix_article_list_order" in str(plan) and "TEMP B-TREE" not in str(plan)


@pytest.mark.sqlite_only
def test_upgrade_from_0009_keeps_a_lock_and_downgrades(tmp_path):
    from alembic import command

    path = tmp_path / "old.sqlite3"
    engine = make_engine(path)
    migrations.upgrade(engine, "0009")
    engine.dispose()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO edit_lock (article_id, holder, host, pid, acquired_at, heartbeat_at)"
                " VALUES (7, 'old-window', 'elsewhere', 1, 0, (julianday('now') - 2440587.5) * 86400.0)")
    con.commit()
    con.close()
    store = open_store(path)
    assert migrations.current(store.engine) == migrations.head()
    lock = current_lock(store, 7, "me")
    assert lock is not None and lock.holder == "old-window" and lock.editor == ""
    assert lock.who() == "A window on elsewhere"
    cfg = migrations.config(store.engine)
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009")
    assert not LIST_INDEXES & _index_names(store)
    assert "editor" not in {c["name"] for c in inspect(store.engine).get_columns("edit_lock")}
    store.close()
