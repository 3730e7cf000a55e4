"""Fixtures for every test: a fresh database file per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest_desk.store import Store, open_store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Store:
    s = open_store(db_path)
    yield s
    s.close()
