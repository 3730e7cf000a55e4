"""Fixtures for every test: a fresh database per test (a SQLite file, or a PostgreSQL database
for modules marked ``both_engines``, which then run once on each engine)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from digest_desk.store import Store, open_store
from tests import pg_server

ENGINES = ("sqlite", "postgresql")
# Every module under these folders runs on both engines (as if marked ``both_engines``).
BOTH_ENGINE_DIRS = tuple(Path(__file__).parent / d for d in ("unit/export", "unit/links", "unit/checks"))


@pytest.fixture(scope="session", autouse=True)
def fragment_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The render fragment cache of this test run, in a temporary folder (never the user's):
    on, so pages rendered twice in a run come once from markdown and once from the cache."""
    folder = tmp_path_factory.mktemp("fragments")
    before = os.environ.get("DIGEST_DESK_FRAGMENT_CACHE")
    os.environ["DIGEST_DESK_FRAGMENT_CACHE"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("DIGEST_DESK_FRAGMENT_CACHE", None)
    else:
        os.environ["DIGEST_DESK_FRAGMENT_CACHE"] = before


def _on_both_engines(metafunc: pytest.Metafunc) -> bool:
    if metafunc.definition.get_closest_marker("both_engines") is not None:
        return True
    return Path(str(metafunc.definition.path)).parent in BOTH_ENGINE_DIRS


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests of a ``both_engines`` module that use the database run on each engine."""
    if "engine_name" not in metafunc.fixturenames or not _on_both_engines(metafunc):
        return
    if metafunc.definition.get_closest_marker("sqlite_only") is not None:
        return
    metafunc.parametrize("engine_name", ENGINES, indirect=True)


@pytest.fixture
def engine_name(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_base_url() -> Iterator[str]:
    """The PostgreSQL server of this run: skipped with the reason when there is none, except in
    CI, where a missing server is a failure (the team-server tests must never skip there)."""
    reason = pg_server.unavailable_reason()
    if reason is not None:
        if os.environ.get("DIGEST_DESK_CI"):
            pytest.fail(f"PostgreSQL tests cannot run in CI: {reason}")
        pytest.skip(reason)
    url, cluster = pg_server.start_server()
    try:
        yield url
    finally:
        if cluster is not None:
            cluster.stop()


@pytest.fixture
def pg_url(pg_base_url: str) -> Iterator[str]:
    """A new empty PostgreSQL database (dropped after the test)."""
    url = pg_server.create_database(pg_base_url)
    yield url
    pg_server.drop_database(pg_base_url, url)


@pytest.fixture
def db_path(engine_name: str, tmp_path: Path, request: pytest.FixtureRequest) -> Path | str:
    """Where the test's database lives: a SQLite file path, or a PostgreSQL URL."""
    if engine_name == "postgresql":
        return request.getfixturevalue("pg_url")
    return tmp_path / "test.sqlite3"


@pytest.fixture
def store(db_path: Path | str) -> Iterator[Store]:
    s = open_store(db_path)
    yield s
    s.close()


@pytest.fixture
def own_cluster():
    """A PostgreSQL cluster of this test's own, so the test may stop, restart or freeze it."""
    from tests import pg_server

    if pg_server._bin_dir() is None or (os.geteuid() == 0 and pg_server.unavailable_reason()):
        if os.environ.get("DIGEST_DESK_CI"):
            pytest.fail("this test needs PostgreSQL's binaries in CI (a cluster of its own)")
        pytest.skip("no PostgreSQL binaries to start a cluster of our own")
    cluster = pg_server.private_cluster()
    yield cluster
    cluster.stop()
