"""Opening a database (a SQLite file or a PostgreSQL server): checks, migrations, sessions."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, inspect
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import QueuePool
from sqlmodel import Session, create_engine

from digest_desk.store.errors import (
    CorruptDatabaseError,
    MigrationNeededError,
    NotADatabaseError,
    PasswordNeededError,
    ServerUnavailableError,
    StoreError,
)
from digest_desk.store.private import new_private_file, parent_folder

APPLICATION_ID = 0x44475344  # "DGSD": marks a file as a Digest Desk database
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 15_000
FULL_CHECK_BYTES = 128 * 1024 * 1024  # files up to this size get a full quick_check on open
SERVER_BACKENDS = ("postgresql",)
CONNECT_TIMEOUT_S = 10
# A link that drops silently (a cable out, a laptop asleep, a firewall dropping packets) is noticed
# in seconds, not at the kernel's default of minutes: an idle connection is probed after
# KEEPALIVE_IDLE_S, every KEEPALIVE_INTERVAL_S, and given up after KEEPALIVE_COUNT probes unanswered;
# data the server has not acknowledged within TCP_USER_TIMEOUT_MS ends the connection. (TCP only:
# a Unix socket cannot drop, and a server that is stopped but whose kernel still answers is caught
# by the window's own deadlines on its worker threads.) The error that follows is the ordinary
# "server away" one: the window goes Offline and retries.
KEEPALIVE_IDLE_S, KEEPALIVE_INTERVAL_S, KEEPALIVE_COUNT = 5, 2, 3
TCP_USER_TIMEOUT_MS = 6000
# The window's own connections (interactive) also give up on one statement waiting this long for
# a row lock (another editor's stalled transaction) or running this long at all; the server
# enforces both, and the error is "server away" again (the save is kept and retried). The CLI,
# migrations, copies and export workers have no such limits: their statements may be long.
INTERACTIVE_LOCK_TIMEOUT_MS = 5000
INTERACTIVE_STATEMENT_TIMEOUT_MS = 30_000
TLS_MODES = ("disable", "prefer", "require", "verify-ca", "verify-full")  # libpq's sslmode
DEFAULT_PORT = 5432


def is_url(target: object) -> bool:
    """Whether ``target`` names a database server (a SQLAlchemy URL) rather than a file."""
    return isinstance(target, str) and "://" in target


def shown(target: str | Path | URL | None) -> str:
    """A database as messages and logs show it: a path, or a URL with its password masked."""
    if is_url(target) and not isinstance(target, URL):
        try:
            target = make_url(str(target))
        except ArgumentError:
            return "(a database URL that cannot be read)"
    if isinstance(target, URL):
        if "password" in target.query:  # libpq also takes ?password=
            target = target.update_query_dict({"password": "***"})
        return target.render_as_string(hide_password=True)
    return str(target)


def server_url(target: str) -> URL:
    """The URL of a server database; only PostgreSQL (through psycopg 3) is supported."""
    try:
        url = make_url(target)
    except ArgumentError as exc:
        raise StoreError(f"“{shown(target)}” is not a database URL ({exc}).") from None
    if url.get_backend_name() not in SERVER_BACKENDS:
        raise StoreError(
            f"{shown(url)}: only PostgreSQL servers are supported "
            "(postgresql+psycopg://USER@HOST/DATABASE), or give the path of a local file."
        )
    if url.get_driver_name() != "psycopg":
        url = url.set(drivername="postgresql+psycopg")
    return url


def server_address(host: str, port: int, database: str, user: str, tls: str = "prefer") -> str:
    """The URL of a team server from its parts (never with a password). A host that is a
    folder (starts with ``/``) is a Unix socket directory, as libpq takes it."""
    query = {"sslmode": tls} if tls and tls != "prefer" else {}
    socket = host.startswith("/")
    if socket:
        query = {"host": host, **query}
    url = URL.create("postgresql+psycopg", username=user or None, host=None if socket else host or None,
                     port=None if port in (0, DEFAULT_PORT) else port, database=database or None,
                     query=query)
    return url.render_as_string(hide_password=True)


def server_fields(target: str) -> dict[str, object]:
    """The parts of a team server URL (host, port, database, user, tls), as the dialog shows them."""
    url = server_url(target)
    host = url.query.get("host") or url.host or ""
    return {"host": host if isinstance(host, str) else host[0], "port": url.port or DEFAULT_PORT,
            "database": url.database or "", "user": url.username or "",
            "tls": str(url.query.get("sslmode") or "prefer")}


def server_label(target: str) -> str:
    """A server as the window shows it: user@host/database (no password, no options)."""
    fields = server_fields(target)
    where = fields["host"] or "localhost"
    if fields["port"] != DEFAULT_PORT:
        where = f"{where}:{fields['port']}"
    user = f"{fields['user']}@" if fields["user"] else ""
    return f"{user}{where}/{fields['database']}"


def scrub(message: str, url: URL, password: str | None = None) -> str:
    """``message`` without the URL's password (or one given apart), should a driver repeat it."""
    for secret in (url.password, url.query.get("password"), password):
        if isinstance(secret, str) and secret:
            message = message.replace(secret, "***")
    return message


