"""The editor's display name: its default from the account, in lock holders, and written with
every revision a store saves (migration 0010; SQLite and PostgreSQL)."""

from __future__ import annotations

import getpass
import os
import pwd
import sqlite3
from pathlib import Path

import pytest

from digest_desk import identity
from digest_desk.store import migrations, open_store
from digest_desk.store.articles import create_article, get_article, revisions, save_article
from digest_desk.store.engine import make_engine
from digest_desk.store.revisions import revision_history

pytestmark = pytest.mark.both_engines


def test_the_default_name_is_the_accounts_full_name_else_its_login() -> None:
    gecos = pwd.getpwuid(os.getuid()).pw_gecos.split(",")[0].strip()
    expected = " ".join(gecos.split()) or getpass.getuser()
    assert identity.default_display_name() == expected
    assert identity.clean_name("  Ana \n  María   Pérez ") == "Ana María Pérez"


def test_a_lock_holder_carries_the_name_and_is_unique_per_window() -> None:
    first, second = identity.lock_holder("Ana Pérez"), identity.lock_holder("Ana Pérez")
    assert first != second
    assert identity.holder_name(first) == identity.holder_name(second) == "Ana Pérez"
    assert identity.holder_name("0123456789abcdef") == ""  # a holder from before names


def test_every_revision_written_through_the_store_carries_its_editor(store) -> None:
    store.editor = "Ana Pérez"
    article = create_article(store, title="Harbour", body="Ships.")
    article.body = "Ships and ferries."
    save_article(store, article, reason="save")
    store.editor = "Bo Lind"
    article = get_article(store, article.id)
    article.body = "Ships, ferries and boats."
    save_article(store, article, reason="save")
    names = [r.editor for r in reversed(revisions(store, article.id))]
    assert names[-2:] == ["Ana Pérez", "Bo Lind"]
    assert revision_history(store, article.id)[-1]["editor"] == "Bo Lind"


def test_a_store_without_a_name_writes_an_empty_one(store) -> None:
    article = create_article(store, title="Quiet", body="Text.")
    save_article(store, article, reason="save")
    assert {r.editor for r in revisions(store, article.id)} == {""}


@pytest.mark.sqlite_only
def test_0010_adds_the_column_to_a_0009_database_and_drops_it_again(tmp_path) -> None:
    from alembic import command

    path = tmp_path / "old.sqlite3"
    engine = make_engine(path)
    migrations.upgrade(engine, "0009")
    engine.dispose()
    store = open_store(path)
    assert migrations.current(store.engine) == migrations.head()
    cfg = migrations.config(store.engine)
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009")
    store.close()
    columns = [row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(revision)")]
    assert "editor" not in columns and "reason" in columns


def _save_preferences_name(config: Path, name: str) -> None:
    """Edit > Preferences… as the workstation saves it: the real QSettings in its real place
    (another process, so this one's Qt settings paths stay untouched)."""
    import subprocess
    import sys

    script = ("from PySide6.QtCore import QSettings\n"
              "from digest_desk.app import ORGANIZATION, APPLICATION\n"
              "from digest_desk.ui import settings as keys\n"
              "import sys\n"
              "s = QSettings(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)\n"
              "keys.EDITOR_NAME.write(s, sys.argv[1])\n"
              "s.sync()\n")
    env = {**os.environ, "XDG_CONFIG_HOME": str(config)}
    subprocess.run([sys.executable, "-c", script, name], env=env, check=True, timeout=60)


@pytest.mark.sqlite_only
def test_a_revision_the_cli_writes_names_the_editor_from_preferences(tmp_path, monkeypatch) -> None:
    from digest_desk.cli import main
    from digest_desk.commands.common import settings_file

    name = '@Zé "Ana" María-Pérez, Jr. \\ 日本'  # what QSettings has to quote and escape
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    _save_preferences_name(config, name)
    assert settings_file() is not None and settings_file().exists()
    db = tmp_path / "desk.sqlite3"
    (tmp_path / "harbour.md").write_text("---\ntitle: Harbour news\n---\nShips came in.\n", encoding="utf-8")
    assert main(["--db", str(db), "import", str(tmp_path / "harbour.md")]) == 0
    assert main(["--db", str(db), "set", "harbour-news", "status", "published"]) == 0  # a bulk edit
    store = open_store(db)
    try:
        from digest_desk.store.articles import get_by_slug

        revs = revisions(store, get_by_slug(store, "harbour-news").id)
    finally:
        store.close()
    assert revs and revs[0].reason == "bulk: status published"
    assert {r.editor for r in revs} == {name}


@pytest.mark.sqlite_only
def test_without_a_preferences_name_the_cli_names_the_account(tmp_path, monkeypatch) -> None:
    from digest_desk.cli import main

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
    db = tmp_path / "desk.sqlite3"
    store = open_store(db)
    create_article(store, title="Tide tables", body="High at noon.")
    store.close()
    assert main(["--db", str(db), "set", "tide-tables", "category", "Weather"]) == 0
    store = open_store(db)
    try:
        [rev] = [r for r in revisions(store, 1) if r.reason.startswith("bulk:")]
    finally:
        store.close()
    assert rev.editor == identity.default_display_name() != ""
