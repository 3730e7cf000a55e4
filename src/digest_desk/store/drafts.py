"""Autosaved drafts: the editor's latest text kept apart from article saves, for crash recovery.

Drafts live in the database file for a local store, and in a local file of the editor's own for
a team server: a server that goes away (or is shared with others) never holds them.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from digest_desk.domain import EDITABLE_FIELDS, Article, Revision
from digest_desk.store.articles import create_article, get_article, save_article
from digest_desk.store.engine import Store, make_engine
from digest_desk.store.errors import NotFoundError, StoreError
from digest_desk.store.private import new_private_file, private_folder
from digest_desk.store.rescue import APP_NAME, plain_message, write_recovery_file

#: Fields a draft may carry, in the order a diff shows them (the long body last, then the links).
DRAFT_FIELDS = (*(name for name in EDITABLE_FIELDS if name != "body"), "body", "links")


class DraftSaveError(StoreError):
    """The draft could not go into the database; the text was kept in a recovery file instead."""

    def __init__(self, message: str, recovery_path: Path | None) -> None:
        self.recovery_path = recovery_path
        where = f" Your text is kept in {recovery_path}." if recovery_path else ""
        super().__init__(message + where)


@dataclass(frozen=True, slots=True)
class PendingDraft:
    """A draft whose text differs from the stored article (or whose article was never saved)."""

    id: int
    session_id: str
    article_id: int | None
    base_version: int | None
    updated_at: datetime
    data: dict[str, Any]
    stored: dict[str, Any] | None  # the article's snapshot, None when it does not exist
    newer: bool  # the draft was written after the article's last save

    @property
    def title(self) -> str:
        return str(self.data.get("title") or (self.stored or {}).get("title") or "Untitled article")

    def diff(self) -> str:
        return draft_diff(self.stored, self.data)


def _now() -> datetime:
    return datetime.now(UTC)


def _field_lines(name: str, value: Any) -> list[str]:
    if name == "links":
        return [f"{link.get('title', '')} <{link.get('url', '')}> [{link.get('kind', '')}]"
                for link in value or []]
    if name == "tags":
        return [", ".join(value or [])]
    return ("" if value is None else str(value)).splitlines() or [""]


def draft_diff(stored: dict[str, Any] | None, data: dict[str, Any]) -> str:
    """A unified diff, field by field, from the stored article to the draft."""
    stored = stored or {}
    out: list[str] = []
    for name in DRAFT_FIELDS:
        if name not in data or stored.get(name) == data[name]:
            continue
        old = _field_lines(name, stored.get(name)) if name in stored else []
        new = _field_lines(name, data[name])
        out.extend(difflib.unified_diff(old, new, f"saved/{name}", f"draft/{name}", lineterm=""))
    return "\n".join(out)


def differs(stored: dict[str, Any] | None, data: dict[str, Any]) -> bool:
    """True when the draft holds anything the stored article does not."""
    if stored is None:
        return any(data.get(name) for name in DRAFT_FIELDS)
    return any(name in data and _norm(data[name]) != _norm(stored.get(name)) for name in DRAFT_FIELDS)


def _norm(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _slot(session_id: str, article_id: int | None, new_key: str) -> str:
    return f"{session_id}:{article_id if article_id is not None else 'new-' + new_key}"


def _parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


_LOCAL_DRAFT_TABLE = (
    "CREATE TABLE IF NOT EXISTS draft (id INTEGER PRIMARY KEY, slot VARCHAR NOT NULL,"
    " session_id VARCHAR NOT NULL, article_id INTEGER, base_version INTEGER,"
    " created_at TEXT NOT NULL, updated_at TEXT NOT NULL, data JSON NOT NULL,"
    " CONSTRAINT uq_draft_slot UNIQUE (slot))"
)


def local_drafts_path(store: Store, folder: Path | None = None) -> Path:
    """The editor's own drafts file for a server database (one per server and database)."""
    from platformdirs import user_data_path

    base = folder if folder is not None else user_data_path(APP_NAME, appauthor=False) / "drafts"
    name = hashlib.sha256(store.label.encode()).hexdigest()[:20]  # the label holds no password
    return private_folder(base) / f"server-{name}.sqlite3"


def drafts_home(store: Store, folder: Path | None = None) -> Store:
    """Where the drafts of ``store`` are kept: the file itself, or a local file for a server."""
    if not store.is_server:
        return store
    path = local_drafts_path(store, folder)
    if not path.exists():
        new_private_file(path)
    home = Store(path, make_engine(path), created=False)
    with home.write() as session:
        session.execute(text(_LOCAL_DRAFT_TABLE))
    return home


