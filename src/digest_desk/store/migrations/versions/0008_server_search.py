"""Full-text search on PostgreSQL: a weighted tsvector (title > summary > body) with a GIN index.

SQLite has its FTS5 index since 0001; this revision changes nothing there.

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Words as SQLite's unicode61 tokenizer with remove_diacritics sees them: lower case, accents
# folded (unaccent), no stemming and no stop words ("simple"). unaccent() itself is not
# IMMUTABLE, so it works inside a text search configuration, not in the generated column.
CONFIG = "digest_search"
VECTOR = (
    f"setweight(to_tsvector('{CONFIG}'::regconfig, title), 'A') || "
    f"setweight(to_tsvector('{CONFIG}'::regconfig, summary), 'B') || "
    f"setweight(to_tsvector('{CONFIG}'::regconfig, body), 'C')"
)


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if not _postgresql():
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")  # trusted: the database owner may add it
    op.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.simple)")
    op.execute(
        f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} "
        "ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part, numword, "
        "numhword, hword_numpart WITH unaccent, simple"
    )
    op.execute(f"ALTER TABLE article ADD COLUMN search tsvector GENERATED ALWAYS AS ({VECTOR}) STORED")
    op.execute("CREATE INDEX ix_article_search ON article USING gin (search)")


def downgrade() -> None:
    if not _postgresql():
        return
    op.execute("DROP INDEX IF EXISTS ix_article_search")
    op.execute("ALTER TABLE article DROP COLUMN IF EXISTS search")
    op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")
