"""Schema migrations (Alembic, batch mode for SQLite), applied whenever a database is opened.

Alembic is imported only when a migration runs: opening a database already at the head
reads the revisions from the scripts' ``revision =`` lines and the database's with one query.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from digest_desk.store.errors import NewerSchemaError

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

HERE = Path(__file__).resolve().parent
_ASSIGNMENT = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(?:[\"']([^\"']*)[\"']|None)\s*$",
                         re.MULTILINE)


def config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    if engine is not None:
        # Informational only (env.py runs on the connection handed over): password masked, and
        # "%" doubled for the config parser (a socket folder in a URL is percent-encoded).
        cfg.set_main_option("sqlalchemy.url", str(engine.url).replace("%", "%%"))
    return cfg


@functools.cache
def script() -> ScriptDirectory:
    """The migration scripts as Alembic sees them (read once per process: ~25 ms and Alembic)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(config())


@functools.cache
def _chain() -> dict[str, str | None]:
    """Each script's revision and the one it follows, read from the files without Alembic."""
    chain: dict[str, str | None] = {}
    for path in sorted((HERE / "versions").glob("*.py")):
        found = dict((name, value or None) for name, value in _ASSIGNMENT.findall(
            path.read_text(encoding="utf-8")))
        if found.get("revision"):
            chain[found["revision"]] = found.get("down_revision")
    return chain


def known_revisions() -> set[str]:
    return set(_chain())


def head() -> str:
    """The newest revision: the one no other script follows."""
    chain = _chain()
    heads = set(chain) - {down for down in chain.values() if down}
    if len(heads) != 1:
        return script().get_current_head()  # branches: let Alembic decide (and complain)
    return heads.pop()


def refuse_newer(path: Path | str, revision: str | None) -> None:
    """Raise when the database was written by a Digest Desk that knows a newer schema."""
    if revision is not None and revision not in known_revisions():
        raise NewerSchemaError(
            path,
            f"it was written by a newer Digest Desk (schema {revision}); update Digest Desk to open it.",
        )


def current(engine: Engine) -> str | None:
    """The database's revision (None before the first migration), read with one query."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, target: str = "head") -> None:
    """Bring the database up to ``target`` inside one transaction."""
    if current(engine) == head() and target == "head":
        return
    from alembic import command

    cfg = config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)
