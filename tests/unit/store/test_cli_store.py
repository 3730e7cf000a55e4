"""The command line in real subprocesses: import, list, site show/set, database selection."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[3] / "src"


def run(*args: str, env: dict[str, str] | None = None, home: Path | None = None):
    environ = {k: v for k, v in os.environ.items() if k != "DIGEST_DESK_DB"}
    environ["PYTHONPATH"] = str(SRC)
    if home is not None:  # platformdirs follows XDG on Linux
        environ["XDG_DATA_HOME"] = str(home)
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "digest_desk", *args], capture_output=True, text=True, env=environ,
        timeout=120,
    )


def test_import_list_and_site_commands(tmp_path):
    db = tmp_path / "cli.sqlite3"
    (tmp_path / "one.md").write_text(
        "---\ntitle: Night trains are back\ncategory: Travel\nstatus: ready\n"
        "date: 2026-02-01\n---\nText\n", encoding="utf-8",
    )
    (tmp_path / "two.md").write_text("---\ntitle: Bad\ndate: soon\n---\nText\n", encoding="utf-8")
    res = run("--db", str(db), "import", str(tmp_path / "one.md"), str(tmp_path / "two.md"))
    assert res.returncode == 1
    assert res.stdout.split() == ["night-trains-are-back"]
    assert "two.md:3" in res.stderr and "not a date" in res.stderr

    res = run("--db", str(db), "list", "--json")
    assert res.returncode == 0, res.stderr
    rows = json.loads(res.stdout)
    assert [(r["slug"], r["status"], r["category"]) for r in rows] == [
        ("night-trains-are-back", "ready", "Travel"),
    ]

    assert run("--db", str(db), "site", "set", "partner_name", "Rail Weekly").returncode == 0
    res = run("--db", str(db), "site", "show", "--json")
    assert json.loads(res.stdout)["partner_name"] == "Rail Weekly"
    res = run("--db", str(db), "site", "set", "colour", "red")
    assert res.returncode != 0 and "unknown site setting" in res.stderr


def test_environment_variable_selects_the_database(tmp_path):
    db = tmp_path / "env.sqlite3"
    (tmp_path / "a.md").write_text("---\ntitle: From env\n---\nx\n", encoding="utf-8")
    res = run("import", str(tmp_path / "a.md"), env={"DIGEST_DESK_DB": str(db)}, home=tmp_path / "h")
    assert res.returncode == 0, res.stderr
    assert db.exists() and not (tmp_path / "h").exists()


def test_first_run_on_the_default_database_seeds_demo_content(tmp_path):
    res = run("list", "--json", home=tmp_path)
    assert res.returncode == 0, res.stderr
    rows = json.loads(res.stdout)
    assert len(rows) >= 5
    assert (tmp_path / "digest-desk" / "digest-desk.sqlite3").exists()
    res = run("site", "show", "--json", home=tmp_path)
    assert json.loads(res.stdout)["name"] == "Digest Desk Daily"
    again = json.loads(run("list", "--json", home=tmp_path).stdout)
    assert len(again) == len(rows)  # seeded once only


def test_damaged_database_is_reported_and_left_alone(tmp_path):
    db = tmp_path / "junk.sqlite3"
    db.write_bytes(b"not a database at all" * 10)
    before = db.read_bytes()
    res = run("--db", str(db), "list")
    assert res.returncode == 2 and "not a SQLite database" in res.stderr
    assert db.read_bytes() == before


def test_import_of_a_missing_path_fails_clearly(tmp_path):
    res = run("--db", str(tmp_path / "x.sqlite3"), "import", str(tmp_path / "nope.md"))
    assert res.returncode == 1 and "nope.md" in res.stderr and "cannot be read" in res.stderr


def test_backup_and_restore_commands(tmp_path):
    db = tmp_path / "b.sqlite3"
    (tmp_path / "a.md").write_text("---\ntitle: Before backup\n---\nx\n", encoding="utf-8")
    assert run("--db", str(db), "import", str(tmp_path / "a.md")).returncode == 0
    res = run("--db", str(db), "backup")
    assert res.returncode == 0, res.stderr
    made = Path(res.stdout.strip())
    assert made.exists() and made.parent == tmp_path / "backups"
    (tmp_path / "b.md").write_text("---\ntitle: After backup\n---\nx\n", encoding="utf-8")
    run("--db", str(db), "import", str(tmp_path / "b.md"))
    res = run("--db", str(db), "restore")
    assert res.returncode == 0, res.stderr
    slugs = [r["slug"] for r in json.loads(run("--db", str(db), "list", "--json").stdout)]
    assert slugs == ["before-backup"]
    res = run("--db", str(db), "restore", str(tmp_path / "a.md"))
    assert res.returncode == 2 and "a.md" in res.stderr