def server_message(exc: BaseException, target: str, password: str | None = None) -> str:
    """An unexpected failure while opening a server, as one plain line without any password."""
    text = " ".join(str(getattr(exc, "orig", None) or exc).split()) or type(exc).__name__
    try:
        url = server_url(target)
    except StoreError:
        return f"Cannot open the server: {text}"
    return f"Cannot open {shown(url)}: {scrub(text, url, password)}"


def server_connect_args(password: str | None = None, *, interactive: bool = False) -> dict[str, object]:
    """libpq's connection parameters for a team server (see the constants above)."""
    args: dict[str, object] = {
        "connect_timeout": CONNECT_TIMEOUT_S, "application_name": "digest-desk",
        "keepalives": 1, "keepalives_idle": KEEPALIVE_IDLE_S,
        "keepalives_interval": KEEPALIVE_INTERVAL_S, "keepalives_count": KEEPALIVE_COUNT,
        "tcp_user_timeout": TCP_USER_TIMEOUT_MS,
    }
    if interactive:
        args["options"] = (f"-c lock_timeout={INTERACTIVE_LOCK_TIMEOUT_MS}"
                           f" -c statement_timeout={INTERACTIVE_STATEMENT_TIMEOUT_MS}")
    if password:
        args["password"] = password
    return args


def make_server_engine(url: URL, password: str | None = None, *, interactive: bool = False) -> Engine:
    """A pooled engine for a PostgreSQL server; libpq finds passwords in ~/.pgpass,
    PGPASSWORD or a service file when the URL has none. A ``password`` asked for by the window
    goes to libpq with each connection, never into the URL (which messages and logs show).
    ``interactive``: the window's engine, whose statements are short (see the timeouts above)."""
    args = server_connect_args(password, interactive=interactive)
    return create_engine(
        url,
        pool_pre_ping=True,  # a server restart leaves dead pooled connections behind
        pool_size=4,
        max_overflow=8,
        connect_args=args,
    )


def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # Let SQLAlchemy's "begin" event decide how transactions start.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA synchronous = FULL")
    cur.close()


def _on_begin(conn) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(path: Path) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        poolclass=QueuePool,  # reuse connections: connecting and its pragmas cost ~2 ms
        pool_size=4,
        max_overflow=8,
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _readonly_uri(path: Path) -> str:
    """A URI that reads ``path`` without leaving anything behind.

    Without a ``-wal`` file no other connection is open, so the file is read as immutable
    (a plain read-only open of a WAL database would create ``-wal``/``-shm`` files).
    """
    base = path.resolve().as_uri()
    if Path(f"{path}-wal").exists():
        return f"{base}?mode=ro"
    return f"{base}?mode=ro&immutable=1"


def _check_structure(path: Path, con: sqlite3.Connection, size: int, tables: set[str]) -> None:
    """Look for damage: every page up to FULL_CHECK_BYTES, beyond that each table's edges.

    A full check reads the whole file (about a second at 500 MB); on large files the
    root and last pages of every table are read instead, and SQLite reports any damage
    it meets later as an error on that operation.
    """
    if size <= FULL_CHECK_BYTES:
        check = [r[0] for r in con.execute("PRAGMA quick_check(5)")]
        if check != ["ok"]:
            raise CorruptDatabaseError(path, "it is damaged (" + "; ".join(check)[:300] + ").")
        return
    rows = con.execute("SELECT name, upper(sql) FROM sqlite_master WHERE type = 'table'")
    for name, sql in rows.fetchall():
        if name.startswith("sqlite_") or "VIRTUAL TABLE" in (sql or ""):
            continue
        con.execute(f'SELECT * FROM "{name}" LIMIT 1').fetchall()
        if "WITHOUT ROWID" not in (sql or ""):
            con.execute(f'SELECT * FROM "{name}" ORDER BY rowid DESC LIMIT 1').fetchall()


