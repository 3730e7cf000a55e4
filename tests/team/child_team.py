"""Child process: one editor on a shared database, driven line by line from stdin.

Usage: python child_team.py DB NAME
Commands (one per line), each answered by one line:
  load ID          -> "loaded VERSION"  (reads the article, as a window opens it)
  save TEXT        -> "won VERSION" | "conflict KEPT" (the conflict flow: keep both texts)
  create SLUG      -> "created ID" | "duplicate MESSAGE" | "error TYPE MESSAGE"
  rename ID SLUG   -> "renamed SLUG" | "duplicate MESSAGE" | "error TYPE MESSAGE"
  quit
"""

from __future__ import annotations

import sys

from digest_desk.store import ConflictError, open_store
from digest_desk.store.articles import create_article, get_article, save_article
from digest_desk.store.conflicts import keep_both, load_theirs
from digest_desk.store.errors import DuplicateSlugError


def _answer(text: str) -> None:
    print(text, flush=True)


def main(argv: list[str]) -> int:
    store = open_store(argv[0], create=False)
    name = argv[1]
    copy = None
    _answer("ready")
    for line in sys.stdin:
        command, _, rest = line.rstrip("\n").partition(" ")
        try:
            if command == "load":
                copy = get_article(store, int(rest))
                _answer(f"loaded {copy.version}")
            elif command == "save":
                copy.body = rest
                try:
                    _answer(f"won {save_article(store, copy, reason='save').version}")
                except ConflictError:
                    kept = keep_both(store, load_theirs(store, copy))  # the dialog's "keep both"
                    _answer(f"conflict {kept}")
            elif command == "create":
                _answer(f"created {create_article(store, title=f'{name} story', slug=rest).id}")
            elif command == "rename":
                article_id, slug = rest.split(" ", 1)
                article = get_article(store, int(article_id))
                _answer(f"renamed {save_article(store, article, slug=slug).slug}")
            elif command == "quit":
                break
        except DuplicateSlugError as exc:
            _answer(f"duplicate {exc}")
        except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
            _answer(f"error {type(exc).__name__} {' '.join(str(exc).split())[:300]}")
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
