"""Full-text search over title, summary and body (SQLite FTS5 or a PostgreSQL tsvector), ranked."""

from __future__ import annotations

import bisect
import itertools
import operator
import re
import sqlite3
import time
import unicodedata
import weakref
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, OperationalError

from digest_desk.store.engine import Store
from digest_desk.store.errors import StoreError

RECENT_WINDOW = 1000
_TOKEN = re.compile(r"[^\W_]+")  # what FTS5's unicode61 tokenizer keeps: letters and digits


class SearchError(StoreError):
    """A query the full-text index cannot run."""


@dataclass(frozen=True, slots=True)
class SearchHit:
    id: int
    title: str
    slug: str
    snippet: str
    rank: float  # lower is better (bm25 convention)


@dataclass(frozen=True, slots=True)
class Term:
    """One part of a query: a word or a phrase, the last word maybe a prefix; ``excluded`` when
    typed with a leading minus (``-word``, ``-"a phrase"``): matches must not contain it."""

    words: tuple[str, ...]
    prefix: bool = False
    excluded: bool = False

    def fts(self) -> str:
        return '"' + " ".join(self.words) + '"' + ("*" if self.prefix else "")

    def tsquery(self) -> str:
        """The term for PostgreSQL's to_tsquery: words in order (``<->``), the last maybe a prefix.
        Words hold only letters and digits, so quoting them is enough."""
        quoted = [f"'{w}'" for w in self.words]
        if self.prefix:
            quoted[-1] += ":*"
        return "(" + " <-> ".join(quoted) + ")"


MAX_TERMS = 32  # a pasted paragraph searches for its first words, not thousands
MAX_WORD = 100  # characters of one word kept (no real word is longer)


def parse(query: str) -> list[Term]:
    """What an editor types, as terms: ``"quoted words"`` stay a phrase, ``word*`` a prefix,
    ``-word`` or ``-"quoted words"`` exclude.

    FTS5 and tsquery operators and punctuation are treated as plain text, so no input can break
    a query.
    """
    terms: list[Term] = []
    for minus, phrase, word in re.findall(r'(-?)"([^"]*)"?|(\S+)', query):
        excluded = bool(minus) or (bool(word) and word.startswith("-"))
        # A word that folds to no letter or digit ("ͺ", a lone half-width mark) matches nothing.
        words = tuple(w[:MAX_WORD] for w in _TOKEN.findall(phrase or word) if _TOKEN.search(_fold(w)))
        if words:
            terms.append(Term(words, prefix=bool(word) and word.endswith("*"), excluded=excluded))
        if len(terms) >= MAX_TERMS:
            break
    return terms


def _wanted(terms: list[Term]) -> list[Term]:
    return [t for t in terms if not t.excluded]


def fts_expression(terms: list[Term]) -> str:
    """The FTS5 MATCH expression: every wanted term, none of the excluded ones ("" when nothing
    is wanted: a query of exclusions alone finds nothing)."""
    wanted = " ".join(t.fts() for t in _wanted(terms))
    if not wanted:
        return ""
    unwanted = [t.fts() for t in terms if t.excluded]
    return f"({wanted}) NOT ({' OR '.join(unwanted)})" if unwanted else wanted


def ts_expression(terms: list[Term]) -> str:
    """The same for PostgreSQL's to_tsquery."""
    wanted = " & ".join(t.tsquery() for t in _wanted(terms))
    if not wanted:
        return ""
    unwanted = [t.tsquery() for t in terms if t.excluded]
    return f"({wanted}) & !({' | '.join(unwanted)})" if unwanted else wanted


def to_match(query: str) -> str:
    """A safe FTS5 MATCH expression for ``query`` (empty when it holds no words)."""
    return fts_expression(parse(query))


