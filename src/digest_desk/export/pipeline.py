"""``export_site``: the whole site, one article, or what changed, written atomically."""

from __future__ import annotations

import errno
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from digest_desk.domain.words import counted
from digest_desk.export.articles import article_files
from digest_desk.export.changeset import commit
from digest_desk.export.delta import DeltaPlan, delta_plan
from digest_desk.export.errors import ExportCancelled, ExportError
from digest_desk.export.folders import (
    MANIFEST,
    OLD_MANIFEST,
    cleanup_leftovers,
    clear_temp,
    make_temp,
    remove_tree,
    swap_in,
)
from digest_desk.export.manifest import (
    CHANGES,
    Manifest,
    ManifestPatch,
    StoredManifest,
    loaded,
    open_manifest,
    write_changes,
)
from digest_desk.export.plan import Plan, make_plan
from digest_desk.export.render_pool import ArticleBatch
from digest_desk.export.safepath import top_level_symlink
from digest_desk.export.site_pages import SITEMAP_LIMIT
from digest_desk.export.sitedata import global_key
from digest_desk.export.writer import FAULT_ENV, Writer
from digest_desk.store.changelog import current_mark
from digest_desk.store.engine import Store
from digest_desk.store.published import published_reader

Progress = Callable[[int, int], None]
Confirm = Callable[[int, int], bool]


@dataclass(slots=True)
class ExportReport:
    """What an export did; ``written`` counts files whose bytes changed or are new."""

    out: Path
    mode: str  # "full", "changed" or "articles"
    articles: int = 0
    rendered: int = 0  # articles whose pages were rendered this time
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    unpublished: int = 0
    waiting: list[datetime] = field(default_factory=list)  # scheduled times still to come
    timezone: str = "UTC"  # the site's, for showing those times
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"Exported {counted(self.articles, 'article')} to {self.out} ({self.mode}): "
            f"{counted(self.written, 'file')} written, {self.unchanged} unchanged, "
            f"{self.removed} removed in {self.seconds:.2f} s."
        )


def _check_target(out: Path) -> None:
    if out.is_symlink():
        raise ExportError(f"{out} is a symbolic link; choose the real folder to export into.")
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} is a file, not a folder; choose a folder to export into.")
    if out.is_dir() and not (out / MANIFEST).is_file() and not (out / OLD_MANIFEST).is_file() and any(out.iterdir()):
        raise ExportError(
            f"{out} is not empty and holds no earlier Digest Desk export; choose an empty "
            "folder (or the folder of an earlier export) so nothing of yours is overwritten."
        )


def _plain_os_error(exc: OSError) -> ExportError:
    where = f" ({exc.filename})" if exc.filename else ""
    if exc.errno == errno.ENOSPC:
        text = "The disk is full"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        text = "Permission denied: the folder cannot be written"
    else:
        text = f"The export could not write a file: {exc.strerror or exc}"
    return ExportError(f"{text}{where}. The previous export is unchanged.")


