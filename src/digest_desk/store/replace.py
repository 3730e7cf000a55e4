"""Find and replace across every article: a preview of each change, then one transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from digest_desk.domain import Article
from digest_desk.domain.slugs import clean_line
from digest_desk.store.bulk import BulkResult, store_change, writable
from digest_desk.store.engine import Store
from digest_desk.store.errors import StoreError

FIELDS = ("title", "summary", "body")
SNIPPET = 40  # characters of context either side of the first match


class PatternError(StoreError, ValueError):
    """A search pattern or replacement that cannot be used, in plain words."""


@dataclass(frozen=True, slots=True)
class Search:
    """What to find, how, and what to put instead."""

    find: str
    replacement: str
    regex: bool = False
    case: bool = False
    word: bool = False
    fields: tuple[str, ...] = FIELDS

    def pattern(self) -> re.Pattern[str]:
        if not self.find:
            raise PatternError("Nothing to find: the search text is empty.")
        unknown = [f for f in self.fields if f not in FIELDS]
        if unknown:
            raise PatternError(f"Unknown field {', '.join(unknown)}; use {', '.join(FIELDS)}.")
        source = self.find if self.regex else re.escape(self.find)
        if self.word:
            source = rf"\b(?:{source})\b"
        try:
            return re.compile(source, 0 if self.case else re.IGNORECASE)
        except re.error as exc:
            raise PatternError(f"The regular expression is not valid: {exc.msg}"
                               + (f" (at character {exc.pos + 1})." if exc.pos is not None else ".")) from None

    def apply(self, pattern: re.Pattern[str], value: str) -> tuple[str, int]:
        """``value`` with every match replaced, and how many there were."""
        try:
            if self.regex:
                return pattern.subn(self.replacement, value)
            return pattern.subn(lambda _m: self.replacement, value)
        except (re.error, IndexError) as exc:
            raise PatternError(f"The replacement cannot be used: {exc}.") from None

    @property
    def label(self) -> str:
        return f"replace: {self.find} → {self.replacement}"


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of one article that the replacement changes, with a snippet around a match."""

    article_id: int
    version: int
    slug: str
    title: str
    name: str
    count: int
    before: str
    after: str
    new_value: str


def _snippet(text: str, start: int, end: int) -> str:
    left, right = max(0, start - SNIPPET), min(len(text), end + SNIPPET)
    piece = text[left:right].replace("\n", " ").strip()
    return ("…" if left else "") + piece + ("…" if right < len(text) else "")


def _change(search: Search, pattern: re.Pattern[str], article: Article, name: str) -> FieldChange | None:
    value = getattr(article, name) or ""
    new, count = search.apply(pattern, value)
    if not count or new == value:
        return None
    if name == "title":
        new = clean_line(new)
    first = pattern.search(value)
    assert first is not None
    start, end = first.span()
    replaced, _n = search.apply(pattern, first.group(0))
    after = value[:start] + replaced + value[end:]
    return FieldChange(article.id, article.version, article.slug, article.title, name, count,
                       _snippet(value, start, end), _snippet(after, start, start + len(replaced)), new)


def find_changes(store: Store, search: Search) -> list[FieldChange]:
    """Every field the replacement would change, article by article (nothing is written)."""
    pattern = search.pattern()
    changes = []
    with store.read() as session:
        for article in session.execute(select(Article).order_by(Article.id)).scalars():
            for name in search.fields:
                change = _change(search, pattern, article, name)
                if change is not None:
                    changes.append(change)
    return changes


def apply_changes(store: Store, changes: list[FieldChange], search: Search, *,
                  holder: str | None = None) -> BulkResult:
    """Write previewed changes in one transaction, a revision per article ("replace: X → Y").

    An article changed since the preview (its version moved on) or edited in another window is
    left alone and listed in ``stale`` or ``locked``.
    """
    by_article: dict[int, list[FieldChange]] = {}
    for change in changes:
        by_article.setdefault(change.article_id, []).append(change)
    result = BulkResult()
    seen = {article_id: items[0].version for article_id, items in by_article.items()}
    with store.write() as session:
        for article in writable(session, result, by_article, holder, seen):
            article_id, items = article.id, by_article[article.id]
            values: dict[str, Any] = {c.name: c.new_value for c in items}
            result.before[article_id] = {k: getattr(article, k) for k in values}
            store_change(session, article, values, search.label)
            result.changed.append(article_id)
            result.versions[article_id] = article.version
    return result
