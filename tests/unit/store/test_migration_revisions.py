"""Opening a database at the current schema reads revisions without Alembic, and agrees with it."""

from __future__ import annotations

import subprocess
import sys

from digest_desk.store import migrations, open_store


def test_revisions_read_from_the_scripts_match_alembic():
    alembic_view = migrations.script()
    assert migrations.head() == alembic_view.get_current_head()
    assert migrations.known_revisions() == {rev.revision for rev in alembic_view.walk_revisions()}


def test_opening_a_current_database_does_not_import_alembic(tmp_path):
    db = tmp_path / "desk.sqlite3"
    open_store(db).close()  # created and migrated here (Alembic runs)
    probe = ("import sys\nfrom digest_desk.store import open_store\n"
             f"store = open_store({str(db)!r})\nprint(sorted(m for m in sys.modules if m.startswith('alembic')))\n"
             "store.close()\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_an_old_database_is_still_upgraded(tmp_path):
    db = tmp_path / "old.sqlite3"
    store = open_store(db)
    from alembic import command

    with store.engine.begin() as conn:
        cfg = migrations.config(store.engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0008")
    assert migrations.current(store.engine) == "0008"
    store.close()
    reopened = open_store(db)
    assert migrations.current(reopened.engine) == migrations.head()
    reopened.close()
