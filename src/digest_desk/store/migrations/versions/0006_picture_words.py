"""Per-article picture words: the featured picture's caption and credit belong to the article.

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-06

The library row's alt/caption/credit used to be shared by every article showing the picture;
they stay as suggestions. Each article that features a picture gets the words it showed until
now (its own alt text, else the library's; the library's caption and credit), so pages render
as before and later edits stay in that article.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("article") as batch:
        batch.add_column(sa.Column("image_caption", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("image_credit", sa.String(), nullable=False, server_default=""))
    words = "(SELECT {col} FROM image WHERE image.id = article.image_id)"
    op.execute(
        "UPDATE article SET "
        f"image_caption = COALESCE({words.format(col='caption')}, ''), "
        f"image_credit = COALESCE({words.format(col='credit')}, ''), "
        f"image_alt = CASE WHEN image_alt = '' THEN COALESCE({words.format(col='alt')}, '') "
        "ELSE image_alt END "
        "WHERE image_id IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("article") as batch:
        batch.drop_column("image_credit")
        batch.drop_column("image_caption")