class _Run:
    """One export run: the plan, the old manifest, and the folder being built."""

    def __init__(self, store: Store, out: Path, progress: Progress | None, cancel: threading.Event | None,
                 parallel: bool | None, now: datetime) -> None:
        self.store = store
        self.now = now
        self.out = out
        self.progress = progress or (lambda done, total: None)
        self.cancel = cancel or threading.Event()
        self.parallel = parallel
        self.fault = os.environ.get(FAULT_ENV) or None
        # The previous manifest: opened for lookups (a delta plan reads a few records), read
        # whole (``loaded``) before any other plan.
        self.old: Manifest | StoredManifest | None = open_manifest(out) if out.is_dir() else None
        self.plan: Plan | DeltaPlan  # made by export_site, once the workers (if any) are rendering
        self.new: Manifest | ManifestPatch = Manifest()
        self.written: list[str] = []  # files written into the temporary folder this run
        self.mode = "full"
        self.batch: ArticleBatch | None = None
        self._known: dict[str, str] | None = None
        self.chosen: set[str] = set()  # the units built this time (known once they are chosen)
        # The folder's modification time when its top level was found free of links, and
        # whether nobody changed the top level from then until the commit (see _stamp).
        self.seen = _mtime(out)
        self.clean = True

    def known(self) -> dict[str, str]:
        """Files of the previous export whose bytes need not be written again (looked up once).
        A full export looks at every file (it also repairs files deleted by hand); the others
        only at the files of the units they build, so their cost follows the change."""
        if self._known is None:
            if self.old is None:
                self._known = {}
            elif self.mode == "full":
                self._known = {rel: sha for rel, sha in self.old.files().items()
                               if os.path.isfile(os.path.join(self.out, rel))}
            else:
                self._known = {}
                for uid in self.chosen:
                    self._known.update(self.old.unit_files(uid))
        return self._known

    def start(self, root: Path, ids: Sequence[int], categories: list[str]) -> None:
        """Hand the articles ``ids`` to the renderers (with a pool, they start at once)."""
        self.batch = ArticleBatch(self.store, root, sorted(ids), categories, fault=self.fault,
                                  known=self.known(), cancel=self.cancel, parallel=self.parallel,
                                  now=self.now)

    def stop(self) -> None:
        if self.batch is not None:
            self.batch.close()
            self.batch = None

    def check_cancel(self) -> None:
        if self.cancel.is_set():
            raise ExportCancelled()

    def choose(self, mode: str, slugs: Sequence[str]) -> tuple[set[str], set[str]]:
        """Which article units and which other units get built this time."""
        keys = self.plan.keys()
        arts = {uid for uid in keys if uid.startswith("article:")}
        others = set(keys) - arts
        if mode == "full" or self.old is None or isinstance(self.plan, DeltaPlan):
            return arts, others
        old = self.old
        stale = old.stale(keys)
        if mode == "changed":
            return arts & stale, others & stale
        by_slug = {e.slug: f"article:{e.id}" for e in self.plan.entries if e.slug in slugs}
        named = {by_slug[s] for s in slugs}
        return named | {u for u in arts if u not in old}, others & stale

    def build(self, root: Path, art_uids: set[str], other_uids: set[str]) -> None:
        """Render the chosen units into ``root`` (only bytes that differ from the previous
        export are written) and fill the new manifest. The articles go to the batch already
        started, if it holds exactly the chosen articles with the plan's sections."""
        keys = self.plan.keys()
        total = len(art_uids) + len(other_uids)
        self.chosen = art_uids | other_uids
        ids = sorted(int(uid.split(":")[1]) for uid in art_uids)
        if self.batch is None or self.batch.ids != ids or self.batch.categories != self.plan.categories:
            if self.batch is not None:  # the store changed after the batch started
                self.stop()
                clear_temp(root)  # its pages may show an outdated list of sections or articles
            self.start(root, ids, self.plan.categories)
        assert self.batch is not None
        try:
            writer = Writer(root, self.fault, self.known())
            done = 0
            for unit in self.plan.site_units:  # while the workers render the articles
                if unit.uid in other_uids:
                    self.check_cancel()
                    files = {rel: writer.write(rel, data) for rel, data in unit.build().items()}
                    self.new.put(unit.uid, keys[unit.uid], files)
                    done += 1
                    self.progress(done, total)
            self.written.extend(writer.written)
            for results in self.batch.results():
                for aid, files, written in results:
                    self.new.put(f"article:{aid}", keys[f"article:{aid}"], files)
                    self.written.extend(written)
                done += len(results)
                self.progress(done, total)
        finally:
            self.stop()
        self.check_cancel()
        # Units not rebuilt keep their old record (an incremental export leaves them in place;
        # after a delta plan the new manifest began as a copy of the old one).
        if self.old is not None and not isinstance(self.plan, DeltaPlan):
            self.new.carry(self.old, keys, self.chosen)


def export_site(
    store: Store,
    outdir: str | os.PathLike[str],
    *,
    articles: Sequence[str] | None = None,
    changed_only: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    confirm_large_delete: Confirm | None = None,
    parallel: bool | None = None,
    now: datetime | None = None,
    sitemap_limit: int = SITEMAP_LIMIT,
) -> ExportReport:
    """Export the published site into ``outdir``; see the package docstring for the rules.

    ``articles`` (slugs) re-exports those articles plus the pages that list them;
    ``changed_only`` rebuilds what changed since the last export. Without an earlier export
    both fall back to a full export. ``confirm_large_delete(removed, existing)`` is asked
    before an export would remove more than half of an existing export's files; without it
    such an export stops. ``parallel`` forces (True) or forbids (False) worker processes.
    ``now`` (default: this instant) is when the export counts as made: scheduled articles whose
    time has not come by then are left out everywhere. ``sitemap_limit`` is the most URLs one
    sitemap file holds (the sitemaps.org limit; above it sitemap.xml indexes part files).
    """
    return _export(store, outdir, articles, changed_only, progress, cancel, confirm_large_delete, parallel,
                   now or datetime.now(UTC), sitemap_limit)


