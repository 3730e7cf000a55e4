"""Suggested related articles: an OR query of an article's most distinctive terms, ranked by FTS5."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
TITLE_BOOST = 3.0
TAG_BOOST = 3.0
CANDIDATES = 40  # body terms whose document frequency is looked up
QUERY_TERMS = 12  # terms in the final OR query
STOPWORDS = frozenset(
    """a about after all also an and are as at be been but by can could did do does for from had
    has have he her his how i if in into is it its just more most my new no not of on one or our
    out over she so some than that the their them then there these they this to up was we were
    what when which who will with would you your""".split()
)
_VOCAB = "temp.dd_article_vocab"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An article worth linking to, with its similarity score (higher is closer)."""

    article_id: int
    title: str
    slug: str
    status: str
    score: float


def fold(word: str) -> str:
    """A word as the FTS5 unicode61 tokenizer indexes it (lower case, no diacritics)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def terms(text_: str) -> list[str]:
    return [t for t in (fold(w) for w in _TOKEN.findall(text_)) if len(t) > 1 and t not in STOPWORDS]


def weighted_terms(title: str, tags: Iterable[str], body: str) -> Counter[str]:
    """Term weights before idf: title words and tags count several times over body words."""
    weights: Counter[str] = Counter()
    for term in terms(body):
        weights[term] += 1.0
    for term in terms(title):
        weights[term] += TITLE_BOOST
    for tag in tags:
        for term in terms(tag):
            weights[term] += TAG_BOOST
    return weights


def _ensure_vocab(connection: Any) -> None:
    connection.exec_driver_sql(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {_VOCAB} USING fts5vocab(main, article_fts, row)"
    )


def _doc_frequencies(connection: Any, candidates: list[str]) -> dict[str, int]:
    marks = ",".join("?" * len(candidates))
    rows = connection.exec_driver_sql(
        f"SELECT term, doc FROM {_VOCAB} WHERE term IN ({marks})", tuple(candidates)
    )
    return dict(rows.fetchall())


def distinctive_terms(
    connection: Any, weights: Counter[str], total_docs: int, self_indexed: bool
) -> list[str]:
    """The QUERY_TERMS terms with the highest weight x idf that other articles contain."""
    candidates = [t for t, _ in weights.most_common(CANDIDATES)]
    if not candidates:
        return []
    _ensure_vocab(connection)
    df = _doc_frequencies(connection, candidates)
    own = 1 if self_indexed else 0
    scored = []
    for term in candidates:
        others = df.get(term, 0) - own
        if others <= 0:
            continue  # nobody else uses the word: it cannot find a related article
        idf = math.log(1 + total_docs / others)
        scored.append((weights[term] * idf, term))
    scored.sort(reverse=True)
    return [term for _, term in scored[:QUERY_TERMS]]


def suggest_related(
    store: Any,
    article: Any,
    limit: int = 10,
    exclude: Iterable[int] = (),
    links: Iterable[Any] | None = None,
) -> list[Suggestion]:
    """Up to ``limit`` articles most similar to ``article`` (its current, maybe unsaved, text).

    Leaves out the article itself, articles it already links to (``links`` when given, as
    Link rows or dicts, else ``article.links``) and ids in ``exclude``.
    """
    weights = weighted_terms(article.title or "", article.tags or [], article.body or "")
    skip = {int(i) for i in exclude}
    current = article.links if links is None else links
    skip |= {int(_target(link)) for link in current or [] if _target(link)}
    if article.id is not None:
        skip.add(int(article.id))
    with store.read() as session:
        connection = session.connection()
        total = connection.exec_driver_sql("SELECT max(rowid) FROM article").scalar() or 0
        chosen = distinctive_terms(connection, weights, total, article.id is not None)
        if not chosen:
            return []
        match = " OR ".join(f'"{t}"' for t in chosen)
        rows = connection.exec_driver_sql(
            "SELECT a.id, a.title, a.slug, a.status, bm25(article_fts, 10.0, 4.0, 1.0) AS r "
            "FROM article_fts JOIN article a ON a.id = article_fts.rowid "
            "WHERE article_fts MATCH ? ORDER BY r LIMIT ?",
            (match, limit + len(skip)),
        ).fetchall()
    hits = [Suggestion(r[0], r[1], r[2], str(r[3]), -float(r[4])) for r in rows if r[0] not in skip]
    return hits[:limit]


def _target(link: Any) -> int | None:
    return link.get("target_article_id") if isinstance(link, dict) else getattr(link, "target_article_id", None)


