"""The featured picture an import named but could not find, kept with the article for the checks.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The name, path or URL exactly as the source file wrote it ("" when nothing is missing);
    # cleared when a featured picture is chosen. Batch mode: SQLite cannot alter in place.
    with op.batch_alter_table("article") as batch:
        batch.add_column(sa.Column("missing_image", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("article") as batch:
        batch.drop_column("missing_image")