def _export(store: Store, outdir: str | os.PathLike[str], articles: Sequence[str] | None, changed_only: bool,
            progress: Progress | None, cancel: threading.Event | None, confirm_large_delete: Confirm | None,
            parallel: bool | None, now: datetime, sitemap_limit: int = SITEMAP_LIMIT) -> ExportReport:
    started = time.perf_counter()
    out = Path(outdir).expanduser().absolute()
    cleanup_leftovers(out)
    _check_target(out)
    run = _Run(store, out, progress, cancel, parallel, now)
    mode = "full"  # also what a first export is, whatever was asked
    if run.old is not None:
        mode = "articles" if articles else "changed" if changed_only else "full"
    run.mode = mode
    if run.old is not None and not (mode == "changed" and _top_level_untouched(out, run.seen)) \
            and (link := top_level_symlink(out)):
        run.old.close()
        raise ExportError(f"The export folder contains a symbolic link ({link}); remove it and export again.")
    tmp = make_temp(out)
    try:
        if mode == "changed" and run.old is not None and (delta := delta_plan(store, run.old, out, now, sitemap_limit)):
            return _export_delta(run, delta, tmp, started)
        if isinstance(run.old, StoredManifest):
            run.old = loaded(run.old)  # the plans below compare every record
            if run.old is None:  # damaged: a full export replaces the folder
                mode = run.mode = "full"
        early = None
        if mode == "full":
            # Every published article will be rendered: start the workers on them now, so they
            # render while the plan is made (a new batch is started if the plan disagrees).
            with published_reader(store, now) as reader:
                ids, categories = reader.published_ids_and_categories()
                early = current_mark(reader), global_key(reader, categories)
                run.start(tmp, ids, categories)
        run.plan = make_plan(store, now, sitemap_limit)
        run.new.changes = _mark_to_record(run.plan, mode, early)
        _check_named(run.plan, articles or [])
        _confirm_removals(run, confirm_large_delete)  # nothing of the previous export touched yet
        report = ExportReport(out, mode, articles=len(run.plan.entries), unpublished=run.plan.unpublished,
                              waiting=run.plan.waiting, timezone=run.plan.site.timezone)
        art_uids, other_uids = run.choose(mode, articles or [])
        report.rendered = len(art_uids)
        run.build(tmp, art_uids, other_uids)
        if run.old is None:
            _finish_full(run, tmp, report)
        else:
            _finish_changes(run, tmp, report)
    except OSError as exc:
        run.stop()
        remove_tree(tmp)
        raise _plain_os_error(exc) from exc
    except BaseException:
        run.stop()
        remove_tree(tmp)
        raise
    finally:
        if run.old is not None:
            run.old.close()
    _stamp(run)
    report.seconds = time.perf_counter() - started
    return report


def _mtime(folder: Path) -> int | None:
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return None


def _before_commit(run: _Run) -> None:
    """Note whether anyone changed the export's top level since it was checked for links (the
    export itself changes it only in the commit that follows)."""
    run.clean = run.seen is not None and _mtime(run.out) == run.seen


STAMP_TRIES, STAMP_WAIT_S = 5, 0.004  # a clock tick of 1-4 ms (Linux, HZ 250 to 1000)


def _stamp(run: _Run) -> None:
    """After a commit into a top level nobody else changed meanwhile: give the change-log mark
    a change time after everything the commit did there (see ``_top_level_untouched``)."""
    if not run.clean:
        return  # the next export scans the folder
    mark = run.out / CHANGES
    try:
        # File times advance in clock ticks (a few milliseconds on many Linux file systems): a
        # stamp in the commit's own tick would equal the folder's time, which counts as touched.
        for _ in range(STAMP_TRIES):
            os.utime(mark, follow_symlinks=False)
            if os.stat(mark, follow_symlinks=False).st_ctime_ns > os.stat(run.out).st_mtime_ns:
                return
            time.sleep(STAMP_WAIT_S)
    except OSError:
        pass  # no mark: the next export scans the folder, too


def _top_level_untouched(out: Path, mtime: int | None) -> bool:
    """Whether no entry of ``out`` was added, removed or renamed since the last export stamped
    its mark: the folder's modification time ``mtime`` is before the mark's change time. Then no
    symbolic link can have appeared there and the scan for one (100,000 entries) is skipped.
    Equal times (one clock tick) count as touched. Only an export from the change log skips it;
    whatever it writes or removes is checked for links on the way anyway (safepath.inside)."""
    try:
        return mtime is not None and mtime < os.stat(out / CHANGES, follow_symlinks=False).st_ctime_ns
    except OSError:
        return False


def _mark_to_record(plan: Plan, mode: str, early: tuple | None) -> dict | None:
    """The change-log mark the new manifest records: the plan's, or None when not every changed
    unit is built (an export of named articles). With workers started before the plan (a full
    export), the mark of their read: changes after it are looked at again by the next export."""
    if mode == "articles" or plan.changes is None:
        return None
    if early is None:
        return plan.changes
    mark, base = early
    if mark is None or mark.identity != plan.changes["identity"] or base != plan.changes["base"]:
        return None
    return {**plan.changes, "since": mark.since}


