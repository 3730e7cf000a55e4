"""The site dictionary (words a team accepts as spelled right) and the long-sentence limit.

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One row per accepted word, exactly as written ("Kowalczyk", "livestream"): shared by
    # everyone who edits this database, used by the editor's underline and by the checks.
    op.create_table(
        "site_word",
        sa.Column("word", sa.String(), primary_key=True),
        sa.Column("added_at", sa.Text(), nullable=False),
    )
    with op.batch_alter_table("site") as batch:
        batch.add_column(sa.Column("long_sentence_words", sa.Integer(), nullable=False,
                                   server_default="30"))


def downgrade() -> None:
    with op.batch_alter_table("site") as batch:
        batch.drop_column("long_sentence_words")
    op.drop_table("site_word")
