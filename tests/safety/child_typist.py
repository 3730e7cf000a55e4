"""Child process for the crash harness: types into an article through the real draft/save path.

Usage: python child_typist.py DB SESSION ARTICLE_ID|new SEED [--save-every S] [--create-after S]
Prints "ready" once started, waits for "go" on stdin, prints "typing", then one line "N T" per typed character (N typed so far, T = time.time()),
"saved N" after each article save and "created ID" when a new article is first saved.
"""

from __future__ import annotations

import argparse
import random
import sys
import time

from digest_desk.store import open_store
from digest_desk.store.articles import create_article, get_article, save_article
from digest_desk.store.drafts import DraftKeeper, DraftTimer

ALPHABET = "abcdefghijklmnopqrstuvwxyz .,\n"


def typed_chars(seed: int, count: int) -> str:
    """The characters a child with ``seed`` types, in order (the parent regenerates them)."""
    rng = random.Random(seed)
    return "".join(rng.choice(ALPHABET) for _ in range(count))


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("db")
    p.add_argument("session")
    p.add_argument("article")
    p.add_argument("seed", type=int)
    p.add_argument("--save-every", type=float, default=1.7)
    p.add_argument("--create-after", type=float, default=0.0, help="0: never save a new article")
    p.add_argument("--interval", type=float, default=0.01)
    args = p.parse_args(argv)

    store = open_store(args.db, create=False)
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":  # the parent starts us early and says when to type
        return 0
    keeper = DraftKeeper(store, args.session)
    timer = DraftTimer()
    article = None if args.article == "new" else get_article(store, int(args.article))
    title = article.title if article else f"New article {args.session}"
    body = article.body if article else ""
    rng = random.Random(args.seed)
    started = last_save = time.time()
    print("typing", flush=True)
    n = 0
    while True:
        body += rng.choice(ALPHABET)
        n += 1
        now = time.time()
        print(f"{n} {now:.4f}", flush=True)
        timer.changed(now)
        if timer.due(now):
            keeper.write(article.id if article else None, {"title": title, "body": body},
                         base_version=article.version if article else None)
            timer.written()
        if article is None and args.create_after and now - started >= args.create_after:
            took = _utc()
            article = create_article(store, title=title, body=body)
            keeper.clear(None, written_before=took)
            print(f"created {article.id}", flush=True)
            last_save = now
        elif article is not None and now - last_save >= args.save_every:
            took = _utc()
            article.body = body
            article = save_article(store, article)
            keeper.clear(article.id, written_before=took)
            print(f"saved {n}", flush=True)
            last_save = now
        time.sleep(args.interval)


def _utc():
    from datetime import UTC, datetime

    return datetime.now(UTC)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