def _export_delta(run: _Run, delta: DeltaPlan, tmp: Path, started: float) -> ExportReport:
    """An incremental export from the change log: build what it names, keep the rest."""
    assert run.old is not None
    run.plan = delta
    run.new = ManifestPatch(run.old, delta.changes)
    for uid in delta.removed:  # an article that left the site, a list page merged into the front
        run.new.remove(uid)
    report = ExportReport(run.out, "changed", articles=delta.articles, unpublished=delta.unpublished,
                          waiting=delta.waiting, timezone=delta.site.timezone)
    art_uids, other_uids = run.choose("changed", [])
    report.rendered = len(art_uids)
    report.unchanged = run.old.file_count()
    if not art_uids and not other_uids and not delta.removed:  # only the mark moves on
        write_changes(delta.changes, tmp / CHANGES)
        _before_commit(run)
        commit(tmp, run.out, [CHANGES], [])
    else:
        run.build(tmp, art_uids, other_uids)
        _finish_changes(run, tmp, report)
    _stamp(run)
    report.seconds = time.perf_counter() - started
    return report


def _check_named(plan: Plan, slugs: Sequence[str]) -> None:
    known = {e.slug for e in plan.entries}
    for slug in slugs:
        if slug not in known:
            raise ExportError(f"No published article has the slug “{slug}”; only published articles are exported.")


def _removed_files(run: _Run) -> set[str]:
    """Files of the previous export that this export will remove, known before rendering:
    units that no longer exist, and the old pages of articles whose slug changed."""
    if run.old is None:
        return set()
    keys = run.plan.keys()
    slugs = {f"article:{e.id}": e.slug for e in run.plan.entries}
    removed: set[str] = set()
    for uid, record in run.old.articles.items():  # "key sha sha slug": the slug is read as text
        if uid not in keys or (uid in slugs and not record.endswith(" " + slugs[uid])):
            removed.update(run.old.unit_files(uid))
    for uid, unit in run.old.units.items():
        if uid not in keys:
            removed.update(unit.files)
        elif uid in slugs:
            removed.update(set(unit.files) - set(article_files(slugs[uid])))
    return removed


def _confirm_removals(run: _Run, confirm: Confirm | None) -> None:
    if run.old is None:
        return
    existing = run.old.file_count()
    removed = len(_removed_files(run))
    if existing and removed * 2 > existing:
        if confirm is None or not confirm(removed, existing):
            raise ExportCancelled(
                f"The export would delete {counted(removed, 'file')} of the {existing} in the existing export; "
                "it was stopped and the previous export is unchanged."
            )


def _dropped(run: _Run) -> set[str]:
    """Files of the previous export that the new one no longer has. Only units that are gone
    or were built again can have lost files, so only those are looked at."""
    assert run.old is not None
    gone: set[str] = set()
    kept: set[str] = set()
    # A delta's new manifest has all the old units but those it names as removed.
    for uid in sorted(run.new.removed) if isinstance(run.new, ManifestPatch) else run.old.uids():
        if uid not in run.new:
            gone.update(run.old.unit_files(uid))
    for uid in run.chosen:
        if uid in run.old:
            gone.update(run.old.unit_files(uid))
        kept.update(run.new.unit_files(uid))
    return gone - kept


def _write_manifest(run: _Run, root: Path) -> list[str]:
    """Write the manifest (and the change-log mark beside it); the files to move in, manifest last."""
    run.new.write(root / MANIFEST)
    return ([CHANGES] if write_changes(run.new.changes, root / CHANGES) else []) + [MANIFEST]


def _finish_full(run: _Run, tmp: Path, report: ExportReport) -> None:
    """First export into an empty or new folder: swap the whole temporary folder in."""
    report.written = len(run.written)
    report.unchanged = run.new.file_count() - report.written
    _write_manifest(run, tmp)
    run.check_cancel()
    # Only this export wrote the folder's top level, unless someone planted something in the
    # working folder meanwhile: its mark may spare the next --changed export the scan only if not.
    run.clean = top_level_symlink(tmp) is None
    swap_in(tmp, run.out)


def _finish_changes(run: _Run, tmp: Path, report: ExportReport) -> None:
    assert run.old is not None
    put = sorted(run.written)
    drop = sorted(_dropped(run))
    report.written, report.removed = len(put), len(drop)
    report.unchanged = run.new.file_count() - len(put)
    last = _write_manifest(run, tmp)
    run.old.close()  # written: the commit renames the new manifest over the one it read
    run.check_cancel()
    if CHANGES not in last:
        drop.append(CHANGES)  # an older mark would no longer describe this manifest
    if (run.out / OLD_MANIFEST).is_file():
        drop.append(OLD_MANIFEST)  # converted: the new manifest replaces one of an older format
    _before_commit(run)
    commit(tmp, run.out, put + last, drop)
