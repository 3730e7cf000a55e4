"""An article's revision history as plain data, and bringing a deleted article back with it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from digest_desk.domain import EDITABLE_FIELDS, Article, Revision
from digest_desk.store.articles import create_article
from digest_desk.store.engine import Store

# What a deleted article's snapshot restores besides its title and slug (given separately).
_RESTORED = tuple(name for name in EDITABLE_FIELDS if name not in ("title", "slug"))


def revision_history(store: Store, article_id: int) -> list[dict[str, Any]]:
    """Every revision of an article, oldest first, as plain rows (kept across a deletion)."""
    with store.read() as session:
        rows = session.execute(select(Revision).where(Revision.article_id == article_id)
                               .order_by(Revision.id)).scalars()
        return [{"version": r.version, "reason": r.reason, "created_at": r.created_at,
                 "data": r.data, "editor": r.editor} for r in rows]


def _fields(snapshot: dict[str, Any]) -> dict[str, Any]:
    fields = {name: snapshot[name] for name in _RESTORED if name in snapshot}
    if isinstance(fields.get("published_at"), str):
        fields["published_at"] = datetime.fromisoformat(fields["published_at"])
    return fields


def restore_deleted(store: Store, snapshot: dict[str, Any],
                    history: list[dict[str, Any]]) -> Article:
    """Write a deleted article back from its snapshot, with its slug, links and revisions."""
    article = create_article(store, title=snapshot["title"], slug=snapshot["slug"],
                             links=snapshot.get("links") or None, reason=None, **_fields(snapshot))
    with store.write() as session:
        for row in history:
            session.add(Revision(article_id=article.id, **row))
    return article
