"""Child process for the lock race: waits for a start time, then tries to take each article's lock.

Usage: python lock_racer.py DB HOLDER START_AT ID [ID...]
Prints "<id> ours|held" per article, then "done", and keeps running (holding its locks) until its
stdin closes, so no winner looks like a crashed process to a slower racer.
"""

from __future__ import annotations

import sys
import time

from digest_desk.store import open_store
from digest_desk.store.locks import acquire


def main(argv: list[str]) -> int:
    store = open_store(argv[0], create=False)
    holder, start_at, ids = argv[1], float(argv[2]), [int(a) for a in argv[3:]]
    while time.time() < start_at:  # every racer starts at the same moment
        time.sleep(0.001)
    for article_id in ids:
        state = acquire(store, article_id, holder, editor=holder)
        print(f"{article_id} {'ours' if state.ours else 'held'}", flush=True)
    print("done", flush=True)
    sys.stdin.read()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
