"""A throwaway PostgreSQL cluster of a test's own that can be stopped and started again (server restarts)."""

from __future__ import annotations

import subprocess

from tests import pg_server


class RestartableCluster(pg_server.Cluster):
    """pg_server's cluster plus ``pause()`` (an immediate stop, as a crash) and ``resume()``."""

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run(pg_server._as_owner([str(self.bin / "pg_ctl"), "-D", str(self.data), *args]),
                       check=True, capture_output=True, text=True)

    def pause(self) -> None:
        self._pg_ctl("-m", "immediate", "-w", "stop")

    def resume(self) -> None:
        options = f"-k {self.sock} -c listen_addresses='' -p 5432 -c fsync=off -c synchronous_commit=off"
        self._pg_ctl("-l", str(self.root / "server.log"), "-w", "-o", options, "start")


def start_restartable() -> tuple[RestartableCluster, str]:
    """A new cluster (the caller stops it) and the URL of a fresh database on it."""
    bin_dir = pg_server._bin_dir()
    assert bin_dir is not None, "no PostgreSQL binaries"
    cluster = RestartableCluster(bin_dir)
    try:
        base = cluster.start()
        return cluster, pg_server.create_database(base)
    except BaseException:
        cluster.stop()
        raise
