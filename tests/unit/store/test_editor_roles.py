"""``db grant`` / ``db revoke``: an editor's own role can write articles on a team server, and only that."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from digest_desk.cli import main
from digest_desk.store import StoreError, open_store
from digest_desk.store.articles import create_article, get_article, save_article
from digest_desk.store.locks import LockStatus, acquire
from digest_desk.store.roles import set_editor_rights
from digest_desk.store.search import search_ids


def _admin(url: str, statement: sql.Composable) -> None:
    with psycopg.connect(make_url(url).set(drivername="postgresql")
                         .render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(statement)


def _as(url: str, role: str) -> str:
    return make_url(url).set(username=role).render_as_string(hide_password=False)


@pytest.fixture
def role(pg_url: str):
    """A new login role with a hostile name (a space and a double quote) and no rights yet."""
    name = f'Ed "Itor" {os.getpid()}'
    open_store(pg_url).close()  # the schema, owned by the test's admin role
    _admin(pg_url, sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
    yield name
    # db revoke must leave nothing behind: DROP ROLE fails while any right or default remains
    main(["--db", pg_url, "db", "revoke", name])
    _admin(pg_url, sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def test_a_granted_role_writes_articles_takes_locks_and_searches_but_never_moves_the_schema(
        pg_url, role, capsys) -> None:
    with pytest.raises(StoreError):  # before the grant the role cannot even read the schema
        open_store(_as(pg_url, role)).close()
    assert main(["--db", pg_url, "db", "grant", role]) == 0
    assert f"{role} may now read and write articles" in capsys.readouterr().out

    editor = open_store(_as(pg_url, role))
    try:
        article = create_article(editor, title="Harbour cranes", body="The cranes arrive.")
        article.body = "The cranes arrive on Monday."
        save_article(editor, article, reason="save")
        assert get_article(editor, article.id).body == "The cranes arrive on Monday."
        assert acquire(editor, article.id, "Ed#1", editor="Ed").status == LockStatus.OURS
        assert search_ids(editor, "cranes") == [article.id]
        with editor.connect() as conn, pytest.raises(Exception, match="permission denied"):
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'x'")
    finally:
        editor.close()


def test_later_tables_are_granted_by_default_and_revoke_takes_everything_back(pg_url, role) -> None:
    assert main(["--db", pg_url, "db", "grant", role]) == 0
    _admin(pg_url, sql.SQL("CREATE TABLE later_upgrade (id serial PRIMARY KEY, note text)"))
    editor = open_store(_as(pg_url, role))
    try:
        with editor.engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO later_upgrade (note) VALUES ('made by a later upgrade')")
    finally:
        editor.close()
    assert main(["--db", pg_url, "db", "revoke", role]) == 0
    with pytest.raises(StoreError):
        open_store(_as(pg_url, role)).close()
    _admin(pg_url, sql.SQL("DROP TABLE later_upgrade"))


def test_only_the_owner_grants_and_only_existing_roles_on_a_server(pg_url, role, tmp_path: Path,
                                                                   capsys) -> None:
    assert main(["--db", pg_url, "db", "grant", role]) == 0
    assert main(["--db", _as(pg_url, role), "db", "grant", role]) != 0  # not the tables' owner
    assert "Only the role that owns the tables" in capsys.readouterr().err
    assert main(["--db", pg_url, "db", "grant", "nobody-here"]) != 0
    assert "no role named 'nobody-here'" in capsys.readouterr().err
    local = open_store(tmp_path / "desk.sqlite3")
    try:
        with pytest.raises(StoreError, match="Only a team server has roles"):
            set_editor_rights(local, "ana")
    finally:
        local.close()
