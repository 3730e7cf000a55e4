"""Edit locks name the editor (display name) and remember whose lock a take-over replaced.

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # editor: the display name shown to others ("Ana is editing"); "" when the window gave none.
    # taken_from: the holder this row's holder replaced (set by a take-over), else NULL.
    # heartbeat_at stays unix seconds, now written from the database's own clock.
    with op.batch_alter_table("edit_lock") as batch:
        batch.add_column(sa.Column("editor", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("taken_from", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("edit_lock") as batch:
        batch.drop_column("taken_from")
        batch.drop_column("editor")
