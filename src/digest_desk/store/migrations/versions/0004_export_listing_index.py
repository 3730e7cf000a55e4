"""Covering index for the export's listing query.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Every column the export reads of each published article (export/sitedata.py). The body sits
# before most of them in the row and spans overflow pages, so without this index listing
# 10,000 articles read every body: ~120 ms of the one-second budget of an incremental export.
COLUMNS = ["status", "id", "slug", "title", "summary", "author", "category", "published_at",
           "updated_at", "image_alt", "version", "tags", "created_at", "image_id"]


def _sqlite() -> bool:
    # SQLite only: it makes SQLite skip the overflow pages of the bodies. PostgreSQL keeps long
    # bodies out of line (TOAST) anyway, and a json column (tags) cannot sit in a btree index.
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    if _sqlite():
        op.create_index("ix_article_export_listing", "article", COLUMNS)


def downgrade() -> None:
    if _sqlite():
        op.drop_index("ix_article_export_listing", table_name="article")
