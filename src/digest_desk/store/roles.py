"""Editors' rights on a team server: what a role needs to write articles, and taking it back.

The role that runs ``db upgrade`` owns the tables; an editor's role gets reading and writing of
the content (never of the schema version, which only an upgrade moves), now and for the tables
later upgrades create (default privileges of the granting role).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from digest_desk.store.engine import Store
from digest_desk.store.errors import StoreError

_ROWS = "SELECT, INSERT, UPDATE, DELETE"
_SEQUENCES = "USAGE, SELECT"


def _statements(role: str, database: str, giving: bool) -> list[str]:
    to = "TO" if giving else "FROM"
    verb = "GRANT" if giving else "REVOKE"
    made = [
        f"{verb} CONNECT ON DATABASE {database} {to} {role}",
        f"{verb} USAGE ON SCHEMA public {to} {role}",
        f"{verb} {_ROWS} ON ALL TABLES IN SCHEMA public {to} {role}",
        f"{verb} {_SEQUENCES} ON ALL SEQUENCES IN SCHEMA public {to} {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public {verb} {_ROWS} ON TABLES {to} {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public {verb} {_SEQUENCES} ON SEQUENCES {to} {role}",
    ]
    if giving:  # the schema version is read by every opening and written only by an upgrade
        made.append(f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {role}")
    return made


def set_editor_rights(store: Store, role: str, *, giving: bool = True) -> None:
    """Give ``role`` (an existing login role) what an editor's workstation needs, or take it back.
    Raises StoreError for a local file, an unknown role, or a user without the right to grant."""
    if not store.is_server:
        raise StoreError("Only a team server has roles; a local file is its owner's alone.")
    if not role or "\x00" in role:
        raise StoreError("Name the editor's database role.")
    with store.write() as session:
        found = session.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
        if found is None:
            raise StoreError(f"The server has no role named {role!r}; create it first "
                             f"(CREATE ROLE … LOGIN).")
        owner, me, superuser = session.execute(text(
            "SELECT t.tableowner, current_user, r.rolsuper FROM pg_tables t, pg_roles r "
            "WHERE t.schemaname = 'public' AND t.tablename = 'article' AND r.rolname = current_user"
        )).one()
        if owner != me and not superuser:  # PostgreSQL would only warn and grant nothing
            raise StoreError(f"Only the role that owns the tables ({owner}) can change editors' "
                             f"rights; connect as {owner} (the role that runs db upgrade).")
        bind = session.get_bind()
        quote = bind.dialect.identifier_preparer.quote_identifier
        database = session.execute(text("SELECT current_database()")).scalar_one()
        try:
            for statement in _statements(quote(role), quote(database), giving):
                session.execute(text(statement))
        except DBAPIError as exc:
            reason = getattr(getattr(exc.orig, "diag", None), "message_primary", None) or "no reason given"
            raise StoreError(f"The server refused to change {role!r}'s rights ({reason}); run this as "
                             "the role that owns the database (the one that runs db upgrade).") from None
