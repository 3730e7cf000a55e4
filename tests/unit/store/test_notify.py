"""Change notifications on a real PostgreSQL server: every writer notifies (ids only), the listener
parses them, skips bad payloads and listens again after a server restart; SQLite has none."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from digest_desk.identity import default_display_name
from digest_desk.store import open_store
from digest_desk.store.articles import create_article, delete_article, get_article, save_article
from digest_desk.store.media import add_image
from digest_desk.store.notify import (
    CHANNEL,
    Change,
    Listener,
    ListenerLost,
    article_state,
    parse,
    server_connector,
)
from digest_desk.store.site import update_site
from tests import pg_server
from tests.pg_server import start_restartable

SRC = Path(__file__).resolve().parents[3] / "src"


def png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 3), "red").save(out, "PNG")
    return out.getvalue()


def wait_for(listener: Listener, count: int, timeout: float = 5.0) -> list[Change]:
    """Changes read as the socket becomes readable, until ``count`` arrived (or the timeout)."""
    got: list[Change] = []
    while len(got) < count:
        ready, _w, _x = select.select([listener.fileno()], [], [], timeout)
        if not ready:
            break
        got += listener.drain()
    return got


@pytest.fixture
def server(pg_url):
    store = open_store(pg_url)
    listener = Listener(server_connector(store))
    listener.reconnect()
    yield store, listener
    listener.close()
    store.close()


def test_every_article_write_notifies_with_ids_only(server):
    store, listener = server
    article = create_article(store, title="Secret headline", body="Confidential body")
    copy = get_article(store, article.id)
    copy.body = "Changed body"
    saved = save_article(store, copy, reason="save")
    copy = get_article(store, article.id)
    copy.status = "published"
    save_article(store, copy, reason="save")
    delete_article(store, article.id)
    changes = wait_for(listener, 5)
    # A save claims the next version and then writes the fields: the two identical payloads of
    # one transaction fold into one; publishing makes the second payload say so.
    assert {(c.kind, c.id) for c in changes} == {("article", article.id)}
    assert [(c.op, c.version) for c in changes] == [
        ("insert", 1), ("update", saved.version), ("update", saved.version + 1),
        ("publish", saved.version + 1), ("delete", None)]
    with store.connect() as conn:  # the role that wrote it (postgres here, digest_test in CI)
        role = conn.exec_driver_sql("SELECT current_user").scalar()
    assert changes[0].user == role


def test_payload_carries_no_content(server):
    store, listener = server
    create_article(store, title="Secret headline", body="Confidential body")
    with store.engine.connect() as conn:  # read the raw payload as any other listener would
        conn.exec_driver_sql(f"LISTEN {CHANNEL}")
        conn.commit()
        create_article(store, title="Another secret", body="More confidential text")
        conn.exec_driver_sql("SELECT 1")
        raw = [n.payload for n in conn.connection.driver_connection.notifies(timeout=1, stop_after=1)]
    assert raw and "secret" not in raw[0].lower() and "confidential" not in raw[0].lower()
    assert len(raw[0]) < 120


def test_site_and_media_changes_notify(server):
    store, listener = server
    update_site(store, name="Team Digest")
    image = add_image(store, png(), name="dot.png")
    changes = wait_for(listener, 3)  # the site row is made on first use, then updated
    assert ("site", "update") in [(c.kind, c.op) for c in changes]
    assert ("media", image.id, "insert") in [(c.kind, c.id, c.op) for c in changes]


def test_cli_in_another_process_notifies(server, pg_url, tmp_path):
    store, listener = server
    article = create_article(store, title="From the desk", body="Text")
    wait_for(listener, 1)
    env = {**os.environ, "PYTHONPATH": str(SRC), "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    env.pop("DIGEST_DESK_DB", None)
    done = subprocess.run([sys.executable, "-m", "digest_desk", "--db", pg_url, "set", article.slug,
                           "status", "published"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    changes = wait_for(listener, 1)
    assert [(c.id, c.op) for c in changes] == [(article.id, "publish")]
    version, name = article_state(store, article.id)
    assert changes[0].version == version == 2
    assert name == default_display_name()  # the CLI's revision names its editor (no settings file)


def test_bad_payloads_are_skipped(server):
    store, listener = server
    with store.engine.begin() as conn:
        for payload in ("not json", "[1, 2]", '{"t": "article", "id": "7", "op": "update"}',
                        '{"t": "nope", "id": 1, "op": "update"}', '{"t": "article", "id": 3, "op": "x"}',
                        '{"t": "article", "id": 3, "op": "update", "v": 4}'):
            conn.execute(text("SELECT pg_notify(:c, :p)"), {"c": CHANNEL, "p": payload})
    assert wait_for(listener, 1) == [Change("article", 3, "update", 4, "")]


def test_parse_rejects_what_our_triggers_never_send():
    assert parse('{"t": "article", "id": true, "op": "update"}') is None
    assert parse('{"t": "article", "id": 1, "op": "update", "v": "2"}') is None
    assert parse("\x00") is None
    assert parse('{"t": "site", "id": 1, "op": "update", "u": 5}') == Change("site", 1, "update", None, "")


def test_sqlite_has_no_triggers(tmp_path):
    store = open_store(tmp_path / "local.sqlite3")
    try:
        with store.connect() as conn:
            names = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars().all()
        assert not [n for n in names if n.endswith("_notify")]
        with pytest.raises(Exception, match="team server"):
            server_connector(store)
    finally:
        store.close()


def _notify_triggers(store) -> list[str]:
    with store.connect() as conn:
        return sorted(conn.execute(text(
            "SELECT tgname FROM pg_trigger WHERE tgname LIKE :pattern"), {"pattern": "%\\_notify"}).scalars())


def test_migration_downgrade_removes_the_triggers(pg_url):
    from alembic import command

    from digest_desk.store import migrations

    store = open_store(pg_url)
    try:
        assert _notify_triggers(store) == ["article_notify", "image_notify", "site_notify"]
        # found by what it does, not by its id (revision ids may be renumbered when merged)
        ours = next(r for r in migrations.script().walk_revisions()
                    if getattr(r.module, "FUNCTION", None) == "digest_desk_notify")
        cfg = migrations.config(store.engine)
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, ours.down_revision)
        assert _notify_triggers(store) == []
    finally:
        store.close()


def test_listener_survives_a_server_restart():
    cluster, url = start_restartable()
    store = open_store(url)
    listener = Listener(server_connector(store))
    try:
        listener.reconnect()
        create_article(store, title="Before", body="x")
        assert [c.op for c in wait_for(listener, 1)] == ["insert"]
        cluster.halt()
        with pytest.raises(ListenerLost):
            for _ in range(5):  # a last message may come before the end of the stream
                select.select([listener.fileno()], [], [], 5)
                listener.drain()
        assert not listener.connected
        with pytest.raises(ListenerLost):
            listener.reconnect()  # the server is still down
        cluster.resume()
        listener.reconnect()
        after = create_article(store, title="After", body="y")
        assert [(c.id, c.op) for c in wait_for(listener, 1)] == [(after.id, "insert")]
    finally:
        listener.close()
        store.close()
        cluster.stop()


def test_notifications_reach_only_their_database(pg_base_url, server):
    store, listener = server
    other_url = pg_server.create_database(pg_base_url)
    other = open_store(other_url)
    try:
        create_article(other, title="Elsewhere", body="x")
        assert wait_for(listener, 1, timeout=0.5) == []
    finally:
        other.close()
        pg_server.drop_database(pg_base_url, other_url)
