"""Two real processes writing one database at once: every write lands, none sees "locked"."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from digest_desk.store.articles import count_articles, create_article, get_article

SRC = Path(__file__).resolve().parents[3] / "src"
ROUNDS = 25

WORKER = """
import sys, time
from pathlib import Path
from digest_desk.domain import Article
from digest_desk.store import open_store
from digest_desk.store.articles import create_article

db, counter_id, name, go, rounds = sys.argv[1], int(sys.argv[2]), sys.argv[3], Path(sys.argv[4]), int(sys.argv[5])
store = open_store(db)
while not go.exists():
    time.sleep(0.005)
for i in range(rounds):
    with store.write() as session:  # read, then write, in one transaction
        counter = session.get(Article, counter_id)
        counter.body = str(int(counter.body) + 1)
        session.add(counter)
    create_article(store, title=f"{name} {i}", body="written concurrently")
store.close()
"""


def test_two_processes_write_at_once_without_losing_anything(store, db_path, tmp_path):
    counter = create_article(store, title="Counter", body="0")
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(db_path), str(counter.id), name, str(go), str(ROUNDS)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for name in ("alpha", "beta")
    ]
    time.sleep(1.0)  # let both open the database before they start together
    go.touch()
    for worker in workers:
        _out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        assert "locked" not in err
    assert get_article(store, counter.id).body == str(2 * ROUNDS)
    assert count_articles(store) == 1 + 2 * ROUNDS
