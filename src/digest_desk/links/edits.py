"""Pure list edits of an article's links (each returns a new list; undo keeps both)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from digest_desk.domain import Link, LinkKind

LinkData = dict[str, Any]
FIELDS = ("title", "url", "kind", "target_article_id")
CHECK_FIELDS = ("check_status", "check_final_url", "check_error", "checked_at")


def link_dict(link: Any) -> LinkData:
    """A plain dict of a Link row or mapping: editable fields plus the last check result."""
    get = link.get if isinstance(link, Mapping) else lambda name, default=None: getattr(link, name, default)
    data: LinkData = {
        "title": get("title", "") or "",
        "url": get("url", "") or "",
        "kind": str(get("kind", "read-more") or "read-more"),
        "target_article_id": get("target_article_id", None),
    }
    for name in CHECK_FIELDS:
        data[name] = get(name, None)
    return data


def link_rows(links: Sequence[Mapping[str, Any]], article_id: int | None = None) -> list[Link]:
    """Unsaved Link rows from link dicts, in order (what a preview renders before autosave)."""
    rows = []
    for position, data in enumerate(links):
        row = Link(
            article_id=article_id or 0,
            title=data.get("title") or "",
            url=data.get("url") or "",
            kind=LinkKind(data.get("kind") or "read-more"),
            position=position,
            target_article_id=data.get("target_article_id"),
        )
        for name in CHECK_FIELDS:
            setattr(row, name, data.get(name))
        rows.append(row)
    return rows


def inserted(links: Sequence[LinkData], index: int, new: Sequence[LinkData]) -> list[LinkData]:
    index = max(0, min(index, len(links)))
    return [*links[:index], *(link_dict(n) for n in new), *links[index:]]


def removed(links: Sequence[LinkData], index: int) -> list[LinkData]:
    _check(links, index)
    return [*links[:index], *links[index + 1 :]]


def replaced(links: Sequence[LinkData], index: int, changes: Mapping[str, Any]) -> list[LinkData]:
    """``links`` with the link at ``index`` updated; a new URL forgets the old check result."""
    _check(links, index)
    link = dict(links[index])
    url_changed = "url" in changes and changes["url"] != link.get("url")
    link.update(changes)
    if url_changed:
        for name in CHECK_FIELDS:
            link[name] = None
    return [*links[:index], link, *links[index + 1 :]]


def moved(links: Sequence[LinkData], src: int, dst: int) -> list[LinkData]:
    """``links`` with the link at ``src`` now at position ``dst`` (both 0-based, in range)."""
    _check(links, src)
    _check(links, dst)
    items = list(links)
    items.insert(dst, items.pop(src))
    return items


def drop_target(src: int, row: int, count: int) -> int:
    """Final index of a row dragged from ``src`` and dropped before ``row`` (-1: at the end)."""
    if row < 0 or row > count:
        row = count
    return row - 1 if row > src else row


def _check(links: Sequence[LinkData], index: int) -> None:
    if not 0 <= index < len(links):
        raise IndexError(f"No link number {index + 1} (there are {len(links)}).")
