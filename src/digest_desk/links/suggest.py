"""Suggested related articles: the articles sharing most of an article's distinctive terms (FTS5)."""

from __future__ import annotations

import functools
import math
import re
import time
import unicodedata
import weakref
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from digest_desk.domain import Article
from digest_desk.store.engine import Store
from digest_desk.store.related import RelatedIndex, related_index

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
TITLE_BOOST = 3.0
TAG_BOOST = 3.0
CANDIDATES = 20  # body terms whose document frequency is looked up
QUERY_TERMS = 12  # terms in the final similarity query
TITLE_TERMS = 4  # of those, the most distinctive also score again when in a candidate's title
STOPWORDS = frozenset(
    """a about after all also an and are as at be been but by can could did do does for from had
    has have he her his how i if in into is it its just more most my new no not of on one or our
    out over she so some than that the their them then there these they this to up was we were
    what when which who will with would you your""".split()
)
SAMPLE_SIZE = 1000  # articles read to learn the store's most common words
COMMON_SHARE = 0.10  # a word in this share of sampled articles is too common to look up
MAX_SHARE = 0.05  # a word in more of all articles than this does not make two articles related
PROFILE_SECONDS = 600.0
COUNTS_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An article worth linking to, with its similarity score (higher is closer)."""

    article_id: int
    title: str
    slug: str
    status: str
    score: float


@functools.lru_cache(maxsize=100_000)
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


@dataclass(slots=True)
class _Profile:
    """Words too common to be worth a look-up in the index (their doclists are long), and
    the document counts looked up lately (forgotten when an article is added, or after a while).
    """

    common: frozenset[str]
    total: int
    built: float
    frequencies: dict[str, int] = field(default_factory=dict)
    counted_at: tuple[tuple[int, ...], float] = ((), 0.0)  # (what the counts are for, when)

    def counts(self, key: tuple[int, ...]) -> dict[str, int]:
        """The cached counts while ``key`` (highest article id, the article's stored version)
        stays: a save of the article itself changes the counts its own words have."""
        known, since = self.counted_at
        if known != key or time.monotonic() - since > COUNTS_SECONDS:
            self.frequencies.clear()
            self.counted_at = (key, time.monotonic())
        return self.frequencies


_profiles: weakref.WeakKeyDictionary[Store, _Profile] = weakref.WeakKeyDictionary()


def _profile(store: Store, index: RelatedIndex, total: int) -> _Profile:
    """The store's common words, learned from a random sample of articles and kept a while."""
    known = _profiles.get(store)
    if known and time.monotonic() - known.built < PROFILE_SECONDS and abs(total - known.total) <= max(
        50, known.total // 10
    ):
        return known
    common: frozenset[str] = frozenset()
    if total > SAMPLE_SIZE:
        texts = index.sample_texts(SAMPLE_SIZE)
        seen: Counter[str] = Counter()
        for text_ in texts:
            seen.update({fold(w) for w in set(_TOKEN.findall(text_))})
        common = frozenset(t for t, n in seen.items() if n >= COMMON_SHARE * len(texts))
    profile = _Profile(common, total, time.monotonic())
    _profiles[store] = profile
    return profile


def distinctive_terms(
    index: RelatedIndex,
    weights: Counter[str],
    total_docs: int,
    own: Collection[str] = frozenset(),
    common: frozenset[str] = frozenset(),
    known: dict[str, int] | None = None,
) -> list[tuple[str, float]]:
    """The QUERY_TERMS terms with the highest weight x idf that some other articles contain.

    ``own`` holds the terms of the article's stored version: the index counts that article
    too for them (and only for them: a new or edited article's typed words are not indexed yet).
    ``known`` caches document counts between calls (they change slowly; ranking tolerates it).
    """
    ranked = (t for t, _ in weights.most_common() if t not in common)
    candidates = [t for _, t in zip(range(CANDIDATES), ranked, strict=False)]
    if not candidates:
        return []
    known = {} if known is None else known
    missing = [t for t in candidates if t not in known]
    if missing:
        found = index.doc_frequencies(missing)
        known.update({t: found.get(t, 0) for t in missing})
    df = {t: known[t] for t in candidates}
    ceiling = max(MAX_SHARE * total_docs, 20)
    scored = []
    for term in candidates:
        others = df.get(term, 0) - (term in own)
        if others <= 0 or others > ceiling:
            continue  # nobody else uses it (finds nothing) or everybody does (says nothing)
        scored.append((weights[term] * math.log(1 + total_docs / others), term))
    scored.sort(reverse=True)
    return [(term, score) for score, term in scored[:QUERY_TERMS]]


def suggest_related(
    store: Store,
    article: Article,
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
    with related_index(store) as index:
        total = index.highest_id()
        profile = _profile(store, index, total)
        stored = index.stored_text(int(article.id)) if article.id is not None else None
        own = frozenset(terms(stored[0])) if stored is not None else frozenset()
        key = (total, int(article.id), stored[1]) if stored is not None else (total,)
        chosen = distinctive_terms(index, weights, total, own, profile.common, profile.counts(key))
        if not chosen:
            return []
        rows = index.most_similar(chosen, TITLE_TERMS, limit + len(skip))
    hits = [Suggestion(r[0], r[1], r[2], str(r[3]), float(r[4])) for r in rows if r[0] not in skip]
    return hits[:limit]


def _target(link: Any) -> int | None:
    return link.get("target_article_id") if isinstance(link, dict) else getattr(link, "target_article_id", None)


