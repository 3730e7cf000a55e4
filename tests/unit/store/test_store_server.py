"""The store on a real PostgreSQL server: racing writers, schema upgrades only on request, no
password in any message."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from digest_desk.store import ConflictError, migrations, open_store
from digest_desk.store.articles import create_article, get_article, revisions, save_article
from digest_desk.store.engine import make_server_engine, server_url
from digest_desk.store.errors import MigrationNeededError, ServerUnavailableError

SRC = Path(__file__).resolve().parents[3] / "src"
ROUNDS = 15
PASSWORD = "Sekr3t-h0rse_battery"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("DIGEST_DESK_DB", None)
    return subprocess.run([sys.executable, "-m", "digest_desk", *args], env=env,
                          capture_output=True, text=True, timeout=120)


def _with_password(url: str) -> str:
    return make_url(url).set(password=PASSWORD).render_as_string(hide_password=False)


def _race(store, copy, text: str, barrier: threading.Barrier, outcome: dict[str, object]) -> None:
    copy.body = text
    barrier.wait()
    try:
        outcome[text] = save_article(store, copy, reason="save").version
    except ConflictError as exc:
        outcome[text] = exc


def test_two_editors_racing_one_article_end_with_exactly_one_winner(pg_url):
    """Two stores (two connection pools) load the same version and save at the same moment,
    round after round: one save lands, the other gets the conflict, nothing is overwritten."""
    first, second = open_store(pg_url), open_store(pg_url)
    try:
        article = create_article(first, title="Contested", body="start")
        barrier = threading.Barrier(2)
        for round_ in range(ROUNDS):
            outcome: dict[str, object] = {}
            threads = [
                threading.Thread(target=_race, args=(s, get_article(s, article.id), f"{name} {round_}",
                                                     barrier, outcome))
                for s, name in ((first, "a"), (second, "b"))
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            winners = [text for text, v in outcome.items() if isinstance(v, int)]
            losers = [v for v in outcome.values() if isinstance(v, ConflictError)]
            assert len(winners) == 1 and len(losers) == 1, outcome
            assert losers[0].found == outcome[winners[0]]
            stored = get_article(second, article.id)
            assert stored.body == winners[0] and stored.version == round_ + 2
        assert len(revisions(first, article.id)) == ROUNDS + 1  # "created" and one per winner
    finally:
        first.close()
        second.close()


def test_forced_save_waits_for_the_row_and_moves_the_version_on(pg_url):
    store = open_store(pg_url)
    a = create_article(store, title="Mine or theirs")
    stale = get_article(store, a.id)
    a.body = "theirs"
    save_article(store, a)
    stale.body = "mine, kept on purpose"
    saved = save_article(store, stale, force=True)
    assert saved.version == 3 and get_article(store, a.id).body == "mine, kept on purpose"
    store.close()


def _at_older_schema(pg_url: str) -> None:
    engine = make_server_engine(server_url(pg_url))
    migrations.upgrade(engine, "0004")
    engine.dispose()


def test_a_server_needing_a_migration_is_refused_until_db_upgrade(pg_url):
    _at_older_schema(pg_url)
    with pytest.raises(MigrationNeededError, match="db upgrade"):
        open_store(pg_url)
    status = _cli("--db", pg_url, "db", "status")
    assert status.returncode == 1 and "0004" in status.stdout and "db upgrade" in status.stdout
    assert _cli("--db", pg_url, "list").returncode == 2  # the CLI does not migrate it either
    upgraded = _cli("--db", pg_url, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"→ {migrations.head()}" in upgraded.stdout
    assert _cli("--db", pg_url, "db", "status").returncode == 0
    store = open_store(pg_url)
    create_article(store, title="After the upgrade")
    store.close()


def test_db_status_and_upgrade_of_a_file(tmp_path):
    path = tmp_path / "desk.sqlite3"
    open_store(path).close()
    status = _cli("--db", str(path), "db", "status")
    assert status.returncode == 0 and "up to date" in status.stdout
    assert "already at schema" in _cli("--db", str(path), "db", "upgrade").stdout


def test_a_password_in_the_url_never_appears_in_output(pg_url, tmp_path):
    """Failing and succeeding commands name the server with the password masked."""
    good = _with_password(pg_url)  # the test cluster trusts local connections: any password works
    missing_db = make_url(good).set(database="no_such_database").render_as_string(hide_password=False)
    refused = make_url(good).set(host="127.0.0.1", port=1, query={}).render_as_string(hide_password=False)
    _at_older_schema(pg_url)
    runs = [
        _cli("--db", good, "list"),                   # needs a migration: refused
        _cli("--db", good, "db", "status"),
        _cli("--db", missing_db, "list"),             # no such database
        _cli("--db", refused, "db", "status"),        # nothing listening
        _cli("--db", good, "backup"),                 # not for servers
        _cli("--db", "mysql://root:" + PASSWORD + "@localhost/x", "list"),  # unsupported
        _cli("--db", f"{pg_url}&password={PASSWORD}", "db", "status"),  # libpq's ?password=
        _cli("--db", good, "db", "upgrade"),
        _cli("--db", good, "list"),
    ]
    for run in runs:
        assert PASSWORD not in run.stdout + run.stderr, run
        assert "Traceback" not in run.stderr, run.stderr
    assert [r.returncode for r in runs] == [2, 1, 2, 2, 2, 2, 1, 0, 0]
    assert "***" in runs[0].stderr and "did not accept" in runs[2].stderr


def test_opening_an_unreachable_server_says_so(pg_url):
    url = make_url(pg_url).set(host="127.0.0.1", port=1, query={}).render_as_string(hide_password=False)
    with pytest.raises(ServerUnavailableError, match="did not accept the connection"):
        open_store(url)


def test_the_workstation_opens_a_server_or_says_what_to_run(pg_url):
    """What the window is handed (store/safe_open.py): a refusal naming `db upgrade` for an old
    schema, without the password; a writable store once upgraded."""
    from digest_desk.store.safe_open import open_for_editing

    _at_older_schema(pg_url)
    refused = open_for_editing(_with_password(pg_url))
    assert refused.store is None and "db upgrade" in refused.message
    assert PASSWORD not in refused.message and refused.backups == []
    open_store(pg_url, upgrade=True).close()
    opened = open_for_editing(_with_password(pg_url))
    try:
        assert opened.writable and opened.store.is_server and PASSWORD not in opened.store.label
    finally:
        opened.store.close()


def test_the_windows_connections_give_up_on_stalls_and_the_clis_do_not(pg_url):
    """Every server connection probes a silent link within seconds (TCP keepalives and a user
    timeout); the window's own store also has short lock and statement limits, which the CLI
    (migrations, copies, long exports) does not get."""
    from sqlalchemy import text

    window, cli = open_store(pg_url, interactive=True), open_store(pg_url)
    try:
        for store in (window, cli):
            with store.engine.connect() as conn:
                params = conn.connection.driver_connection.info.get_parameters()
            assert (params["keepalives"], params["keepalives_idle"], params["keepalives_interval"],
                    params["keepalives_count"], params["tcp_user_timeout"]) == ("1", "5", "2", "3", "6000")

        def limits(store) -> tuple[str, str]:
            with store.connect() as conn:
                return (conn.execute(text("SHOW lock_timeout")).scalar(),
                        conn.execute(text("SHOW statement_timeout")).scalar())

        assert limits(window) == ("5s", "30s")
        assert limits(cli) == ("0", "0")
    finally:
        window.close()
        cli.close()
