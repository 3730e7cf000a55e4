"""A local, content-addressed cache of parsed bodies: each body goes through markdown once per version.

A parsed body (sanitised block HTML with placeholders where pictures, videos and tweets go)
depends only on the markdown text and on the code that parses it: Python-Markdown, nh3 and our
render package. It does not depend on the rendition or on any site setting (media folder,
picture sizes, base URL, templates): those are applied after, when the placeholders are filled.
So one entry serves both renditions, every export folder, the previews and the checks.

Entries are files under the user's cache folder (platformdirs), one per body, named by a hash
of the body and sharded by its first two hex digits, in a folder per engine version: a new
engine starts an empty folder and the old one is removed. Writes are atomic (temporary file,
then rename), so processes rendering in parallel never see half an entry. A file that cannot be
read or decoded is a miss and gets written again; no failure of the cache stops a render.
The folder is kept under a size cap, least recently used entries first.

A thread may hold its writes back (``holding``): the live previews render a version per keystroke,
and only the version typing settles on is worth a file; the holder writes that one later.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextvars import ContextVar
from functools import cache
from importlib import metadata
from pathlib import Path

from jinja2 import BytecodeCache, FileSystemBytecodeCache
from platformdirs import user_cache_path

from digest_desk.paths import APP_NAME

FORMAT = "2"  # of an entry's bytes; part of the engine key
CACHE_ENV = "DIGEST_DESK_FRAGMENT_CACHE"  # a folder for the cache, or "off"
DEFAULT_CAP = 512 * 1024 * 1024  # bytes on disk
TRIM_TO = 0.8  # of the cap, when trimming
TOUCH_AFTER = 3600.0  # seconds: an entry read is marked as used when its mark is older than this
_LIBRARIES = ("markdown", "nh3")


@cache
def engine_key() -> str:
    """What, besides the text, decides a parsed body: the libraries' versions and our render code."""
    h = hashlib.blake2b(FORMAT.encode(), digest_size=8)
    for name in _LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=?;".encode())
    package = Path(__file__).resolve().parent
    sources = sorted(package.glob("*.py"))
    if not sources:  # a frozen bundle without sources: its own version stands for the code
        from digest_desk import __version__

        h.update(__version__.encode())
    for path in sources:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


class FragmentCache:
    """Entries (bytes) by body text, in ``root``/<engine>/; every failure is a miss."""

    def __init__(self, root: Path, engine: str | None = None, cap: int = DEFAULT_CAP) -> None:
        self.root = Path(root)
        self.engine = engine or engine_key()
        self.folder = self.root / self.engine
        self.cap = cap
        self._written = 0  # bytes this process wrote since its last trim
        self._lock = threading.Lock()
        self._made: set[str] = set()

    def key(self, text: str) -> str:
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()

    def _path(self, key: str) -> str:
        return os.path.join(self.folder, key[:2], key[2:])

    def has(self, text: str) -> bool:
        """Whether an entry for ``text`` exists (not read: warming skips what is there)."""
        return os.path.exists(self._path(self.key(text)))

    def get(self, text: str) -> bytes | None:
        """The entry stored for ``text``; None when there is none or it cannot be read."""
        path = self._path(self.key(text))
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return None
        try:  # plain os calls: a file object adds an ioctl and seeks per entry
            st = os.fstat(fd)
            data = os.read(fd, st.st_size + 1)
            if len(data) != st.st_size:  # a short read, or it changed meanwhile: read the rest
                data += _read_rest(fd)
        except OSError:
            return None
        finally:
            os.close(fd)
        if time.time() - st.st_mtime > TOUCH_AFTER:  # recently used: trimmed last (an export
            with contextlib.suppress(OSError):  # reading every entry dirties no inode twice an hour)
                os.utime(path)
        return data

    def put(self, text: str, data: bytes) -> None:
        """Store ``data`` for ``text`` (atomically); a cache that cannot be written is skipped.
        Inside ``holding(held)`` the entry goes to ``held`` instead, to be written if it settles."""
        held = _HOLDER.get()
        if held is not None:
            held.keep(self, text, data)
            return
        self.write(text, data)

    def write(self, text: str, data: bytes) -> None:
        """``put`` without the holding rule."""
        key = self.key(text)
        shard = key[:2]
        path = self._path(key)
        temp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            if shard not in self._made:
                if not self.folder.is_dir():
                    self.root.mkdir(mode=0o700, parents=True, exist_ok=True)  # drafts' text: the user's alone
                    self._drop_other_engines()
                os.makedirs(os.path.join(self.folder, shard), exist_ok=True)
                self._made.add(shard)
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
            os.replace(temp, path)
        except OSError:
            _remove(temp)
            return
        with self._lock:
            self._written += len(data)
            due = self._written > self.cap // 16
            if due:
                self._written = 0
        if due:
            self.trim()

    def _drop_other_engines(self) -> None:
        """A new engine version: the entries of the others can never be read again."""
        try:
            others = [p for p in self.root.iterdir() if p.is_dir() and p.name != self.engine]
        except OSError:
            return
        for path in others:
            shutil.rmtree(path, ignore_errors=True)

    def trim(self) -> None:
        """Remove the least recently used entries until the folder is under TRIM_TO of the cap."""
        entries = []
        total = 0
        try:
            for shard in os.scandir(self.folder):
                if not shard.is_dir(follow_symlinks=False):
                    continue
                for entry in os.scandir(shard.path):
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    entries.append((st.st_mtime, st.st_size, entry.path))
                    total += st.st_size
        except OSError:
            return
        if total <= self.cap:
            return
        entries.sort()
        goal = int(self.cap * TRIM_TO)
        for _, size, path in entries:
            if total <= goal:
                break
            _remove(path)
            total -= size


