"""Full-text search over title, summary and body (SQLite FTS5), ranked."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import text

from digest_desk.store.engine import Store

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class SearchHit:
    id: int
    title: str
    slug: str
    snippet: str
    rank: float


def to_match(query: str) -> str:
    """Turn what an editor types into a safe FTS5 query.

    Words are ANDed; ``"quoted words"`` stay a phrase; a trailing ``*`` on a word keeps
    prefix search. Everything else (FTS5 operators, punctuation) is treated as text.
    """
    parts: list[str] = []
    for phrase, word in re.findall(r'"([^"]*)"|(\S+)', query):
        if phrase:
            words = _WORD.findall(phrase)
            if words:
                parts.append('"' + " ".join(words) + '"')
            continue
        prefix = word.endswith("*")
        words = _WORD.findall(word)
        for i, w in enumerate(words):
            star = "*" if prefix and i == len(words) - 1 else ""
            parts.append(f'"{w}"{star}')
    return " ".join(parts)


def search(store: Store, query: str, limit: int = 20) -> list[SearchHit]:
    """Best matches first (bm25, title weighted over summary over body)."""
    match = to_match(query)
    if not match:
        return []
    sql = text(
        "SELECT a.id, a.title, a.slug, "
        "snippet(article_fts, 2, '[', ']', '…', 12), bm25(article_fts, 10.0, 4.0, 1.0) AS r "
        "FROM article_fts JOIN article a ON a.id = article_fts.rowid "
        "WHERE article_fts MATCH :m ORDER BY r LIMIT :n"
    )
    with store.read() as session:
        rows = session.execute(sql, {"m": match, "n": limit})
        return [SearchHit(*row) for row in rows]
