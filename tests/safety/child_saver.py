"""Child process: one "window" saving one article continuously (drafts, saves, lock heartbeats).

Usage: python child_saver.py DB ARTICLE_ID --duration SECONDS
Prints "ready", waits for "go", then "done SAVES DRAFTS" or "error MESSAGE" (exit status 1).
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid

from digest_desk.store import open_store
from digest_desk.store.articles import get_article, save_article
from digest_desk.store.drafts import DraftKeeper
from digest_desk.store.locks import acquire, heartbeat, release


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("db")
    p.add_argument("article", type=int)
    p.add_argument("--duration", type=float, default=60.0)
    args = p.parse_args(argv)
    store = open_store(args.db, create=False)
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return 0
    print("typing", flush=True)
    holder = uuid.uuid4().hex
    keeper = DraftKeeper(store, holder)
    saves = drafts = 0
    try:
        assert acquire(store, args.article, holder).ours
        article = get_article(store, args.article)
        end = time.time() + args.duration
        while time.time() < end:
            article.body += f" save{saves + 1}"
            keeper.write(article.id, {"body": article.body}, base_version=article.version)
            drafts += 1
            article = save_article(store, article, reason="autosave" if saves % 10 == 0 else None)
            keeper.clear(article.id)
            saves += 1
            if saves % 20 == 0:
                assert heartbeat(store, article.id, holder), "lost the edit lock"
        release(store, article.id, holder)
    except Exception as exc:  # any failure reaching the "user" is what the test looks for
        print(f"error {type(exc).__name__}: {exc}", flush=True)
        return 1
    print(f"done {saves} {drafts}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
