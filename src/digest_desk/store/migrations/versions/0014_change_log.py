"""A change log for incremental exports: every write to an article or its links stamps the article.

``article_change`` holds one row per article id (kept after the article is deleted: a tombstone)
with the stamp of its last change and of its last change that can move it in the site's lists
(``moved``: inserted, deleted, status, publication time, slug, section, lead picture, a body that
names a stored picture). Triggers write it, so every writer is logged: the window, the CLI, an
import, another process, a hand-written UPDATE. An export records the stamp horizon it saw and the
next one reads only what changed after it (store/changelog.py).

Stamps: on SQLite a counter in ``change_state`` (one writer at a time, so stamps follow commit
order); on PostgreSQL the writing transaction's id (xid8), compared with the export snapshot's
xmin, which stays correct with several writers committing out of order.
``change_state.identity`` names this database: an export made from another database is never
taken for one of this one.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# An update "moves" an article when it can change which lists show it, where, or what media the
# site publishes. These columns, compared OLD against NEW, decide it (see changelog.py).
MOVING = ("id", "status", "published_at", "slug", "category", "image_id")
SQLITE_TRIGGERS = ("article_change_ai", "article_change_au", "article_change_ad",
                   "link_change_ai", "link_change_au", "link_change_ad")
PG_FUNCTIONS = ("digest_desk_touch", "digest_desk_article_change", "digest_desk_link_change")


def _moved_sqlite() -> str:
    differs = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in MOVING)
    return (f"({differs} OR (NEW.published_at IS NULL AND OLD.updated_at IS NOT NEW.updated_at) "
            "OR OLD.body LIKE '%(media/%' OR NEW.body LIKE '%(media/%')")


def _touch_sqlite(aid: str, moved: str, when: str = "1") -> str:
    """Statements stamping article ``aid`` (if ``when``). No INSERT OR REPLACE: an outer
    statement's conflict clause would override it (``INSERT OR IGNORE`` would then log nothing)."""
    now = "(SELECT counter FROM change_state WHERE id = 1)"
    return (
        f"UPDATE article_change SET stamp = {now}, moved = CASE WHEN {moved} THEN {now} ELSE moved END "
        f"WHERE article_id = {aid} AND {aid} IS NOT NULL AND {when}; "
        f"INSERT INTO article_change (article_id, stamp, moved) SELECT {aid}, counter, "
        f"CASE WHEN {moved} THEN counter ELSE 0 END FROM change_state WHERE id = 1 AND {aid} IS NOT NULL "
        f"AND {when} AND NOT EXISTS (SELECT 1 FROM article_change WHERE article_id = {aid}); "
    )


def _sqlite_upgrade() -> None:
    bump = "UPDATE change_state SET counter = counter + 1 WHERE id = 1; "
    bodies = {
        "article_change_ai": ("AFTER INSERT ON article", _touch_sqlite("NEW.id", "1")),
        "article_change_ad": ("AFTER DELETE ON article", _touch_sqlite("OLD.id", "1")),
        "article_change_au": ("AFTER UPDATE ON article",
                              _touch_sqlite("NEW.id", _moved_sqlite())
                              + _touch_sqlite("OLD.id", "1", "OLD.id <> NEW.id")),
        "link_change_ai": ("AFTER INSERT ON link", _touch_sqlite("NEW.article_id", "0")),
        "link_change_ad": ("AFTER DELETE ON link", _touch_sqlite("OLD.article_id", "0")),
        "link_change_au": ("AFTER UPDATE ON link",
                           _touch_sqlite("OLD.article_id", "0") + _touch_sqlite("NEW.article_id", "0")),
    }
    for name, (when, body) in bodies.items():
        op.execute(f"CREATE TRIGGER {name} {when} BEGIN {bump}{body}END")


_PG_BODY = """
CREATE OR REPLACE FUNCTION digest_desk_touch(aid integer, mv boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $fn$
DECLARE
    stamp bigint := pg_current_xact_id()::text::bigint;
BEGIN
    IF aid IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO article_change (article_id, stamp, moved)
    VALUES (aid, stamp, CASE WHEN mv THEN stamp ELSE 0 END)
    ON CONFLICT (article_id) DO UPDATE
        SET stamp = GREATEST(article_change.stamp, EXCLUDED.stamp),
            moved = GREATEST(article_change.moved, EXCLUDED.moved);
END
$fn$;

CREATE OR REPLACE FUNCTION digest_desk_article_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM digest_desk_touch(NEW.id, true);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM digest_desk_touch(OLD.id, true);
    ELSE
        PERFORM digest_desk_touch(NEW.id, %(moved)s);
        IF OLD.id <> NEW.id THEN
            PERFORM digest_desk_touch(OLD.id, true);
        END IF;
    END IF;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION digest_desk_link_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $fn$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM digest_desk_touch(OLD.article_id, false);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM digest_desk_touch(NEW.article_id, false);
    END IF;
    RETURN NULL;
END
$fn$;
"""


def _moved_pg() -> str:
    differs = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in MOVING)
    return (f"({differs} OR (NEW.published_at IS NULL AND OLD.updated_at IS DISTINCT FROM NEW.updated_at) "
            "OR OLD.body LIKE '%(media/%' OR NEW.body LIKE '%(media/%')")


def _pg_upgrade() -> None:
    op.execute(sa.text((_PG_BODY % {"moved": _moved_pg()}).replace(":", r"\:")))
    op.execute("CREATE TRIGGER article_change AFTER INSERT OR UPDATE OR DELETE ON article "
               "FOR EACH ROW EXECUTE FUNCTION digest_desk_article_change()")
    op.execute("CREATE TRIGGER link_change AFTER INSERT OR UPDATE OR DELETE ON link "
               "FOR EACH ROW EXECUTE FUNCTION digest_desk_link_change()")


def upgrade() -> None:
    op.create_table(
        "change_state",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("identity", sa.String(64), nullable=False),
        sa.Column("counter", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "article_change",
        sa.Column("article_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("stamp", sa.BigInteger, nullable=False),
        sa.Column("moved", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_article_change_stamp", "article_change", ["stamp"])
    op.execute(sa.text("INSERT INTO change_state (id, identity, counter) VALUES (1, :identity, 0)")
               .bindparams(identity=uuid.uuid4().hex))
    if op.get_bind().dialect.name == "postgresql":
        _pg_upgrade()
    else:
        _sqlite_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS article_change ON article")
        op.execute("DROP TRIGGER IF EXISTS link_change ON link")
        op.execute("DROP FUNCTION IF EXISTS digest_desk_article_change()")
        op.execute("DROP FUNCTION IF EXISTS digest_desk_link_change()")
        op.execute("DROP FUNCTION IF EXISTS digest_desk_touch(integer, boolean)")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_article_change_stamp", table_name="article_change")
    op.drop_table("article_change")
    op.drop_table("change_state")
