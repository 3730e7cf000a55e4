"""Resource and database paths from a checkout, a frozen bundle and the environment."""

from __future__ import annotations

import sys
from pathlib import Path

from digest_desk import paths

REPO = Path(__file__).resolve().parents[2]


def test_checkout_resources_are_the_repository_folder():
    assert paths.resources_dir() == REPO / "resources"
    assert (paths.samples_dir() / "site.yaml").is_file()
    assert paths.app_icon_path().read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert paths.app_icon_path(256).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_frozen_bundle_resources_win(tmp_path, monkeypatch):
    bundled = tmp_path / "digest_desk" / "resources"
    (bundled / "templates").mkdir(parents=True)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.resources_dir() == bundled
    assert paths.templates_dir() == bundled / "templates"


def test_database_path_order(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(paths.ENV_DB, raising=False)
    default, is_default = paths.resolve_db_path(None)
    assert is_default and default == tmp_path / "xdg" / "digest-desk" / "digest-desk.sqlite3"
    monkeypatch.setenv(paths.ENV_DB, str(tmp_path / "env.sqlite3"))
    assert paths.resolve_db_path(None) == (tmp_path / "env.sqlite3", False)
    assert paths.resolve_db_path(str(tmp_path / "cli.sqlite3")) == (tmp_path / "cli.sqlite3", False)