class HeldWrites:
    """Entries a thread held back (``holding``): the newest few, by text, until one is written."""

    def __init__(self, keep: int = 8) -> None:
        self._keep = keep
        self._entries: OrderedDict[str, tuple[FragmentCache, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, cache: FragmentCache, text: str, data: bytes) -> None:
        with self._lock:
            self._entries[text] = (cache, data)
            self._entries.move_to_end(text)
            while len(self._entries) > self._keep:
                self._entries.popitem(last=False)

    def write(self, text: str) -> bool:
        """Write the entry held for ``text`` (if any) and forget the others; True when written."""
        with self._lock:
            entry = self._entries.pop(text, None)
            self._entries.clear()
        if entry is None:
            return False
        cache, data = entry
        cache.write(text, data)
        return True


_HOLDER: ContextVar[HeldWrites | None] = ContextVar("fragment_writes_held", default=None)


@contextlib.contextmanager
def holding(held: HeldWrites) -> Iterator[None]:
    """Within: this thread reads the cache as usual, but what it would write goes to ``held``."""
    token = _HOLDER.set(held)
    try:
        yield
    finally:
        _HOLDER.reset(token)


def _read_rest(fd: int) -> bytes:
    parts = []
    while chunk := os.read(fd, 1 << 16):
        parts.append(chunk)
    return b"".join(parts)


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


_SHARED: list[FragmentCache | None] = []
_SHARED_FOR: list[str | None] = []
_SHARED_LOCK = threading.Lock()


def shared() -> FragmentCache | None:
    """This process's cache (None when turned off with DIGEST_DESK_FRAGMENT_CACHE=off), in
    the folder that variable names, else in the user's cache folder. Made on first use, and
    made again when the variable changes (tests and benchmarks point it elsewhere)."""
    setting = os.environ.get(CACHE_ENV)
    with _SHARED_LOCK:
        if not _SHARED or _SHARED_FOR[0] != setting:
            _SHARED[:] = [_make(setting)]
            _SHARED_FOR[:] = [setting]
        return _SHARED[0]


def template_cache() -> BytecodeCache | None:
    """Compiled templates kept beside the fragments (in the engine's folder: our code and the
    libraries' versions are the same), so a new process (``export --changed`` from a timer)
    does not compile them again; None when the cache is off or its folder cannot be made."""
    store = shared()
    if store is None:
        return None
    folder = store.folder / "templates"
    try:
        store.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _QuietBytecodeCache(str(folder))


class _QuietBytecodeCache(FileSystemBytecodeCache):
    """Compiled templates on disk, where a failure to store one is no error: the folder may
    be removed while a process still points at it (the user clears the cache, another engine
    version takes the cache over), and the template is then simply compiled again next time.
    (Reading already treats a missing file as a miss.)"""

    def dump_bytecode(self, bucket) -> None:  # noqa: ANN001 - jinja2's Bucket
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _make(setting: str | None) -> FragmentCache | None:
    if setting is not None and setting.strip().lower() in ("off", "0", "no", "false"):
        return None
    root = Path(setting) if setting else user_cache_path(APP_NAME, appauthor=False) / "fragments"
    return FragmentCache(root)

