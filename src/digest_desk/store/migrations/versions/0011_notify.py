"""Live updates on PostgreSQL: every change to an article, the site profile or a picture notifies.

Triggers call pg_notify on one channel with ids only (the table, the row id, what happened, the
article's new version and the database role that wrote it), so every writer notifies: the window,
the CLI, an import, a batch. Listeners re-read what they need. SQLite has no NOTIFY: nothing here.

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

CHANNEL = "digest_desk_changes"  # store/notify.py listens here
FUNCTION = "digest_desk_notify"
TABLES = {"article": "article", "site": "site", "image": "media"}  # table -> kind in the payload

# TG_ARGV[0] is the kind. "publish" marks an update that made an article published.
BODY = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    row_id integer;
    what text := lower(TG_OP);
    payload jsonb;
BEGIN
    IF TG_OP = 'DELETE' THEN
        row_id := OLD.id;
    ELSE
        row_id := NEW.id;
    END IF;
    payload := jsonb_build_object('t', TG_ARGV[0], 'id', row_id, 'u', current_user::text);
    IF TG_TABLE_NAME = 'article' AND TG_OP <> 'DELETE' THEN
        payload := payload || jsonb_build_object('v', NEW.version);
        IF TG_OP = 'UPDATE' AND NEW.status = 'published' AND OLD.status IS DISTINCT FROM NEW.status THEN
            what := 'publish';
        END IF;
    END IF;
    PERFORM pg_notify('{CHANNEL}', (payload || jsonb_build_object('op', what))::text);
    RETURN NULL;
END
$fn$
"""


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if not _postgresql():
        return
    op.execute(BODY)
    for table, kind in TABLES.items():
        op.execute(f"CREATE TRIGGER {table}_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}('{kind}')")


def downgrade() -> None:
    if not _postgresql():
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_notify ON {table}")
    op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
