"""Work-safety tables: autosaved drafts (crash recovery) and per-article edit locks.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A draft is the editor's latest text, written every second or so of typing, apart from
    # the article save. article_id is NULL for an article never saved; slot names the
    # editing session and article so each window keeps one row per article it edits.
    # No foreign key: a draft must survive the deletion of its article.
    op.create_table(
        "draft",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("slot", sa.String(), nullable=False),
        sa.Column("session_id", sa.String(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.UniqueConstraint("slot", name="uq_draft_slot"),
    )
    op.create_index("ix_draft_article_id", "draft", ["article_id"])
    # One edit lock per article, kept alive by a heartbeat (unix seconds).
    op.create_table(
        "edit_lock",
        sa.Column("article_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("holder", sa.String(), nullable=False),
        sa.Column("host", sa.String(), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("acquired_at", sa.Float(), nullable=False),
        sa.Column("heartbeat_at", sa.Float(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("edit_lock")
    op.drop_index("ix_draft_article_id", table_name="draft")
    op.drop_table("draft")
