"""Indexes in the article list's order (newest first), so its first page is read, not sorted.

The list orders by ``coalesce(published_at, updated_at) DESC, id DESC`` (store/articles.py);
without an index in that order every page sorted all articles (100,000 rows per page read).
The status and category filters get the same order after their value.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

ORDER = [sa.text("coalesce(published_at, updated_at) DESC"), sa.text("id DESC")]
INDEXES = {
    "ix_article_list_order": [],
    "ix_article_list_status": ["status"],
    "ix_article_list_category": ["category"],
}


def upgrade() -> None:
    for name, first in INDEXES.items():
        op.create_index(name, "article", [*first, *ORDER])


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="article")
