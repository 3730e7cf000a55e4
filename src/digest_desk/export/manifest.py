"""The export manifest: per output unit, the key it was built from and the sha256 of each file."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

from digest_desk.export.articles import article_files
from digest_desk.export.folders import MANIFEST, OLD_MANIFEST
from digest_desk.store.manifest_file import ManifestFile, patch_manifest_file, write_manifest_file

# 1 to 3: one JSON file (OLD_MANIFEST) read whole: 1, every unit as {"key", "files"}; 2, article
# units as one line of text each; 3, article records as one object {uid: record}. 4: an SQLite
# file (MANIFEST), so an incremental export reads and replaces only the records it touches.
FORMAT = 4
READABLE = (1, 2, 3)  # JSON formats still read (and written as FORMAT by the next export)
# Beside the manifest: where the store's change log stood when the export was made (see
# export/delta.py). Apart from the manifest, which stays a function of the site's state alone.
CHANGES = ".digest-desk-changes.json"
# What reading a damaged or foreign manifest raises (ManifestFileError is a ValueError).
UNREADABLE = (OSError, ValueError, KeyError, TypeError, AttributeError)


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

    def copy(self) -> Manifest:
        """A manifest with the same records (units shared: they are replaced, never changed)."""
        return Manifest(dict(self.units), dict(self.articles), dict(self.changes) if self.changes else None)

    def close(self) -> None:
        """Nothing to let go of (see StoredManifest.close)."""

    def put(self, uid: str, key: str, files: dict[str, str]) -> None:
        record = _article_record(key, files) if uid.startswith("article:") else None
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

    def record(self, uid: str) -> str | None:
        """The article record of ``uid`` ("key sha sha slug"), None when it has none."""
        return self.articles.get(uid)

    def has_unit(self, uid: str) -> bool:
        """Whether ``uid`` is recorded as a unit object (not as an article record)."""
        return uid in self.units

    def page_count(self, family: str) -> int:
        """How many units are named ``family:<something>`` (the pages of one list)."""
        return sum(1 for uid in self.units if uid.startswith(family + ":"))

    def site_articles(self) -> int:
        """The articles recorded: records and article units of an older format."""
        return len(self.articles) + self.page_count("article")

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
        """Write the manifest as a new SQLite file (store/manifest_file.py): tables ``article``
        (uid, record), ``unit`` (uid, key, files as a JSON object of path: sha256) and ``meta``
        (format, generator, the counts of article records and of files)."""
        write_manifest_file(path, _meta(len(self.articles), self.file_count()), sorted(self.articles.items()),
                            [(uid, u.key, _dumps(u.files)) for uid, u in sorted(self.units.items())])

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
        return cls(units, articles)


def _dumps(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


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


def _meta(articles: int, files: int) -> dict[str, str]:
    return {"format": str(FORMAT), "generator": "digest-desk", "articles": str(articles), "files": str(files)}


class StoredManifest:
    """The manifest in its SQLite file, read record by record: an incremental export after one
    edit looks up a few dozen of 100,000 records instead of reading them all."""

    def __init__(self, path: Path, changes: dict | None) -> None:
        self.changes = changes
        self._file = ManifestFile(path)
        try:
            meta = self._file.meta
            if meta.get("format") != str(FORMAT) or meta.get("generator") != "digest-desk":
                raise ValueError("unknown manifest format")
            self._articles, self._files = int(str(meta["articles"])), int(str(meta["files"]))
        except BaseException:
            self._file.close()
            raise

    def close(self) -> None:
        self._file.close()

    def record(self, uid: str) -> str | None:
        record = self._file.article(uid)
        if record is not None and (type(record) is not str or record.count(" ") < 3):
            raise ValueError("malformed manifest article")
        return record

    def _unit(self, uid: str) -> Unit | None:
        row = self._file.unit(uid)
        return None if row is None else _checked_unit(row[0], json.loads(str(row[1])))

    def has_unit(self, uid: str) -> bool:
        return self._file.unit(uid) is not None

    def __contains__(self, uid: str) -> bool:
        return self.record(uid) is not None or self.has_unit(uid)

    def key(self, uid: str) -> str | None:
        record = self.record(uid)
        if record is not None:
            return record[: record.find(" ")]
        unit = self._unit(uid)
        return unit.key if unit is not None else None

    def unit_files(self, uid: str) -> dict[str, str]:
        record = self.record(uid)
        if record is not None:
            return _record_unit(record).files
        unit = self._unit(uid)
        return unit.files if unit is not None else {}

    def page_count(self, family: str) -> int:
        # In uid order every "family:..." lies between "family:" and "family;" (":" + 1).
        return self._file.units_between(family + ":", family + ";")

    def site_articles(self) -> int:
        return self._articles + self.page_count("article")

    def file_count(self) -> int:
        return self._files

    def load(self) -> Manifest:
        """Every record in memory (for an export that compares every key), checked as read."""
        articles = _articles_v3(dict(self._file.articles()))
        units = {uid: _checked_unit(key, json.loads(str(files))) for uid, key, files in self._file.units()}
        if len(articles) != self._articles or not articles.keys().isdisjoint(units):
            raise ValueError("malformed manifest")
        return Manifest(units, articles, self.changes)  # type: ignore[arg-type]

    def write_patched(self, path: Path, puts: dict[str, tuple[str, dict[str, str]]],
                      removed: Collection[str] = ()) -> None:
        """Write at ``path`` this manifest with the units of ``puts`` replaced (or added) and
        those of ``removed`` taken out."""
        articles: list[tuple[str, str]] = []
        units: list[tuple[str, str, str]] = []
        count, files = self._articles, self._files
        for uid in removed:
            files -= len(self.unit_files(uid))
            count -= self.record(uid) is not None
        for uid, (key, unit_files) in puts.items():
            files += len(unit_files) - len(self.unit_files(uid))
            count -= self.record(uid) is not None
            record = _article_record(key, unit_files) if uid.startswith("article:") else None
            if record is None:
                units.append((uid, key, _dumps(unit_files)))
            else:
                articles.append((uid, record))
        count += len(articles)
        patch_manifest_file(self._file.path, path, _meta(count, files), articles, units, sorted(removed))


class ManifestPatch:
    """The manifest an incremental export writes: the previous one with the units it built
    replaced (every other unit stays as recorded)."""

    def __init__(self, old: Manifest | StoredManifest, changes: dict | None) -> None:
        self.old, self.changes = old, changes
        self.puts: dict[str, tuple[str, dict[str, str]]] = {}
        self.removed: set[str] = set()  # units of the old manifest the site no longer has

    def put(self, uid: str, key: str, files: dict[str, str]) -> None:
        self.puts[uid] = (key, files)

    def remove(self, uid: str) -> None:
        self.removed.add(uid)

    def __contains__(self, uid: str) -> bool:
        return uid in self.puts or (uid in self.old and uid not in self.removed)

    def unit_files(self, uid: str) -> dict[str, str]:
        if uid in self.puts:
            return self.puts[uid][1]
        return {} if uid in self.removed else self.old.unit_files(uid)

    def file_count(self) -> int:
        return self.old.file_count() + sum(len(files) - len(self.old.unit_files(uid))
                                           for uid, (_, files) in self.puts.items()) \
            - sum(len(self.old.unit_files(uid)) for uid in self.removed)

    def write(self, path: Path) -> None:
        if isinstance(self.old, StoredManifest):
            self.old.write_patched(path, self.puts, self.removed)
            return
        new = self.old.copy()  # read from an older format: written whole, as FORMAT
        for uid, (key, files) in self.puts.items():
            new.put(uid, key, files)
        for uid in self.removed:
            new.units.pop(uid, None)
            new.articles.pop(uid, None)
        new.write(path)


def _checked_unit(key: object, files: object) -> Unit:
    # Paths are not checked here: the export checks every path it writes or removes.
    if type(key) is not str or type(files) is not dict:
        raise ValueError("malformed manifest unit")
    return Unit(key, files)


def open_manifest(out: Path) -> Manifest | StoredManifest | None:
    """The manifest of the export in ``out``: its SQLite file opened for lookups, else one of an
    older format read whole; None when there is none or it cannot be read."""
    changes = _load_changes(out / CHANGES)
    path = out / MANIFEST
    if not path.is_symlink() and path.is_file():
        try:
            return StoredManifest(path, changes)
        except UNREADABLE:
            return None
    path = out / OLD_MANIFEST
    if path.is_symlink() or not path.is_file():
        return None
    try:
        manifest = Manifest.from_json(path.read_text("utf-8"))
    except UNREADABLE:
        return None
    manifest.changes = changes
    return manifest


def loaded(manifest: Manifest | StoredManifest | None) -> Manifest | None:
    """``manifest`` with every record in memory; None when it cannot be read whole."""
    if not isinstance(manifest, StoredManifest):
        return manifest
    try:
        return manifest.load()
    except UNREADABLE:
        return None
    finally:
        manifest.close()


def load_manifest(out: Path) -> Manifest | None:
    """The manifest of the export in ``out``, every record in memory; None when there is none
    or it cannot be read."""
    return loaded(open_manifest(out))


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
