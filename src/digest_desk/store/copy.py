"""Copying a whole database between engines (a file to a team server, or back), verified."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table, delete, func, insert, select, text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import digest_desk.domain  # noqa: F401  (registers the tables on SQLModel.metadata)
from digest_desk.store.engine import Store, open_store
from digest_desk.store.errors import StoreError

BATCH = 500
# The content of a site. Edit locks belong to live editing sessions and drafts to one
# editor's crash recovery, so neither is copied.
TABLES = ("image", "site", "article", "link", "revision")


class CopyError(StoreError):
    """The copy was refused or did not verify."""


@dataclass(slots=True)
class CopyReport:
    source: str
    target: str
    counts: dict[str, int] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)


def _tables() -> list[Table]:
    by_name = {t.name: t for t in SQLModel.metadata.sorted_tables}
    return [by_name[name] for name in TABLES]  # parents before children


def _pk_order(table: Table) -> list[Any]:
    return list(table.primary_key.columns)


def _count(conn: Connection, table: Table) -> int:
    return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"bytes": hashlib.sha256(value).hexdigest()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):  # enum members
        return value.value
    return value


def table_hash(conn: Connection, table: Table) -> str:
    """A sha256 of every row as the program reads it (same types on both engines), in key order."""
    digest = hashlib.sha256()
    for row in conn.execute(select(table).order_by(*_pk_order(table))):
        line = json.dumps([_plain(v) for v in row], sort_keys=True, ensure_ascii=False, default=str)
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()


def _is_empty(store: Store) -> bool:
    with store.engine.connect() as conn:
        return all(_count(conn, t) == 0 for t in _tables())


def _clear(conn: Connection) -> None:
    for table in reversed(_tables()):
        conn.execute(delete(table))


def _copy_rows(src: Connection, dst: Connection, table: Table) -> None:
    result = src.execution_options(yield_per=BATCH).execute(select(table).order_by(*_pk_order(table)))
    for rows in result.partitions(BATCH):
        dst.execute(insert(table), [dict(row._mapping) for row in rows])


def _move_sequences(dst: Connection) -> None:
    """PostgreSQL hands out ids from sequences, which rows copied with their ids do not move."""
    for table in _tables():
        if "id" in table.c:
            dst.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"
            ))


def copy_database(source: str | Path, target: str | Path, *, force: bool = False) -> CopyReport:
    """Copy every article, revision, link, picture and the site profile from ``source`` into
    ``target`` (files or server URLs), in one transaction on the target, then verify counts
    and content hashes table by table. A target holding content is refused unless ``force``
    (its content is then replaced)."""
    src_store = open_store(source, create=False)
    try:
        dst_store = open_store(target)
        try:
            return _copy(src_store, dst_store, force)
        finally:
            dst_store.close()
    finally:
        src_store.close()


def _copy(src_store: Store, dst_store: Store, force: bool) -> CopyReport:
    report = CopyReport(src_store.label, dst_store.label)
    if src_store.target == dst_store.target:
        raise CopyError("The source and the target are the same database.")
    if not force and not _is_empty(dst_store):
        raise CopyError(f"{dst_store.label} already holds articles or a site profile; "
                        "nothing was copied. Use --force to replace its content.")
    with src_store.read() as session, dst_store.engine.begin() as dst:
        src = session.connection()
        if dst_store.dialect == "sqlite":
            dst.exec_driver_sql("PRAGMA defer_foreign_keys = ON")  # self-references of links
        _clear(dst)
        for table in _tables():
            _copy_rows(src, dst, table)
        if dst_store.dialect == "postgresql":
            _move_sequences(dst)
        for table in _tables():
            counts = (_count(src, table), _count(dst, table))
            hashes = (table_hash(src, table), table_hash(dst, table))
            if counts[0] != counts[1] or hashes[0] != hashes[1]:
                raise CopyError(f"The copy of table {table.name} did not verify ({counts[0]} rows "
                                f"read, {counts[1]} written); the target was left unchanged.")
            report.counts[table.name], report.hashes[table.name] = counts[0], hashes[0]
    return report
