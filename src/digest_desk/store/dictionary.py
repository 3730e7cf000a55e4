"""The site dictionary: words the team accepts as spelled right, shared through the database."""

from __future__ import annotations

from sqlalchemy import text

from digest_desk.domain.types import utcnow
from digest_desk.store.engine import Store
from digest_desk.store.errors import StoreError

MAX_WORD_CHARS = 100


class DictionaryWordError(StoreError, ValueError):
    """A word that cannot go into the site dictionary; nothing was saved."""


def _clean(word: str) -> str:
    word = word.strip()
    if not word or len(word) > MAX_WORD_CHARS or any(ch.isspace() for ch in word):
        raise DictionaryWordError(
            f"A site dictionary entry is one word of at most {MAX_WORD_CHARS} characters.")
    return word


def site_words(store: Store) -> frozenset[str]:
    """Every word of the site dictionary."""
    with store.read() as session:
        rows = session.execute(text("SELECT word FROM site_word")).all()
    return frozenset(row[0] for row in rows)


def add_site_word(store: Store, word: str) -> str:
    """Accept ``word`` for the whole site (adding it twice is harmless); returns it as stored."""
    word = _clean(word)
    with store.write() as session:
        session.execute(text("INSERT INTO site_word (word, added_at) VALUES (:word, :at) "
                             "ON CONFLICT (word) DO NOTHING"),
                        {"word": word, "at": utcnow().isoformat()})
    return word


def remove_site_word(store: Store, word: str) -> bool:
    """Take ``word`` out of the site dictionary; False when it was not in it."""
    with store.write() as session:
        result = session.execute(text("DELETE FROM site_word WHERE word = :word"),
                                 {"word": word.strip()})
    return bool(result.rowcount)
