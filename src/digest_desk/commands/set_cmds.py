"""``set`` (status, category, author or date of many articles) and ``replace`` (text in all articles)."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from digest_desk.commands.common import CommandError, fail, open_from_args
from digest_desk.store import Store, StoreError
from digest_desk.store.bulk import (
    BulkResult,
    apply_changes,
    parse_when,
    plan_changes,
    rows_by_slugs,
    rows_where,
    site_zone,
)
from digest_desk.store.replace import FIELDS, Search, find_changes
from digest_desk.store.replace import apply_changes as apply_replacements
from digest_desk.store.site import get_site

KEYS = {"status": "status", "category": "category", "author": "author", "date": "published_at"}
WHERE_KEYS = ("status", "category")


def plural(count: int, one: str, many: str | None = None) -> str:
    """``1 article``, ``3 articles``."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "set", help="change status, category, author or date of many articles",
        description="Change one field of the articles named by slug, or of those --where selects. "
                    "KEY is status (draft|ready|published|scheduled), category, author or date "
                    "(ISO date/time, in the site's time zone unless it has an offset).")
    p.add_argument("words", nargs="+", metavar="SLUG... KEY VALUE",
                   help="slugs (none with --where), then the key and its new value")
    p.add_argument("--where", action="append", default=[], metavar="KEY=VALUE",
                   help="select articles by status or category instead of slugs (repeat: all must match)")
    p.add_argument("--dry-run", action="store_true", help="print what would change, change nothing")
    p.set_defaults(handler=cmd_set)

    p = sub.add_parser("replace", help="find and replace text in every article",
                       description="Replace text in the title, summary and body of every article, "
                                   "a revision per changed article (undo it in Revision History).")
    p.add_argument("find")
    p.add_argument("replacement")
    p.add_argument("--regex", action="store_true", help="FIND is a regular expression")
    p.add_argument("--case", action="store_true", help="match upper and lower case exactly")
    p.add_argument("--word", action="store_true", help="match whole words only")
    p.add_argument("--field", action="append", choices=FIELDS, metavar="FIELD",
                   help="only this field: title, summary or body (repeat for several)")
    p.add_argument("--dry-run", action="store_true", help="print every change, change nothing")
    p.set_defaults(handler=cmd_replace)


def _where(pairs: list[str]) -> dict[str, str]:
    filters: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().lower()
        if not sep or key not in WHERE_KEYS:
            raise CommandError(f"--where takes status=VALUE or category=VALUE, not “{pair}”.")
        filters[key] = value.strip()
    return filters


def _value(store: Store, key: str, text: str) -> Any:
    if key == "published_at":
        return parse_when(text, site_zone(get_site(store)))
    return text


def _show(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return "—" if value in (None, "") else str(value)


def _skipped(result: BulkResult) -> str:
    parts = []
    if result.locked:
        parts.append(f"{plural(len(result.locked), 'article')} skipped: being edited in a window")
    if result.stale or result.missing:
        parts.append(f"{plural(len(result.stale) + len(result.missing), 'article')} skipped: "
                     "changed or deleted meanwhile")
    return "; ".join(parts)


def _targets(store: Store, slugs: list[str], filters: dict[str, str]) -> list[int]:
    if filters:
        rows = rows_where(store, status=filters.get("status"), category=filters.get("category"))
    else:
        rows = rows_by_slugs(store, slugs)
    return [r.id for r in rows]


def cmd_set(args: argparse.Namespace) -> int:
    try:
        filters = _where(args.where)
    except CommandError as exc:
        return fail(str(exc))
    if len(args.words) < 2:
        return fail("give the KEY and its VALUE (after the slugs).")
    *slugs, key_word, text = args.words
    key = KEYS.get(key_word.lower())
    if key is None:
        return fail(f"unknown key “{key_word}”; use one of {', '.join(KEYS)}.")
    if bool(slugs) == bool(filters):
        return fail("name the articles either by slug or with --where, not both." if slugs
                    else "name the articles by slug or select them with --where.")
    try:
        store = open_from_args(args)
    except CommandError as exc:
        return fail(str(exc))
    try:
        return _run_set(store, args, slugs, filters, key, text)
    except (StoreError, ValueError) as exc:
        return fail(str(exc))
    finally:
        store.close()


def _run_set(store: Store, args: argparse.Namespace, slugs: list[str], filters: dict[str, str],
             key: str, text: str) -> int:
    changes = {key: _value(store, key, text)}
    ids = _targets(store, slugs, filters)
    planned = plan_changes(store, ids, changes)
    if args.dry_run:
        for item in planned:
            print(f"{item.slug}: {item.name} {_show(item.old)} → {_show(item.new)}")
        count = len({p.slug for p in planned})
        print(f"Would change {plural(count, 'article')} of {len(ids)} selected (dry run, nothing changed).")
        return 0
    label = "date" if key == "published_at" else key
    result = apply_changes(store, ids, changes, reason=f"bulk: {label} {_show(changes[key])}")
    summary = f"Changed {plural(len(result.changed), 'article')} of {len(ids)} selected."
    skipped = _skipped(result)
    print(summary + (f" {skipped}." if skipped else ""))
    return 1 if result.skipped else 0


def cmd_replace(args: argparse.Namespace) -> int:
    search = Search(args.find, args.replacement, regex=args.regex, case=args.case, word=args.word,
                    fields=tuple(args.field or FIELDS))
    try:
        search.pattern()
        store = open_from_args(args)
    except (CommandError, StoreError) as exc:
        return fail(str(exc))
    try:
        changes = find_changes(store, search)
        articles = len({c.article_id for c in changes})
        matches = sum(c.count for c in changes)
        for c in changes:
            print(f"{c.slug} ({c.name}, {plural(c.count, 'match', 'matches')}):")
            print(f"  - {c.before}\n  + {c.after}")
        if args.dry_run:
            print(f"Would replace {plural(matches, 'match', 'matches')} in "
                  f"{plural(articles, 'article')} (dry run, nothing changed).")
            return 0
        result = apply_replacements(store, changes, search)
        if result.changed and "body" in search.fields:
            from digest_desk.export.warm import render_ahead  # the next export finds them parsed

            render_ahead(store, result.changed)
    except StoreError as exc:
        return fail(str(exc))
    finally:
        store.close()
    skipped = _skipped(result)
    matches = sum(c.count for c in changes if c.article_id in result.changed)
    print(f"Replaced {plural(matches, 'match', 'matches')} in {plural(len(result.changed), 'article')}."
          + (f" {skipped}." if skipped else ""))
    return 1 if result.skipped else 0
