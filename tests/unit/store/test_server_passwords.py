"""Team-server passwords follow libpq: ~/.pgpass, a service file and PGPASSWORD work untouched;
otherwise the store says a password is needed, takes one apart from the URL and never shows it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from digest_desk.store import open_store
from digest_desk.store.articles import create_article, list_articles
from digest_desk.store.engine import server_address, server_fields, server_label, shown
from digest_desk.store.errors import PasswordNeededError
from tests import pg_server

SECRET = "s3cret-Pa55word-x9"


@pytest.fixture(scope="module")
def server() -> Iterator[pg_server.PasswordServer]:
    reason = pg_server.unavailable_reason() or (None if pg_server._bin_dir() else "no PostgreSQL")
    if reason:
        pytest.skip(reason)
    srv = pg_server.PasswordServer()
    yield srv
    srv.stop()


@pytest.fixture
def editor(server: pg_server.PasswordServer, monkeypatch: pytest.MonkeyPatch,
           tmp_path: Path) -> tuple[str, str]:
    """A password role and its database; no password reachable through libpq's usual places."""
    for name in ("PGPASSWORD", "PGSERVICE", "PGSERVICEFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    monkeypatch.setenv("PGSYSCONFDIR", str(tmp_path))
    role, database = server.add_editor(SECRET)
    return role, server_address(server.socket, 5432, database, role)


def test_without_a_password_the_store_says_one_is_needed(editor: tuple[str, str]) -> None:
    _role, url = editor
    with pytest.raises(PasswordNeededError) as caught:
        open_store(url)
    assert not caught.value.rejected
    assert "asks for a password" in str(caught.value)


def test_a_wrong_password_is_rejected_without_showing_it(editor: tuple[str, str]) -> None:
    _role, url = editor
    with pytest.raises(PasswordNeededError) as caught:
        open_store(url, password="not-" + SECRET)
    assert caught.value.rejected
    assert SECRET not in str(caught.value) and "not-" not in str(caught.value)


def test_a_password_given_apart_never_enters_the_url(editor: tuple[str, str]) -> None:
    _role, url = editor
    store = open_store(url, password=SECRET)
    try:
        create_article(store, title="Hello", body="Text")
        assert [a.title for a in list_articles(store)] == ["Hello"]
        for text in (store.target, store.label, repr(store), str(store.engine.url), shown(store.target)):
            assert SECRET not in text
        assert store.password == SECRET  # export workers reopen it with this
    finally:
        store.close()


def test_pgpassword_works_untouched(editor: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGPASSWORD", SECRET)
    store = open_store(editor[1])
    assert store.password is None
    store.close()


def test_pgpass_file_works_untouched(editor: tuple[str, str], server: pg_server.PasswordServer,
                                     monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    role, url = editor
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"*:*:*:{role}:{SECRET}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    open_store(url).close()


def test_service_file_works_untouched(editor: tuple[str, str], server: pg_server.PasswordServer,
                                      monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    role, url = editor
    database = server_fields(url)["database"]
    services = tmp_path / "services.conf"
    services.write_text(f"[newsroom]\nhost={server.socket}\ndbname={database}\nuser={role}\n"
                        f"password={SECRET}\n")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    store = open_store("postgresql+psycopg:///?service=newsroom")
    try:
        assert SECRET not in store.label and SECRET not in store.target
    finally:
        store.close()


def test_server_address_round_trips_through_the_dialog_fields() -> None:
    url = server_address("db.example.org", 6432, "newsroom", "ana", "verify-full")
    assert url == "postgresql+psycopg://ana@db.example.org:6432/newsroom?sslmode=verify-full"
    assert server_fields(url) == {"host": "db.example.org", "port": 6432, "database": "newsroom",
                                  "user": "ana", "tls": "verify-full"}
    assert server_label(url) == "ana@db.example.org:6432/newsroom"
    socket = server_address("/run/postgresql", 5432, "newsroom", "ana")
    assert server_fields(socket)["host"] == "/run/postgresql"
    assert server_label(socket) == "ana@/run/postgresql/newsroom"


def test_export_workers_reopen_the_server_with_the_asked_password(editor: tuple[str, str],
                                                                 tmp_path: Path) -> None:
    from digest_desk.export.pipeline import export_site

    store = open_store(editor[1], password=SECRET)
    try:
        for n in range(3):
            create_article(store, title=f"Story {n}", body="Text.", status="published")
        export_site(store, tmp_path / "site", parallel=True)  # worker processes connect anew
    finally:
        store.close()
    assert (tmp_path / "site" / "story-2" / "amp" / "index.html").is_file()
