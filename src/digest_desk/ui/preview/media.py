"""A private folder the previews load from: the page's base URL and the pictures it shows."""

from __future__ import annotations

import secrets
import tempfile
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

MediaLoader = Callable[[str], bytes | None]
# The web previews load their page and pictures through this scheme, never through file:// URLs.
PREVIEW_SCHEME = "dd-preview"


class NotNow(Exception):
    """A loader cannot read the picture now (a team server away or silent): ask again with the
    next render rather than counting it as missing."""


class MediaFolder:
    """Writes media from the store to ``<tmp>/media/NAME`` so ``media/NAME`` resolves offline."""

    def __init__(self, loader: MediaLoader | None = None) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="digest-desk-preview-")
        self.root = Path(self._tmp.name)
        self.media_dir = self.root / "media"
        self.media_dir.mkdir()
        self.loader = loader
        self._written: dict[str, str] = {}
        self._lock = threading.Lock()
        self.host = "p" + secrets.token_hex(8)  # this folder's name under the preview scheme
        self.web = False  # True: pages address the folder through PREVIEW_SCHEME, not file://

    @property
    def web_root(self) -> str:
        """The folder's address in the web previews (ends with a slash)."""
        return f"{PREVIEW_SCHEME}://{self.host}/"

    @property
    def media_prefix(self) -> str:
        """Absolute URL prefix of the pictures (ends with a slash), for the kind of view in use."""
        return self.web_root + "media/" if self.web else self.media_dir.as_uri() + "/"

    def sync(self, media: Mapping[str, Any]) -> int:
        """Write pictures not yet on disk (or changed); returns how many files were written."""
        written = 0
        with self._lock:
            for name, image in media.items():
                if _unsafe(name):
                    continue
                stamp = str(getattr(image, "sha256", "") or getattr(image, "id", "") or name)
                if self._written.get(name) == stamp:
                    continue
                # media_map() defers the bytes: read them only if already loaded, else ask the loader.
                loaded = getattr(image, "__dict__", {}).get("data")
                try:
                    data = loaded or (self.loader(name) if self.loader else None)
                except NotNow:
                    continue  # not recorded: the next render asks again
                if data is None:  # a remote picture, or gone: do not ask again for this version
                    self._written[name] = stamp
                    continue
                (self.media_dir / name).write_bytes(data)
                self._written[name] = stamp
                written += 1
        return written

    def close(self) -> None:
        self._tmp.cleanup()


def _unsafe(name: str) -> bool:
    return not name or "/" in name or "\\" in name or name in (".", "..")
