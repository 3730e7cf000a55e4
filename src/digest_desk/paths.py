"""The one place that knows where resources and the default database live."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "digest-desk"
ENV_DB = "DIGEST_DESK_DB"
RESOURCE_FOLDERS = ("templates", "css", "icons", "samples")


def _candidates() -> list[Path]:
    here = Path(__file__).resolve().parent
    found: list[Path] = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:  # PyInstaller bundle
        found.append(Path(frozen_root) / "digest_desk" / "resources")
        found.append(Path(frozen_root) / "resources")
    found.append(here / "resources")  # installed wheel: resources packed inside the package
    found.append(here.parent.parent / "resources")  # checkout or editable install: src/digest_desk -> repo root
    return found


def resources_dir() -> Path:
    """Folder holding templates/, css/, icons/ and samples/."""
    for candidate in _candidates():
        if any((candidate / sub).is_dir() for sub in RESOURCE_FOLDERS):
            return candidate
    tried = ", ".join(str(c) for c in _candidates())
    raise FileNotFoundError(f"Digest Desk resources not found (looked in {tried})")


def resource(*parts: str) -> Path:
    """Path of one file or folder under resources/."""
    return resources_dir().joinpath(*parts)


def templates_dir() -> Path:
    return resource("templates")


def samples_dir() -> Path:
    return resource("samples")


def icons_dir() -> Path:
    return resource("icons")


def app_icon_path(size: int | None = None) -> Path:
    """The app icon: the SVG source, or the PNG rendered at ``size`` pixels (256 is shipped)."""
    return icons_dir() / ("digest-desk.svg" if size is None else f"digest-desk-{size}.png")


def data_dir() -> Path:
    """Per-user data folder (created on demand)."""
    path = user_data_path(APP_NAME, appauthor=False)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        path.chmod(0o700)  # the database, backups and recovery files: the editor's alone
    return path


def default_db_path() -> Path:
    return data_dir() / "digest-desk.sqlite3"


def resolve_db_path(cli_value: str | os.PathLike[str] | None) -> tuple[Path | str, bool]:
    """Database path from --db, else DIGEST_DESK_DB, else the user data folder.

    Returns the path (or, for a server, its URL as given: ``postgresql+psycopg://…``) and
    whether it is the default one (which gets demo content on first run).
    """
    for value in (cli_value, os.environ.get(ENV_DB)):
        if value and "://" in str(value):
            return str(value), False
        if value:
            return Path(value).expanduser(), False
    return default_db_path(), True