class DraftKeeper:
    """Writes one editing session's drafts; free of Qt so any process can drive it.

    ``drafts`` is where they go: the database itself for a file, a local file for a server.
    """

    def __init__(self, store: Store, session_id: str | None = None, *,
                 recovery_folder: Path | None = None, drafts_folder: Path | None = None) -> None:
        self.store = store
        self.drafts = drafts_home(store, drafts_folder)
        self.session_id = session_id or uuid.uuid4().hex
        self.recovery_folder = recovery_folder
        self.last_error: DraftSaveError | None = None

    def write(self, article_id: int | None, data: dict[str, Any], *,
              base_version: int | None = None, new_key: str = "1",
              taken_at: datetime | None = None) -> int:
        """Keep ``data`` as this session's draft of the article, in its own short transaction.

        ``taken_at`` is when the text was read from the editor (default: now); a draft never
        replaces one taken later. On failure (disk full, read-only, locked) the text goes to a
        recovery file and DraftSaveError explains what happened in plain words.
        """
        slot = _slot(self.session_id, article_id, new_key)
        now = (taken_at or _now()).astimezone(UTC).isoformat()
        payload = json.dumps(data, ensure_ascii=False, default=str)
        try:
            with self.drafts.write() as session:
                row = session.execute(text(
                    "INSERT INTO draft (slot, session_id, article_id, base_version, created_at,"
                    " updated_at, data) VALUES (:slot, :sid, :aid, :base, :now, :now, :data)"
                    " ON CONFLICT(slot) DO UPDATE SET updated_at = :now, data = :data,"
                    " base_version = coalesce(:base, draft.base_version)"
                    " WHERE excluded.updated_at >= draft.updated_at RETURNING id"
                ), {"slot": slot, "sid": self.session_id, "aid": article_id, "base": base_version,
                    "now": now, "data": payload}).first()
        except (SQLAlchemyError, OSError, StoreError) as exc:
            self.last_error = self._rescue(slot, article_id, data, exc)
            raise self.last_error from exc
        self.last_error = None
        return int(row[0]) if row is not None else -1

    def _rescue(self, slot: str, article_id: int | None, data: dict[str, Any],
                exc: BaseException) -> DraftSaveError:
        message = plain_message(exc, self.drafts.path)
        try:
            path = write_recovery_file(
                data, label=slot.replace(":", "-"), db_path=self.store.path or self.store.label,
                article_id=article_id, reason=message, folder=self.recovery_folder,
            )
        except OSError:
            path = None
        return DraftSaveError(message, path)

    def clear(self, article_id: int | None, *, written_before: datetime | None = None,
              new_key: str = "1") -> bool:
        """Drop this session's draft of the article after a save that contains it.

        Pass the instant the save took the editor's text as ``written_before``: a draft written
        after it (typing went on while a background save ran) is kept.
        """
        slot = _slot(self.session_id, article_id, new_key)
        params: dict[str, Any] = {"slot": slot}
        sql = "DELETE FROM draft WHERE slot = :slot"
        if written_before is not None:
            sql += " AND updated_at <= :before"
            params["before"] = written_before.astimezone(UTC).isoformat()
        with self.drafts.write() as session:
            return session.execute(text(sql), params).rowcount > 0

    def pending(self) -> list[PendingDraft]:
        """Drafts of other sessions that hold text the articles do not (for the recovery dialog)."""
        return [d for d in pending_drafts(self.store, self.drafts) if d.session_id != self.session_id]

    def discard(self, draft_id: int) -> None:
        discard_draft(self.drafts, draft_id)

    def drop_unchanged(self) -> int:
        return drop_unchanged_drafts(self.store, self.drafts)

    def apply(self, draft: PendingDraft) -> Article:
        return apply_draft(self.store, draft, self.drafts)

    def close(self) -> None:
        """Let go of the local drafts file (a file database is the store's own to close)."""
        if self.drafts is not self.store:
            self.drafts.close()


def _load_rows(store: Store) -> list[Any]:
    with store.read() as session:
        return list(session.execute(text(
            "SELECT id, session_id, article_id, base_version, updated_at, data FROM draft"
            " ORDER BY updated_at DESC, id DESC"
        )))


