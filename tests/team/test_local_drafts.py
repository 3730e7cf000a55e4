"""Drafts of a team-server database stay on this computer: a private per-user file, never the server."""

from __future__ import annotations

import stat

from sqlalchemy import text

from digest_desk.store import open_store
from digest_desk.store.articles import create_article, get_article
from digest_desk.store.drafts import DraftKeeper


def _server_drafts(store) -> int:
    with store.read() as session:
        return session.execute(text("SELECT count(*) FROM draft")).scalar_one()


def test_drafts_of_a_server_database_live_in_a_private_local_file(pg_url, tmp_path):
    store = open_store(pg_url)
    try:
        article = create_article(store, title="Budget", body="Saved text.")
        crashed = DraftKeeper(store, "crashed-window", drafts_folder=tmp_path / "drafts")
        crashed.write(article.id, {"title": "Budget", "body": "Saved text. Typed, never saved."},
                      base_version=article.version)
        path = crashed.drafts.path
        assert path is not None and path.parent == tmp_path / "drafts"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert "@" not in path.name and "postgres" not in path.name  # no server address in names
        assert _server_drafts(store) == 0  # nothing on the server
        crashed.close()

        reopened = DraftKeeper(store, "next-start", drafts_folder=tmp_path / "drafts")
        [draft] = reopened.pending()
        assert draft.article_id == article.id and draft.newer
        recovered = reopened.apply(draft)
        assert get_article(store, article.id).body == "Saved text. Typed, never saved."
        assert recovered.version == article.version + 1
        assert reopened.pending() == []
        reopened.close()
    finally:
        store.close()


def test_each_server_database_has_its_own_drafts_file(pg_url, pg_base_url, tmp_path):
    from tests import pg_server

    other_url = pg_server.create_database(pg_base_url)
    first, second = open_store(pg_url), open_store(other_url)
    try:
        one = DraftKeeper(first, drafts_folder=tmp_path)
        two = DraftKeeper(second, drafts_folder=tmp_path)
        assert one.drafts.path != two.drafts.path
        one.close()
        two.close()
    finally:
        first.close()
        second.close()
        pg_server.drop_database(pg_base_url, other_url)


def test_a_local_file_keeps_its_drafts_inside_itself(tmp_path):
    store = open_store(tmp_path / "desk.sqlite3")
    try:
        keeper = DraftKeeper(store)
        assert keeper.drafts is store
    finally:
        store.close()
