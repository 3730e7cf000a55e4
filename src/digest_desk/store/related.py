"""The full-text queries behind related-article suggestions (SQLite FTS5, or PostgreSQL's tsvector)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from digest_desk.store.engine import Store

_VOCAB = "temp.dd_article_vocab"


class RelatedIndex:
    """Named reads of the full-text index, inside one read transaction. The FTS5 spelling lives
    here only: another engine would answer the same five questions its own way."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def highest_id(self) -> int:
        """The highest article id: stands for the article count, and changes when one is added."""
        return self._conn.execute(text("SELECT max(id) FROM article")).scalar() or 0

    def stored_text(self, article_id: int) -> tuple[str, int] | None:
        """The indexed text (title, summary, body) of one article as stored, and its version;
        None when it is not stored. What is being typed may differ from it."""
        row = self._conn.execute(text(  # bound by SQLAlchemy: the same on both engines
            "SELECT coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(body, ''), "
            "version FROM article WHERE id = :id"), {"id": article_id}
        ).fetchone()
        return (row[0] or "", int(row[1])) if row is not None else None

    def sample_texts(self, size: int) -> list[str]:
        """Title and body of ``size`` articles picked at random."""
        rows = self._conn.execute(
            text("SELECT title || ' ' || body FROM article WHERE id IN "
                 "(SELECT id FROM article ORDER BY random() LIMIT :n)"),
            {"n": size},
        ).fetchall()
        return [row[0] for row in rows]

    def doc_frequencies(self, terms: list[str]) -> dict[str, int]:
        """How many articles contain each term (terms nobody uses are left out)."""
        self._conn.exec_driver_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {_VOCAB} USING fts5vocab(main, article_fts, row)"
        )
        marks = ",".join("?" * len(terms))
        rows = self._conn.exec_driver_sql(f"SELECT term, doc FROM {_VOCAB} WHERE term IN ({marks})", tuple(terms))
        return dict(rows.fetchall())

    def most_similar(self, chosen: list[tuple[str, float]], title_terms: int, limit: int) -> list[tuple]:
        """(id, title, slug, status, score) of the ``limit`` articles scoring highest: per
        article, the weights of the chosen terms it contains, the first ``title_terms`` counting
        again when in its title.

        Each term is its own FTS5 look-up returning row ids only, which is much cheaper than
        computing bm25 over every article matching any of the terms."""
        parts: list[str] = []
        params: list[Any] = []
        for rank, (term, weight) in enumerate(chosen):
            for column in ("", "title : ") if rank < title_terms else ("",):
                parts.append("SELECT rowid AS id, ? AS w FROM article_fts WHERE article_fts MATCH ?")
                params += [weight, f'{column}"{term}"']
        sql = (
            "SELECT s.id, a.title, a.slug, a.status, s.score FROM "
            "(SELECT id, sum(w) AS score FROM (" + " UNION ALL ".join(parts) + ") "
            "GROUP BY id ORDER BY score DESC, id DESC LIMIT ?) AS s "
            "JOIN article a ON a.id = s.id ORDER BY s.score DESC, s.id DESC"
        )
        return self._conn.exec_driver_sql(sql, (*params, limit)).fetchall()


# PostgreSQL: the weighted tsvector ``search`` of migration 0008 and its GIN index.
_PG_QUERY = "plainto_tsquery('digest_search', :t{n})"
_PG_FREQUENCIES = text(
    "SELECT t, count(a.id) FROM unnest(CAST(:terms AS text[])) AS t "
    "JOIN article a ON a.search @@ plainto_tsquery('digest_search', t) GROUP BY t"
)


class ServerRelatedIndex(RelatedIndex):
    """The same four answers from PostgreSQL: a term's documents come from the GIN index; a
    title match is the indexed match rechecked on the title alone."""

    def doc_frequencies(self, terms: list[str]) -> dict[str, int]:
        rows = self._conn.execute(_PG_FREQUENCIES, {"terms": list(terms)})
        return {term: count for term, count in rows.fetchall() if count}

    def most_similar(self, chosen: list[tuple[str, float]], title_terms: int, limit: int) -> list[tuple]:
        parts: list[str] = []
        params: dict[str, Any] = {"limit": limit}
        for rank, (term, weight) in enumerate(chosen):
            params[f"t{rank}"], params[f"w{rank}"] = term, float(weight)
            query = _PG_QUERY.format(n=rank)
            parts.append(f"SELECT id, :w{rank} AS w FROM article WHERE search @@ {query}")
            if rank < title_terms:
                parts.append(f"SELECT id, :w{rank} AS w FROM article WHERE search @@ {query} "
                             f"AND to_tsvector('digest_search', title) @@ {query}")
        sql = (
            "SELECT s.id, a.title, a.slug, a.status, s.score FROM "
            "(SELECT id, sum(w) AS score FROM (" + " UNION ALL ".join(parts) + ") AS m "
            "GROUP BY id ORDER BY score DESC, id DESC LIMIT :limit) AS s "
            "JOIN article a ON a.id = s.id ORDER BY s.score DESC, s.id DESC"
        )
        return self._conn.execute(text(sql), params).fetchall()


@contextmanager
def related_index(store: Store) -> Iterator[RelatedIndex]:
    with store.read() as session:
        connection = session.connection()
        server = connection.dialect.name == "postgresql"
        yield ServerRelatedIndex(connection) if server else RelatedIndex(connection)
