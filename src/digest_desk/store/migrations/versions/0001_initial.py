"""The first schema: site, image, article, link, revision, and the article full-text index.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPLICATION_ID = 0x44475344


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=nullable)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    if _sqlite():
        op.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    op.create_table(
        "site",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("base_url", sa.String(), nullable=False),
        sa.Column("language", sa.String(), nullable=False),
        sa.Column("tagline", sa.String(), nullable=False),
        sa.Column("partner_name", sa.String(), nullable=False),
        sa.Column("partner_url", sa.String(), nullable=False),
        sa.Column("logo", sa.String(), nullable=False),
        sa.Column("logo_width", sa.Integer(), nullable=True),
        sa.Column("logo_height", sa.Integer(), nullable=True),
        sa.Column("banner_text", sa.String(), nullable=False),
        sa.Column("banner_link_text", sa.String(), nullable=False),
        sa.Column("read_more_text", sa.String(), nullable=False),
        sa.Column("exit_text", sa.String(), nullable=False),
        sa.Column("related_heading", sa.String(), nullable=False),
        sa.Column("footer_links", sa.JSON(), nullable=False),
        sa.Column("about_md", sa.String(), nullable=False),
        sa.Column("contact_md", sa.String(), nullable=False),
        _ts("updated_at"),
    )
    op.create_table(
        "image",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("mime", sa.String(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("alt", sa.String(), nullable=False),
        sa.Column("caption", sa.String(), nullable=False),
        sa.Column("credit", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("url", sa.String(), nullable=False),
        _ts("created_at"),
    )
    op.create_index("ix_image_name", "image", ["name"], unique=True)
    op.create_table(
        "article",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("slug", sa.String(), nullable=False),
        sa.Column("slug_key", sa.String(), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("body", sa.String(), nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("category", sa.String(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        _ts("published_at", nullable=True),
        _ts("updated_at"),
        _ts("created_at"),
        sa.Column("image_id", sa.Integer(), sa.ForeignKey("image.id", ondelete="SET NULL")),
        sa.Column("image_alt", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("slug_key", name="uq_article_slug_key"),
    )
    op.create_index("ix_article_slug", "article", ["slug"])
    op.create_index("ix_article_category", "article", ["category"])
    op.create_index("ix_article_status", "article", ["status"])
    op.create_index("ix_article_published_at", "article", ["published_at"])
    op.create_table(
        "link",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "article_id", sa.Integer(), sa.ForeignKey("article.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("target_article_id", sa.Integer(), sa.ForeignKey("article.id", ondelete="SET NULL")),
        sa.Column("check_status", sa.Integer(), nullable=True),
        sa.Column("check_final_url", sa.String(), nullable=False),
        sa.Column("check_error", sa.String(), nullable=False),
        _ts("checked_at", nullable=True),
    )
    op.create_index("ix_link_article_id", "link", ["article_id"])
    op.create_table(
        "revision",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "article_id", sa.Integer(), sa.ForeignKey("article.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        _ts("created_at"),
        sa.Column("data", sa.JSON(), nullable=False),
    )
    op.create_index("ix_revision_article_id", "revision", ["article_id"])
    if _sqlite():
        _create_fts()


def _create_fts() -> None:
    # Full-text index over title, summary and body, kept in sync by triggers.
    op.execute(
        "CREATE VIRTUAL TABLE article_fts USING fts5("
        "title, summary, body, content='article', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
    )
    op.execute(
        "CREATE TRIGGER article_fts_ai AFTER INSERT ON article BEGIN "
        "INSERT INTO article_fts(rowid, title, summary, body) "
        "VALUES (new.id, new.title, new.summary, new.body); END"
    )
    op.execute(
        "CREATE TRIGGER article_fts_ad AFTER DELETE ON article BEGIN "
        "INSERT INTO article_fts(article_fts, rowid, title, summary, body) "
        "VALUES ('delete', old.id, old.title, old.summary, old.body); END"
    )
    op.execute(
        "CREATE TRIGGER article_fts_au AFTER UPDATE OF title, summary, body ON article BEGIN "
        "INSERT INTO article_fts(article_fts, rowid, title, summary, body) "
        "VALUES ('delete', old.id, old.title, old.summary, old.body); "
        "INSERT INTO article_fts(rowid, title, summary, body) "
        "VALUES (new.id, new.title, new.summary, new.body); END"
    )


def downgrade() -> None:
    if _sqlite():
        for trigger in ("article_fts_au", "article_fts_ad", "article_fts_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS article_fts")
    for table in ("revision", "link", "article", "image", "site"):
        op.drop_table(table)
    if _sqlite():
        op.execute("PRAGMA application_id = 0")