def _fold(text_: str) -> str:
    """Text as the index compares it: case folded, diacritics removed (character by character,
    so texts joined by a NUL fold to their folded forms joined by it)."""
    if text_.isascii():
        return text_.lower()
    decomposed = unicodedata.normalize("NFKD", text_.casefold())
    if decomposed.isascii():
        return decomposed
    # A few distinct marks, removed whole (str.translate looks up every character), found
    # among the other than ASCII characters (the UTF-8 bytes left when ASCII's are deleted).
    others = decomposed.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
    for mark in [ch for ch in set(others.decode("utf-8", "surrogatepass")) if unicodedata.combining(ch)]:
        decomposed = decomposed.replace(mark, "")
    return decomposed


_ASCII_BYTES = bytes(range(128))


class _Matcher:
    """Finds every term of a query in a title or summary, token by token, like the index."""

    def __init__(self, terms: list[Term]) -> None:
        self.needles: list[str] = []
        self.patterns: list[re.Pattern[str]] = []
        for term in terms:
            words = [w for t in term.words for w in _TOKEN.findall(_fold(t))]
            self.needles.append(words[0])
            escaped = [re.escape(w) for w in words]
            # The first word, then a look back for a letter before it (the same as looking
            # first, but a pattern that starts with letters is looked for much faster).
            escaped[0] += rf"(?<![^\W_]{escaped[0]})"
            end = r"[^\W_]*" if term.prefix else r"(?![^\W_])"
            self.patterns.append(re.compile(r"[\W_]+".join(escaped) + end))

    def spans(self, folded: str) -> list[tuple[int, int]]:
        return sorted(m.span() for p in self.patterns for m in p.finditer(folded))

    def rows(self, values: list[str]) -> set[int]:
        """The positions in ``values`` of the texts holding every term.

        The texts are folded as one, a line each, where each term's first word is looked for
        (a fast substring search): the pattern is tried only on the lines holding it.
        """
        folded, starts = _lines(values)
        found: set[int] | None = None
        for needle, pattern in zip(self.needles, self.patterns, strict=True):
            lines = _lines_with(needle, pattern, folded, starts)
            found = lines if found is None else found & lines
            if not found:
                return set()
        return found or set()


_LINE = "\x00"  # between texts searched together: no letter, and kept by folding


def _lines(values: list[str]) -> tuple[str, list[int]]:
    """``values`` folded, one per line, and where each line starts (then the end + 1)."""
    joined = _LINE.join(values)
    if joined.count(_LINE) >= len(values):  # a NUL in a text separates words as a space does
        values = [v.replace(_LINE, " ") for v in values]
        joined = _LINE.join(values)
    if joined.isascii():  # folding is lower case, keeping every length
        folded, parts = joined.lower(), values
    else:
        # Only ASCII letters lowered (fast on bytes): right for the ASCII texts, the most.
        parts = joined.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass").split(_LINE)
        others = list(itertools.compress(range(len(values)), map(operator.not_, map(str.isascii, values))))
        for n, part in zip(others, _fold(_LINE.join(values[n] for n in others)).split(_LINE), strict=True):
            parts[n] = part
        folded = _LINE.join(parts)
    return folded, [0, *itertools.accumulate(map((1).__add__, map(len, parts)))]


def _lines_with(needle: str, pattern: re.Pattern[str], folded: str, starts: list[int]) -> set[int]:
    """The lines of ``folded`` (starting at ``starts``) where ``pattern`` matches, each line on
    its own (a match never runs into the next line)."""
    found: set[int] = set()
    at = folded.find(needle)
    while at >= 0:
        line = bisect.bisect_right(starts, at) - 1
        end = starts[line + 1] - 1
        if pattern.search(folded, starts[line], end):
            found.add(line)
        at = folded.find(needle, end + 1)
    return found


def _newest(raw: sqlite3.Connection, match: str, window: int) -> list[int]:
    sql = "SELECT rowid FROM article_fts WHERE article_fts MATCH ? ORDER BY rowid DESC LIMIT ?"
    return [row[0] for row in raw.execute(sql, (match, window)).fetchall()]


