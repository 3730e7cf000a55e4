"""Per-article picture words: the featured picture's caption and credit belong to the article.

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-06

The library row's alt/caption/credit used to be shared by every article showing the picture;
they stay as suggestions. Each article gets the words its pages showed until now, so they render
as before and later edits stay in that article: a featured picture's on the article (its own alt
text, else the library's; the library's caption and credit), a body picture's in its markdown
(``![alt](media/NAME "caption | credit")``, see render/picture_markdown.py; the store may not
import the renderer, so the few lines of that form are repeated here).
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
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
    _bodies()


_PICTURE = re.compile(r'!\[(?P<alt>[^\]\n]*)\]\(\s*<?media/(?P<name>[^\s<>()"]+)>?'
                      r'(?:\s+"(?P<title>[^"\n]*)")?\s*\)')
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


def _plain(text: str) -> str:
    return " ".join(text.split()).replace('"', "”")


def _title(caption: str, credit: str) -> str:
    caption, credit = _plain(caption), _plain(credit)
    return f"{caption} | {credit}".strip() if credit or "|" in caption else caption


def _with_words(m: re.Match[str], library: dict[str, tuple[str, str, str]]) -> str:
    words = library.get(m.group("name"))
    if words is None:
        return m.group(0)
    lib_alt, lib_caption, lib_credit = words
    alt = m.group("alt") or _plain(lib_alt).replace("[", "(").replace("]", ")")
    title = _title(m.group("title") or lib_caption, lib_credit)  # as the pages showed them
    return f'![{alt}](media/{m.group("name")} "{title}")' if title else f"![{alt}](media/{m.group('name')})"


def _body_with_words(body: str, library: dict[str, tuple[str, str, str]]) -> str:
    lines, fence = body.split("\n"), ""
    for i, line in enumerate(lines):
        mark = _FENCE.match(line)
        if mark and (not fence or mark.group(1)[0] == fence[0]):
            fence = "" if fence else mark.group(1)
        elif not fence and "media/" in line:
            lines[i] = _PICTURE.sub(lambda m: _with_words(m, library), line)
    return "\n".join(lines)


def _bodies() -> None:
    bind = op.get_bind()
    library = {name: (alt or "", caption or "", credit or "") for name, alt, caption, credit in
               bind.execute(sa.text("SELECT name, alt, caption, credit FROM image"))}
    if not any(any(words) for words in library.values()):
        return
    rows = bind.execute(sa.text("SELECT id, body FROM article WHERE body LIKE '%media/%'")).fetchall()
    for article_id, body in rows:
        new = _body_with_words(body or "", library)
        if new != body:
            bind.execute(sa.text("UPDATE article SET body = :body WHERE id = :id"),
                         {"body": new, "id": article_id})


def downgrade() -> None:
    with op.batch_alter_table("article") as batch:
        batch.drop_column("image_credit")
        batch.drop_column("image_caption")
