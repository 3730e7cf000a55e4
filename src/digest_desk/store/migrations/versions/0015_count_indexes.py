"""Indexes that answer an incremental export's position counts and newest update on their own.

After one edit an export counts the articles on the site before the edited one in the list and in
its section (store/changelog.py: ``newer_count``) and reads the newest update time. The list
indexes of 0013 hold the order but not the publication rule's columns, so each counted row was
read from the table (50,000 rows for an article in the middle of 100,000), and the newest update
read every article. The status and section list indexes now carry those columns (same order,
so they serve the lists as before) and ``updated_at`` gets an index of its own.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

ORDER = [sa.text("coalesce(published_at, updated_at) DESC"), sa.text("id DESC")]


def upgrade() -> None:
    op.drop_index("ix_article_list_status", table_name="article")
    op.create_index("ix_article_list_status", "article", ["status", *ORDER, "published_at"])
    op.drop_index("ix_article_list_category", table_name="article")
    op.create_index("ix_article_list_category", "article", ["category", *ORDER, "status", "published_at"])
    op.create_index("ix_article_updated_at", "article", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_article_updated_at", table_name="article")
    for name, first in (("ix_article_list_status", "status"), ("ix_article_list_category", "category")):
        op.drop_index(name, table_name="article")
        op.create_index(name, "article", [first, *ORDER])