def _by_bm25(conn: Connection, match: str, limit: int) -> list[tuple[int, float]]:
    sql = text("SELECT rowid, rank FROM article_fts WHERE article_fts MATCH :m ORDER BY rank LIMIT :n")
    return [(row[0], row[1]) for row in conn.execute(sql, {"m": match, "n": limit})]


def _by_tiers(
    raw: sqlite3.Connection, terms: list[Term], ids: list[int], limit: int
) -> list[tuple[int, float]]:
    """``_tiers`` of the articles ``ids`` (read newest first)."""
    marks = ", ".join(str(int(i)) for i in ids)
    cursor = raw.execute(f"SELECT id, title, summary FROM article WHERE id IN ({marks}) ORDER BY id DESC")
    try:
        return _tiers(cursor.fetchall(), terms, limit)
    finally:
        cursor.close()


def _tiers(
    rows: list[tuple[int, str, str]], terms: list[Term], limit: int
) -> list[tuple[int, float]]:
    """Title hits, then summary hits, then the rest; newest first in each (score -3, -2, -1).

    ``rows`` (id, title, summary) come newest first.
    """
    matches = _Matcher(terms)
    titled = matches.rows([row[1] for row in rows])
    others = [row for n, row in enumerate(rows) if n not in titled]
    summed = matches.rows([row[2] for row in others]) if len(titled) < limit else set()
    tiers = (
        [row[0] for n, row in enumerate(rows) if n in titled],
        [row[0] for n, row in enumerate(others) if n in summed],
        [row[0] for n, row in enumerate(others) if n not in summed],
    )
    ranked = [(i, -3.0 + n) for n, tier in enumerate(tiers) for i in tier[:limit]]
    return ranked[:limit]


def _details(conn: Connection, match: str, ids: list[int]) -> dict[int, tuple[str, str, str]]:
    """Title, slug and snippet of the chosen rows in one pass over their rowid range.

    ``+rowid IN (...)`` is filtered by SQLite, not handed to FTS5, which would run the whole
    query again for every listed rowid (costly for prefix queries).
    """
    marks = ", ".join(str(int(i)) for i in ids)
    sql = text(
        "SELECT a.id, a.title, a.slug, snippet(article_fts, 2, '[', ']', '…', 12) "
        "FROM article_fts JOIN article a ON a.id = article_fts.rowid "
        "WHERE article_fts MATCH :m AND article_fts.rowid BETWEEN :lo AND :hi "
        f"AND +article_fts.rowid IN ({marks})"
    )
    rows = conn.execute(sql, {"m": match, "lo": min(ids), "hi": max(ids)})
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def _folded_with_map(value: str) -> tuple[str, list[int] | None]:
    """Folded text and, for each of its characters, the index of the original character.

    The map is None for ASCII text, where both are the same.
    """
    if value.isascii():
        return value.lower(), None
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(value):
        for part in _fold(ch):
            chars.append(part)
            where.append(i)
    return "".join(chars), where