def pending_drafts(store: Store, drafts: Store | None = None) -> list[PendingDraft]:
    """Every draft (kept in ``drafts``, default the store itself) whose content differs from its
    stored article, newest first."""
    rows = _load_rows(drafts or store)
    ids = {r.article_id for r in rows if r.article_id is not None}
    with store.read() as session:
        articles = {a.id: a for a in (session.get(Article, i) for i in ids) if a is not None}
    found: list[PendingDraft] = []
    for r in rows:
        data = r.data if isinstance(r.data, dict) else json.loads(r.data)  # PostgreSQL: parsed
        article = articles.get(r.article_id)
        stored = article.snapshot() if article is not None else None
        if not differs(stored, data):
            continue
        updated = _parse_time(r.updated_at)
        newer = article is None or updated >= article.updated_at
        found.append(PendingDraft(r.id, r.session_id, r.article_id, r.base_version, updated,
                                  data, stored, newer))
    return found


def discard_draft(drafts: Store, draft_id: int) -> None:
    """Delete a draft from where it is kept (the database file, or the local drafts file)."""
    with drafts.write() as session:
        session.execute(text("DELETE FROM draft WHERE id = :id"), {"id": draft_id})


def drop_unchanged_drafts(store: Store, drafts: Store | None = None) -> int:
    """Delete drafts that hold nothing the articles lack; returns how many went."""
    drafts = drafts or store
    keep = {d.id for d in pending_drafts(store, drafts)}
    gone = [r.id for r in _load_rows(drafts) if r.id not in keep]
    with drafts.write() as session:
        for draft_id in gone:
            session.execute(text("DELETE FROM draft WHERE id = :id"), {"id": draft_id})
    return len(gone)


def _article_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in data.items() if k in DRAFT_FIELDS and k not in ("links", "slug")}
    if isinstance(fields.get("published_at"), str):
        fields["published_at"] = _parse_time(fields["published_at"])
    return fields


def apply_draft(store: Store, draft: PendingDraft, drafts: Store | None = None) -> Article:
    """Make the draft the article's text (creating the article if it never existed).

    The stored text it replaces is kept as a revision, then the draft is deleted.
    """
    fields = _article_fields(draft.data)
    links = draft.data.get("links")
    slug = draft.data.get("slug") or None
    try:
        current = _current(store, draft.article_id)
    except NotFoundError:
        current = None
    if current is None:
        title = fields.pop("title", "") or "Recovered article"
        article = create_article(store, title=title, slug=slug, links=links,
                                 reason="recovered draft", **fields)
    else:
        keep_revision(store, current.id, "before recovering a draft")
        for name, value in fields.items():
            setattr(current, name, value)
        article = save_article(store, current, reason="recovered draft", links=links,
                               slug=slug, force=True)
    discard_draft(drafts or store, draft.id)
    return article


def keep_revision(store: Store, article_id: int, reason: str,
                  data: dict[str, Any] | None = None) -> Revision:
    """Record a revision (the stored text, or ``data``) without changing the article."""
    with store.write() as session:
        article = session.get(Article, article_id)
        if article is None:
            raise NotFoundError(f"No article with id {article_id}.")
        revision = Revision(article_id=article_id, version=article.version, reason=reason,
                            data=data if data is not None else article.snapshot())
        session.add(revision)
        session.flush()
        return revision


def _current(store: Store, article_id: int | None) -> Article | None:
    if article_id is None:
        return None
    return get_article(store, article_id)


@dataclass(slots=True)
class DraftTimer:
    """When to write a draft: after ``pause`` seconds without typing, and at least every ``max_wait``.

    Pure bookkeeping (times are passed in) so a Qt timer or a plain loop can drive it.
    """

    pause: float = 1.0
    max_wait: float = 2.0
    _first_change: float | None = field(default=None, init=False)
    _last_change: float | None = field(default=None, init=False)

    def changed(self, now: float) -> None:
        if self._first_change is None:
            self._first_change = now
        self._last_change = now

    @property
    def dirty(self) -> bool:
        return self._first_change is not None

    def due(self, now: float) -> bool:
        if self._first_change is None or self._last_change is None:
            return False
        return now - self._last_change >= self.pause or now - self._first_change >= self.max_wait

    def next_check(self, now: float) -> float | None:
        """Seconds until a draft becomes due (None when nothing changed)."""
        if self._first_change is None or self._last_change is None:
            return None
        at = min(self._last_change + self.pause, self._first_change + self.max_wait)
        return max(0.0, at - now)

    def written(self) -> None:
        self._first_change = None
        self._last_change = None
