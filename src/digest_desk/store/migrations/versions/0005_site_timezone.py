"""The site's time zone, and publication times kept in UTC (the scheduling rule compares them).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _utc_text(value: str) -> str | None:
    """A stored time as UTC ISO text (None when it already is, or cannot be read)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    text = moment.isoformat()
    return None if text == value else text


def upgrade() -> None:
    with op.batch_alter_table("site") as batch:
        batch.add_column(sa.Column("timezone", sa.String(), nullable=False, server_default="UTC"))
    # "Has its time come?" compares the stored text with now in UTC: every time must be in UTC.
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, published_at FROM article WHERE published_at IS NOT NULL"))
    for aid, value in rows.fetchall():
        fixed = _utc_text(str(value))
        if fixed is not None:
            conn.execute(sa.text("UPDATE article SET published_at = :v WHERE id = :id"), {"v": fixed, "id": aid})


def downgrade() -> None:
    with op.batch_alter_table("site") as batch:
        batch.drop_column("timezone")
