"""Search ranking weights kept in the full-text index, and an index on picture hashes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Title matches weigh most, then the summary, then the body (columns of article_fts).
RANK = "bm25(10.0, 4.0, 1.0)"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    if _sqlite():  # the SQLite full-text index (FTS5) only
        op.execute(f"INSERT INTO article_fts(article_fts, rank) VALUES ('rank', '{RANK}')")
    op.create_index("ix_image_sha256", "image", ["sha256"])


def downgrade() -> None:
    op.drop_index("ix_image_sha256", table_name="image")
    if _sqlite():
        op.execute("DELETE FROM article_fts_config WHERE k = 'rank'")
