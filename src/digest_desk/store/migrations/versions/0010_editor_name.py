"""The display name of the editor who wrote each revision (shown in the revision history).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # "" for revisions written before names were kept, and by programs that give none.
    with op.batch_alter_table("revision") as batch:
        batch.add_column(sa.Column("editor", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("revision") as batch:
        batch.drop_column("editor")