def snippet(body: str, matches: _Matcher, words: int = 12) -> str:
    """About ``words`` words of ``body`` around the first hit, hits in [brackets] (like FTS5)."""
    folded, where = _folded_with_map(body)
    spans = matches.spans(folded)
    if where is not None:
        spans = [(where[a], where[b - 1] + 1) for a, b in spans if b > a]
    tokens = [m.span() for m in _TOKEN.finditer(body)]
    if not tokens:
        return ""
    first = next((n for n, (a, _b) in enumerate(tokens) if spans and a >= spans[0][0]), 0)
    lo = max(0, first - words // 3)
    hi = min(len(tokens), lo + words)
    start, end = tokens[lo][0], tokens[hi - 1][1]
    out, pos = [], start
    for a, b in spans:
        if a >= start and b <= end and a >= pos:
            out += [body[pos:a], "[", body[a:b], "]"]
            pos = b
    out.append(body[pos:end])
    text_ = " ".join("".join(out).split())
    return ("…" if lo > 0 else "") + text_ + ("…" if hi < len(tokens) else "")


def _plain_details(
    raw: sqlite3.Connection, terms: list[Term], ids: list[int]
) -> dict[int, tuple[str, str, str]]:
    """Title, slug and a snippet made here (no second full-text query)."""
    matches = _Matcher(terms)
    marks = ", ".join(str(int(i)) for i in ids)
    rows = raw.execute(f"SELECT id, title, slug, body FROM article WHERE id IN ({marks})")
    return {row[0]: (row[1], row[2], snippet(row[3], matches)) for row in rows}


def search(store: Store, query: str, limit: int = 20, *, window: int = RECENT_WINDOW) -> list[SearchHit]:
    """Best matches first, with a snippet each.

    A query matching fewer than ``window`` articles is ranked by bm25 over all of them
    (title weighs over summary over body). A query matching more (a very common word) is
    answered from its ``window`` newest matches: those with every term in the title first,
    then in the summary, then the rest, newest first in each group. Ranking every article
    that mentions a common word costs tens of milliseconds at 100,000 articles, and in news
    the recent matches are the relevant ones.
    """
    return _run(store, query, limit, window, details=True)


def search_ids(store: Store, query: str, limit: int = 20, *, window: int = RECENT_WINDOW) -> list[int]:
    """The ids ``search`` would answer, in the same order, without titles or snippets (the
    article list reads its own columns; making hundreds of snippets is most of a search's cost)."""
    return _run(store, query, limit, window, details=False)


def _run(store: Store, query: str, limit: int, window: int, *, details: bool):
    all_terms = parse(query)
    if not _wanted(all_terms) or limit <= 0:
        return []
    try:
        if store.dialect == "postgresql":
            return _search_server(store, all_terms, limit, window, details)
        return _search_local(store, all_terms, limit, window, details)
    except (OperationalError, sqlite3.OperationalError) as exc:
        raise SearchError(f"Cannot search for “{query}”: {getattr(exc, 'orig', exc)}") from exc
    except DBAPIError as exc:
        raise SearchError(f"Cannot search for “{query}”: {exc.orig}") from exc


def _search_local(store: Store, all_terms: list[Term], limit: int, window: int, details: bool):
    terms = _wanted(all_terms)  # what the matches contain: the ranking and snippets use these
    match = fts_expression(all_terms)
    with store.connect() as conn:
        raw = conn.connection.driver_connection
        newest = _newest(raw, match, window)
        if len(newest) < window:
            ranked = _by_bm25(conn, match, limit)
            if not details:
                return [i for i, _r in ranked]
            found = _details(conn, match, [i for i, _r in ranked]) if ranked else {}
        else:
            ranked = _by_tiers(raw, terms, newest, limit)
            if not details:
                return [i for i, _r in ranked]
            found = _plain_details(raw, terms, [i for i, _r in ranked])
    return [SearchHit(i, *found[i], rank) for i, rank in ranked if i in found]


# PostgreSQL (migration 0008): the weighted tsvector column ``search`` and its GIN index.
_TSQUERY = "to_tsquery('digest_search', :q)"
_PG_RANKED = text(
    f"SELECT id, ts_rank(search, {_TSQUERY}) AS r FROM article WHERE search @@ {_TSQUERY} "
    "ORDER BY r DESC, id DESC LIMIT :n"
)
# The newest matches, found two ways. Through the GIN index: every match is found, then sorted;
# cheap when few articles match, slow when most do (a common word or a short prefix is tens of
# thousands of index entries and rows). By walking the primary key from the newest article and
# testing each row's tsvector: stops after ``n`` matches, so cheap when most articles match and
# slow when few do. The planner cannot choose well between them (it prices testing a row as free
# although its tsvector is read from TOAST, and guesses prefixes as single words), so each query
# fixes its plan and _walk_rows chooses. The walk reads at most ``rows`` articles: a query that
# matches fewer than expected is then answered through the index.
# Both read each match's title and summary with it (the tiers need them, and the row is read),
# through the driver's own cursor (its plain tuples: no SQLAlchemy row for each of 1,000 rows).
_DRIVER_TSQUERY = "to_tsquery('digest_search', %(q)s)"
_PG_NEWEST_INDEXED = (
    f"SELECT id, title, summary FROM article WHERE search @@ {_DRIVER_TSQUERY} ORDER BY id DESC LIMIT %(n)s"
)
_PG_NEWEST_WALK = (
    "SELECT id, title, summary FROM "
    "(SELECT id, title, summary, search FROM article ORDER BY id DESC LIMIT %(rows)s) recent "
    f"WHERE search @@ {_DRIVER_TSQUERY} ORDER BY id DESC LIMIT %(n)s"
)
_PG_PROBE = text(
    f"SELECT count(*), count(*) FILTER (WHERE search @@ {_TSQUERY}) "
    "FROM (SELECT search FROM article ORDER BY id DESC LIMIT :rows) recent"
)
PROBE_ROWS = 250
_PG_LEXEMES = text(
    "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples "
    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = 'search' "
    "WHERE c.oid = to_regclass('article')"
)
# Through the index, the plan must be a GIN bitmap scan (then a top-n sort): otherwise the planner
# walks the primary key for a query it expects to match often, or for a walk that came up short
# tests every article's tsvector in a sequential scan. The settings last until the read
# transaction ends.
_PG_BITMAP_ONLY = text(
    "SELECT set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)"
)
WALK_COST = 2.0  # testing one row on the walk against finding one match through the index (measured)
STATS_AGE_S = 600.0  # statistics change slowly (autovacuum's ANALYZE): read again after this


@dataclass(frozen=True, slots=True)
class _Lexemes:
    """How common each frequent lexeme of the ``search`` column is (the share of articles that
    hold it), from the statistics ANALYZE keeps in ``pg_stats``."""

    shares: dict[str, float]
    rare: float  # the share taken for a lexeme not listed (below the least common listed one)
    articles: float  # as the statistics counted them

    def word(self, word: str, prefix: bool) -> float:
        key = _fold(word)
        if not prefix:
            return self.shares.get(key, self.rare)
        missing = 1.0  # a prefix matches an article holding any of its lexemes
        for lexeme, share in self.shares.items():
            if lexeme.startswith(key):
                missing *= 1.0 - share
        return max(1.0 - missing, self.rare)

    def term(self, term: Term) -> float:
        share = 1.0
        for n, word in enumerate(term.words):
            share *= self.word(word, term.prefix and n == len(term.words) - 1)
        return share

    def query(self, terms: list[Term]) -> float:
        """The share of articles matching every wanted term and no excluded one (terms taken
        as independent: a rough estimate is enough to choose a plan)."""
        share = 1.0
        for term in terms:
            found = self.term(term)
            share *= 1.0 - found if term.excluded else found
        return share


# Per open store: when its statistics were read, and what they were (None: not made yet).
_LEXEMES: weakref.WeakKeyDictionary[Store, tuple[float, _Lexemes | None]] = weakref.WeakKeyDictionary()


def _lexemes(store: Store, conn: Connection) -> _Lexemes | None:
    """The column's statistics (None before ANALYZE made them), read again every few minutes."""
    now = time.monotonic()
    read_at, known = _LEXEMES.get(store, (-STATS_AGE_S, None))
    if now - read_at < STATS_AGE_S:
        return known
    try:
        with conn.begin_nested():  # statistics that cannot be read leave the search to the index
            row = conn.execute(_PG_LEXEMES).first()
    except DBAPIError:
        row = None
    if row is None or not row[0] or not row[1] or row[2] <= 0:
        known = None
    else:
        words, shares = row[0], row[1]
        listed = dict(zip(words, shares[: len(words)], strict=True))
        least = shares[len(words)] if len(shares) > len(words) else min(listed.values())
        known = _Lexemes(listed, least / 2, float(row[2]))
    _LEXEMES[store] = (now, known)
    return known


def _walk_rows(share: float, articles: float, all_terms: list[Term], window: int) -> int:
    """How many of the newest articles to walk for the ``window`` newest matches, or 0 when
    the index finds them for less: walking tests about window / share rows; the index finds
    share * articles matches (and with a phrase tests each of them, as the walk does)."""
    if share <= 0.0:
        return 0
    walked = window / share * WALK_COST
    found = share * articles * (WALK_COST if any(len(t.words) > 1 for t in all_terms) else 1.0)
    return int(2 * window / share) + window if walked < found else 0


def _plan_walk(store: Store, conn: Connection, all_terms: list[Term], tsquery: str, window: int) -> int:
    """``_walk_rows`` for this query, from the statistics (0 without them: the index)."""
    stats = _lexemes(store, conn)
    if stats is None:
        return 0
    share = stats.query(all_terms)
    rows = _walk_rows(share, stats.articles, all_terms, window)
    if rows or not any(t.prefix and not t.excluded for t in all_terms):
        return rows
    # The statistics list frequent lexemes only: a short prefix shared by many rarer words can
    # match most articles while no listed lexeme starts with it. The newest articles tell.
    seen, found = conn.execute(_PG_PROBE, {"q": tsquery, "rows": PROBE_ROWS}).one()
    return _walk_rows(max(share, found / max(seen, 1)), max(stats.articles, seen), all_terms, window)


def newest_plan(store: Store, query: str, window: int = RECENT_WINDOW) -> str:
    """How the newest matches of ``query`` are looked for: "fts" (SQLite's index), "walk" (the
    newest articles tested one by one) or "index" (PostgreSQL's GIN index). For benchmarks."""
    all_terms = parse(query)
    if store.dialect != "postgresql":
        return "fts"
    with store.connect() as conn:
        rows = _plan_walk(store, conn, all_terms, ts_expression(all_terms), window)
    return "walk" if rows else "index"


def _newest_server(
    store: Store, conn: Connection, all_terms: list[Term], tsquery: str, window: int
) -> list[tuple[int, str, str]]:
    """Id, title and summary of the ``window`` newest matches, newest first."""
    rows = _plan_walk(store, conn, all_terms, tsquery, window)
    driver = conn.connection.driver_connection  # in the transaction ``conn`` began
    if rows:
        walked = driver.execute(_PG_NEWEST_WALK, {"q": tsquery, "n": window, "rows": rows}).fetchall()
        if len(walked) == window:
            return walked
    conn.execute(_PG_BITMAP_ONLY)
    return driver.execute(_PG_NEWEST_INDEXED, {"q": tsquery, "n": window}).fetchall()


def _search_server(store: Store, all_terms: list[Term], limit: int, window: int, details: bool):
    """The same answers as on SQLite: ranked by weight (title > summary > body) under the
    window, newest-first tiers above it; snippets are made here, as for common terms."""
    tsquery, terms = ts_expression(all_terms), _wanted(all_terms)
    with store.connect() as conn:
        raw = conn.connection.driver_connection
        newest = _newest_server(store, conn, all_terms, tsquery, window)
        if len(newest) < window:
            rows = conn.execute(_PG_RANKED, {"q": tsquery, "n": limit})
            ranked = [(row[0], -float(row[1])) for row in rows]
        else:
            ranked = _tiers(newest, terms, limit)
        if not details:
            return [i for i, _r in ranked]
        found = _plain_details(raw, terms, [i for i, _r in ranked]) if ranked else {}
    return [SearchHit(i, *found[i], rank) for i, rank in ranked if i in found]