def inspect_file(path: Path) -> dict[str, object]:
    """Look at an existing file without writing to it.

    Returns ``{"application_id", "tables", "revision"}`` or raises a DatabaseOpenError.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise NotADatabaseError(path, f"the file cannot be read ({exc.strerror}).") from exc
    if size == 0:
        raise NotADatabaseError(path, "the file is empty, so it is not a Digest Desk database.")
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise NotADatabaseError(path, f"the file cannot be read ({exc.strerror}).") from exc
    if not header.startswith(SQLITE_HEADER):
        raise NotADatabaseError(path, "it is not a SQLite database (wrong file header).")
    if len(header) < 100:
        raise CorruptDatabaseError(path, "the file is truncated (shorter than a database header).")
    uri = _readonly_uri(path)
    try:
        con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise CorruptDatabaseError(path, f"SQLite cannot open it ({exc}).") from exc
    try:
        app_id = con.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        _check_structure(path, con, size, tables)
        revision = None
        if "alembic_version" in tables:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
    except sqlite3.DatabaseError as exc:
        raise CorruptDatabaseError(path, f"it is damaged or not a database ({exc}).") from exc
    finally:
        con.close()
    if app_id != APPLICATION_ID:
        what = "it holds no tables" if not tables else "it belongs to another program"
        raise NotADatabaseError(path, f"it is a SQLite file but not a Digest Desk database ({what}).")
    return {"application_id": app_id, "tables": tables, "revision": revision}


class Store:
    """An open Digest Desk database: hands out read and write sessions.

    ``path`` is the SQLite file (None for a server); ``target`` reopens the same database in
    another process (a path, or the full URL); ``label`` names it in messages (no password).
    """

    def __init__(self, path: Path | None, engine: Engine, *, created: bool,
                 target: str | None = None, password: str | None = None) -> None:
        self.path = path
        self._password = password  # asked for by the window: memory only, never in target/label
        self.editor = ""  # the display name written with each revision of this store's writes
        self.engine = engine
        self.created = created
        self.dialect = engine.dialect.name
        self.target = str(path) if target is None else target
        self.label = shown(engine.url) if path is None else str(path)
        if self.dialect == "sqlite":
            self._read_engine = engine.execution_options(sqlite_begin="DEFERRED")
        else:  # every read of one session sees one snapshot, as WAL readers do on SQLite
            self._read_engine = engine.execution_options(isolation_level="REPEATABLE READ")

    @property
    def is_server(self) -> bool:
        return self.path is None

    @property
    def password(self) -> str | None:
        """The password given apart from the URL (for processes that reopen it: export workers)."""
        return self._password

    def __repr__(self) -> str:
        return f"<Store {self.label}>"

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading (deferred transaction: never blocks writers in WAL mode)."""
        with Session(self._read_engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A plain connection for fast read-only SQL (a deferred transaction, rolled back)."""
        with self._read_engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction starts with BEGIN IMMEDIATE and commits on success."""
        with Session(self.engine, expire_on_commit=False) as session:
            if self.editor:
                event.listen(session, "before_flush", self._name_revisions)
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def _name_revisions(self, session: Session, _context: object, _instances: object) -> None:
        """Every revision written through this store carries the editor's display name."""
        from digest_desk.domain import Revision

        for obj in session.new:
            if isinstance(obj, Revision) and not obj.editor:
                obj.editor = self.editor

    def close(self) -> None:
        self.engine.dispose()


def attach(target: str, password: str | None = None) -> Store:
    """A database another process of ours has opened (and migrated) already: export workers."""
    if is_url(target):
        return Store(None, make_server_engine(server_url(target), password), created=False,
                     target=target, password=password)
    return Store(Path(target), make_engine(Path(target)), created=False)


def _password_trouble(exc: DBAPIError) -> str | None:
    """Why the server turned a connection down for want of a (right) password, if it did."""
    text = str(exc.orig)
    if "no password supplied" in text:
        return "the server asks for a password."
    if getattr(exc.orig, "sqlstate", None) == "28P01" or "password authentication failed" in text:
        return "the server did not accept the password."
    return None


def _server_state(engine: Engine, url: URL, password: str | None = None) -> tuple[str | None, set[str]]:
    """The schema revision and table names of a server database (connecting proves it is there)."""
    from digest_desk.store import migrations

    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
        return (migrations.current(engine) if "alembic_version" in tables else None), tables
    except DBAPIError as exc:
        trouble = _password_trouble(exc)
        if trouble is not None:
            refused = "did not accept" in trouble
            raise PasswordNeededError(shown(url), trouble, rejected=refused) from None
        reason = scrub(" ".join(str(exc.orig).split()), url, password)
        raise ServerUnavailableError(shown(url), f"the server did not accept the connection ({reason}).") from None


def schema_status(target: str | Path) -> tuple[str | None, str]:
    """The schema revision of a database (None when it has none yet) and this program's head,
    read without changing anything."""
    from digest_desk.store import migrations

    if is_url(target):
        url = server_url(str(target))
        engine = make_server_engine(url)
        try:
            revision, _tables = _server_state(engine, url)
        finally:
            engine.dispose()
    else:
        path = Path(target)
        if not path.exists():
            raise StoreError(f"No database at {path}.")
        revision = inspect_file(path)["revision"]
    migrations.refuse_newer(shown(target), revision)
    return revision, migrations.head()


def open_server(target: str, *, create: bool = True, upgrade: bool = False,
                password: str | None = None, interactive: bool = False) -> Store:
    """Open a Digest Desk database on a PostgreSQL server.

    An empty database gets the schema (like a new file). A database on an older schema is
    upgraded only with ``upgrade`` (``digest-desk db upgrade``): several editors share it, so a
    workstation never migrates it behind their backs and refuses with what to run instead.
    ``interactive``: the window's store (short lock and statement timeouts on its connections).
    """
    from digest_desk.store import migrations

    url = server_url(target)
    engine = make_server_engine(url, password, interactive=interactive)
    try:
        revision, tables = _server_state(engine, url, password)
        migrations.refuse_newer(shown(url), revision)
        created = revision is None
        if created and tables - {"alembic_version"}:
            raise NotADatabaseError(shown(url), "it holds tables of another program, not a Digest Desk database.")
        if created and not create:
            raise StoreError(f"No Digest Desk database at {shown(url)}.")
        if not created and revision != migrations.head() and not upgrade:
            raise MigrationNeededError(
                shown(url),
                f"its schema ({revision}) is older than this Digest Desk's ({migrations.head()}), and a "
                f"shared database is never upgraded silently. Run: digest-desk --db '{shown(url)}' db upgrade",
            )
        migrations.upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return Store(None, engine, created=created, target=url.render_as_string(hide_password=False),
                 password=password)


def open_store(path: str | Path, *, create: bool = True, upgrade: bool = False,
               password: str | None = None, interactive: bool = False) -> Store:
    """Open (or create) the database at ``path`` (a file, or a server URL: see open_server),
    migrating a file to the current schema.

    A file that is not a Digest Desk database, is damaged, or comes from a newer
    Digest Desk raises a StoreError subclass and is left untouched.
    """
    from digest_desk.store import migrations  # local: alembic is only needed when opening

    if is_url(path):
        return open_server(str(path), create=create, upgrade=upgrade, password=password,
                           interactive=interactive)
    path = Path(path)
    created = not path.exists()
    if created:
        if not create:
            raise StoreError(f"No database at {path}.")
        parent_folder(path)
        new_private_file(path)  # SQLite gives its WAL and SHM files the database's mode
    else:
        info = inspect_file(path)
        migrations.refuse_newer(path, info["revision"])
        if info["revision"] != migrations.head():
            from digest_desk.store.backup import make_backup

            make_backup(path, f"before-{migrations.head()}")
    engine = make_engine(path)
    try:
        migrations.upgrade(engine)
    except Exception:
        engine.dispose()
        raise
    return Store(path, engine, created=created)
