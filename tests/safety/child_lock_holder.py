"""Child process: a window holding an article's edit lock, then trying to save its stale copy.

Usage: python child_lock_holder.py DB ARTICLE_ID
Prints "ready", waits for "go", acquires the lock ("locked PID"), heartbeats every 0.2 s until it
loses the lock ("lost"), then on "save" saves its stale text: prints "conflict" or "saved" and exits.
"""

from __future__ import annotations

import os
import sys
import time
import uuid

from digest_desk.store import ConflictError, open_store
from digest_desk.store.articles import get_article
from digest_desk.store.locks import acquire, heartbeat
from digest_desk.store.saving import save_edits


def main(argv: list[str]) -> int:
    store = open_store(argv[0], create=False)
    article_id = int(argv[1])
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return 0
    print("typing", flush=True)
    holder = uuid.uuid4().hex
    state = acquire(store, article_id, holder)
    article = get_article(store, article_id)  # loaded before the other window may save
    article.body = "text from the window that lost the lock"
    print(f"locked {os.getpid()}" if state.ours else "held", flush=True)
    deadline = time.time() + 60
    while heartbeat(store, article_id, holder):
        if time.time() > deadline:
            return 1
        time.sleep(0.2)
    print("lost", flush=True)
    if sys.stdin.readline().strip() != "save":  # the window wakes up and autosaves
        return 1
    try:
        save_edits(store, article, slug=None, reason=None)
    except ConflictError:
        print("conflict", flush=True)
    else:
        print("saved", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
