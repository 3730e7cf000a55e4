"""Schema migrations (Alembic, batch mode for SQLite), applied whenever a database is opened."""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from digest_desk.store.errors import NewerSchemaError

HERE = Path(__file__).resolve().parent


def config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    if engine is not None:
        # Informational only (env.py runs on the connection handed over): password masked, and
        # "%" doubled for the config parser (a socket folder in a URL is percent-encoded).
        cfg.set_main_option("sqlalchemy.url", str(engine.url).replace("%", "%%"))
    return cfg


@functools.cache
def script() -> ScriptDirectory:
    """The migration scripts (read once per process: parsing them costs ~25 ms)."""
    return ScriptDirectory.from_config(config())


def known_revisions() -> set[str]:
    return {rev.revision for rev in script().walk_revisions()}


def head() -> str:
    return script().get_current_head()


def refuse_newer(path: Path | str, revision: str | None) -> None:
    """Raise when the database was written by a Digest Desk that knows a newer schema."""
    if revision is not None and revision not in known_revisions():
        raise NewerSchemaError(
            path,
            f"it was written by a newer Digest Desk (schema {revision}); update Digest Desk to open it.",
        )


def current(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, target: str = "head") -> None:
    """Bring the database up to ``target`` inside one transaction."""
    if current(engine) == head() and target == "head":
        return
    cfg = config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)
