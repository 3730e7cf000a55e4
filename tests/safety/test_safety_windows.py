"""Two windows as two real processes on one database: different articles and the same article."""

from __future__ import annotations

import os
import time

from crash_tools import HERE, Child, integrity

from digest_desk.store import open_store
from digest_desk.store.articles import create_article, get_article, save_article
from digest_desk.store.drafts import pending_drafts
from digest_desk.store.locks import LockStatus, acquire, take_over

SECONDS = float(os.environ.get("DIGEST_DESK_TWO_WINDOWS_SECONDS", "10"))


def test_two_windows_on_different_articles_save_continuously(tmp_path):
    db = tmp_path / "shared.sqlite3"
    store = open_store(db)
    articles = [create_article(store, title=f"Window {i}", body="start") for i in range(2)]
    store.close()
    children = [Child([str(HERE / "child_saver.py"), str(db), str(a.id), "--duration",
                       str(SECONDS)]).start() for a in articles]
    for child in children:
        child.go()
    results = []
    for child in children:
        code, err = child.finish(timeout=SECONDS + 120)
        last = child.lines[-1] if child.lines else ""
        assert code == 0 and last.startswith("done"), f"{last} {err[-2000:]}"
        assert "locked" not in err.lower()
        results.append(int(last.split()[1]))
    store = open_store(db, create=False)
    for article, saves in zip(articles, results, strict=True):
        stored = get_article(store, article.id)
        assert saves > 10
        assert stored.version == 1 + saves  # every save persisted
        assert stored.body.endswith(f" save{saves}") and stored.body.count(" save") == saves
    assert pending_drafts(store) == []
    store.close()
    assert integrity(db) == "ok"
    print(f"\nsaves in {SECONDS:.0f} s: {results}")


def test_same_article_lock_take_over_and_stale_save_conflicts(tmp_path):
    db = tmp_path / "shared.sqlite3"
    store = open_store(db)
    article = create_article(store, title="Contested", body="original")
    child = Child([str(HERE / "child_lock_holder.py"), str(db), str(article.id)]).start()
    child.go()
    deadline = time.time() + 60
    while not any(line.startswith("locked") for line in child.lines):
        assert time.time() < deadline and child.proc.poll() is None, child.lines
        time.sleep(0.05)
    pid = int(next(x for x in child.lines if x.startswith("locked")).split()[1])
    seen = acquire(store, article.id, "second-window")
    assert seen.status is LockStatus.HELD and seen.pid == pid
    assert "being edited" in seen.describe()
    assert take_over(store, article.id, "second-window").ours
    mine = get_article(store, article.id)
    mine.body = "newer text written after taking over"
    save_article(store, mine)
    while "lost" not in child.lines:
        assert time.time() < deadline and child.proc.poll() is None, child.lines
        time.sleep(0.05)
    child.say("save")
    code, err = child.finish(timeout=60)
    assert code == 0, err
    assert child.lines[-2:] == ["lost", "conflict"]
    assert get_article(store, article.id).body == "newer text written after taking over"
    store.close()
