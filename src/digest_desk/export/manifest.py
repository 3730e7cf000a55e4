"""The export manifest: per output unit, the key it was built from and the sha256 of each file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import TextIO

from digest_desk.export.articles import article_files
from digest_desk.export.folders import MANIFEST

# 1: every unit as {"key", "files"}; 2: article units as one line of text each; 3: article
# records as one object {uid: record} (read and written by the C JSON code at once).
FORMAT = 3
# Beside the manifest: where the store's change log stood when the export was made (see
# export/delta.py). Apart from the manifest, which stays a function of the site's state alone.
CHANGES = ".digest-desk-changes.json"
_RECORDS_START = '{"articles":{'
_CHUNK = 5000  # article records joined at a time when writing
_MOST_PATCHED = 64  # more changed records than this: encoding them all is as quick
READABLE = (1, 2, 3)


@dataclass(slots=True)
class Unit:
    """One thing the export builds (an article's two pages, an index page, a media file)."""

    key: str
    files: dict[str, str] = field(default_factory=dict)  # relative path -> sha256


def _article_record(key: str, files: dict[str, str]) -> str | None:
    """An article unit as "key sha-standard sha-simplified slug": a tenth of the memory and
    of the time to read and write of a unit object, which matters at 100,000 articles.
    None when the files are not the two pages of one slug (then the unit stays an object)."""
    if len(files) != 2 or " " in key:
        return None
    standard = next(iter(files))
    slug = standard[: -len("/index.html")] if standard.endswith("/index.html") else ""
    if not slug or article_files(slug) != tuple(files):
        return None
    std, amp = files[article_files(slug)[0]], files[article_files(slug)[1]]
    if " " in std or " " in amp:
        return None
    return f"{key} {std} {amp} {slug}"


def _record_unit(record: str) -> Unit:
    key, std, amp, slug = record.split(" ", 3)
    std_rel, amp_rel = article_files(slug)
    return Unit(key, {std_rel: std, amp_rel: amp})


@dataclass(slots=True)
class Manifest:
    units: dict[str, Unit] = field(default_factory=dict)
    articles: dict[str, str] = field(default_factory=dict)  # uid -> record (see _article_record)
    # Where the store's change log stood when every unit here was up to date with the store
    # (identity, since, now, base key...); None when unknown: the next export compares keys.
    changes: dict | None = None
    # The JSON text of ``articles`` as read, and the records it holds: a copy that changes a
    # few records writes that text with those records replaced instead of encoding them all.
    _text: str | None = field(default=None, repr=False, compare=False)
    _base: Manifest | None = field(default=None, repr=False, compare=False)
    _touched: set[str] = field(default_factory=set, repr=False, compare=False)

    def copy(self) -> Manifest:
        """A manifest with the same records (units shared: they are replaced, never changed)."""
        copied = Manifest(dict(self.units), dict(self.articles), dict(self.changes) if self.changes else None)
        if self._text is not None and not self._touched:
            copied._text, copied._base = self._text, self
        return copied

    def forget_text(self) -> None:
        """Drop the text read (its records are then encoded when written)."""
        self._text = self._base = None

    def put(self, uid: str, key: str, files: dict[str, str]) -> None:
        record = _article_record(key, files) if uid.startswith("article:") else None
        self._touched.add(uid)
        if record is None:
            self.articles.pop(uid, None)
            self.units[uid] = Unit(key, files)
        else:
            self.units.pop(uid, None)
            self.articles[uid] = record

    def keep(self, uid: str, old: Manifest) -> None:
        """Carry ``uid``'s record over from ``old`` as it is (a unit not built again)."""
        if uid in old.articles:
            self.articles[uid] = old.articles[uid]
        elif uid in old.units:  # maybe an article unit of format 1: written as a line now
            self.put(uid, old.units[uid].key, old.units[uid].files)

    def __contains__(self, uid: str) -> bool:
        return uid in self.articles or uid in self.units

    def key(self, uid: str) -> str | None:
        record = self.articles.get(uid)
        if record is not None:
            return record[: record.find(" ")]
        unit = self.units.get(uid)
        return unit.key if unit is not None else None

    def unit_files(self, uid: str) -> dict[str, str]:
        record = self.articles.get(uid)
        if record is not None:
            return _record_unit(record).files
        unit = self.units.get(uid)
        return unit.files if unit is not None else {}

    def stale(self, keys: dict[str, str]) -> set[str]:
        """The units of ``keys`` whose key differs from the one recorded here (or that are new).
        One pass over plain dicts: at 100,000 articles a method call per unit costs more."""
        arts, units = self.articles, self.units
        out = {uid for uid, key in keys.items()
               if (rec := arts.get(uid)) is None or not rec.startswith(key) or rec[len(key):len(key) + 1] != " "}
        return {uid for uid in out if uid not in units or units[uid].key != keys[uid]}

    def carry(self, old: Manifest, keys: dict[str, str], built: set[str]) -> None:
        """Keep ``old``'s record of every unit in ``keys`` that was not ``built`` this time."""
        self.articles.update({uid: rec for uid, rec in old.articles.items() if uid in keys and uid not in built})
        for uid in old.units:
            if uid in keys and uid not in built:
                self.keep(uid, old)

    def uids(self) -> Iterator[str]:
        yield from self.units
        yield from self.articles

    def file_count(self) -> int:
        return 2 * len(self.articles) + sum(len(unit.files) for unit in self.units.values())

    def files(self) -> dict[str, str]:
        """Every file of the export with its sha256."""
        out: dict[str, str] = {}
        for unit in self.units.values():
            out.update(unit.files)
        for record in self.articles.values():
            out.update(_record_unit(record).files)
        return out

    def write(self, path: Path) -> None:
        """Write the manifest as one line of JSON with sorted keys: ``json.dumps`` of {"articles",
        "format", "generator", "units"} with sort_keys (so it does not depend on build
        order) and no indent, one call of the C encoder (at 100,000 articles 23 MB of text)."""
        patched = self._patched()
        with open(path, "w", encoding="utf-8") as fh:
            if patched is not None:
                fh.write(patched)
                return
            units = {uid: {"files": u.files, "key": u.key} for uid, u in self.units.items()}
            rest = _dumps({"format": FORMAT, "generator": "digest-desk", "units": units})
            fh.write('{"articles":')
            _write_records(fh, self.articles)
            fh.write(",")
            fh.write(rest[1:])
            fh.write("\n")

    def _patched(self) -> str | None:
        """The text this copy's manifest was read from, with the few records and units ``put``
        since replaced; None when that cannot be done exactly (then everything is encoded)."""
        base, text = self._base, self._text
        if base is None or text is None or len(self._touched) > _MOST_PATCHED:
            return None
        touched = self._touched
        if self.articles.keys() != base.articles.keys() or self.units.keys() != base.units.keys():
            return None  # a record or unit added or removed
        expected = dict(base.articles)
        expected.update((uid, self.articles[uid]) for uid in touched if uid in expected)
        if expected != self.articles or any(self.units[u] is not base.units[u] for u in self.units.keys() - touched):
            return None  # changed other than by put
        split = text.rfind(',"format":')  # records before, units after (in key order)
        edits: list[tuple[int, int, str]] = []
        for uid in touched:
            if uid in base.articles:
                old, new = _dumps(base.articles[uid]), _dumps(self.articles[uid])
                start, end = 0, split  # each record once there: checked when read
            else:
                old, new = _unit_json(base.units[uid]), _unit_json(self.units[uid])
                start, end = split, len(text)
            if old == new:
                continue
            was = f"{_dumps(uid)}:{old}"
            at = text.find(was, start, end)
            if at < 0 or (start and text.find(was, at + 1) >= 0):
                return None
            edits.append((at, at + len(was), f"{_dumps(uid)}:{new}"))
        pieces, done = [], 0
        for at, stop, new in sorted(edits):
            if at < done:
                return None
            pieces += [text[done:at], new]
            done = stop
        return "".join([*pieces, text[done:]])

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") not in READABLE:
            raise ValueError("unknown manifest format")
        # Paths are not checked here: the export checks every path it writes or removes.
        units = {uid: Unit(raw["key"], raw["files"]) for uid, raw in data["units"].items()}
        # Checked once over all values: keys are strings, files map paths to digests.
        if not all(type(u.key) is str and type(u.files) is dict for u in units.values()):
            raise ValueError("malformed manifest unit")
        raw = data.get("articles", [])
        articles = _articles_v3(raw) if isinstance(raw, dict) else _articles_v2(raw)
        if not articles.keys().isdisjoint(units):
            raise ValueError("an article recorded twice")
        manifest = cls(units, articles)
        # The text as this version writes it, each record once (a count of its uids, no
        # duplicate keys): a copy may then replace a few records in it (see _patched).
        if data["format"] == FORMAT and text.startswith(_RECORDS_START) and text.endswith("}\n") \
                and text.count('"article:', 0, text.rfind(',"format":')) == len(articles):
            manifest._text = text
        return manifest


def _unit_json(unit: Unit) -> str:
    return _dumps({"files": unit.files, "key": unit.key})


def _dumps(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _write_records(fh: TextIO, articles: dict[str, str]) -> None:
    """Write ``_dumps(articles)`` in pieces (at 100,000 articles the whole text and its parts at
    once cost 75 MB). A piece whose uids and records are all plain printable ASCII without quotes
    or backslashes (always, for records the export makes) is joined: JSON writes such strings as
    they are, and joining is three times quicker than the encoder."""
    items = sorted(articles.items())
    fh.write("{")
    for start in range(0, len(items), _CHUNK):
        chunk = items[start : start + _CHUNK]
        text = ",".join([f'"{uid}":"{record}"' for uid, record in chunk])
        if not (text.isascii() and text.isprintable() and "\\" not in text and text.count('"') == 4 * len(chunk)):
            text = _dumps(dict(chunk))[1:-1]
        fh.write(("," if start else "") + text)
    fh.write("}")


def _articles_v2(lines: list[str]) -> dict[str, str]:
    articles: dict[str, str] = {}
    for line in lines:
        uid, _, record = line.partition(" ")
        if not uid.startswith("article:") or record.count(" ") < 3:
            raise ValueError("malformed manifest article")
        articles[uid] = record
    return articles


def _articles_v3(articles: dict) -> dict[str, str]:
    # Checked by C loops over all keys and values (a Python loop per record costs more at
    # 100,000); a record that is not text makes str.count raise TypeError (unreadable, too).
    if not all(map(str.startswith, articles, repeat("article:"))):
        raise ValueError("malformed manifest article")
    if articles and min(map(str.count, articles.values(), repeat(" "))) < 3:
        raise ValueError("malformed manifest article")
    return articles


def load_manifest(out: Path) -> Manifest | None:
    """The manifest of the export in ``out``; None when there is none or it cannot be read."""
    path = out / MANIFEST
    if path.is_symlink() or not path.is_file():
        return None
    try:
        manifest = Manifest.from_json(path.read_text("utf-8"))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    manifest.changes = _load_changes(out / CHANGES)
    return manifest


def _load_changes(path: Path) -> dict | None:
    if path.is_symlink() or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_changes(changes: dict | None, path: Path) -> bool:
    """Write the change-log mark beside a manifest; False (nothing written) when there is none."""
    if changes is None:
        return False
    path.write_text(json.dumps(changes, sort_keys=True) + "\n", "utf-8")
    return True
