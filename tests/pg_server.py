"""A PostgreSQL server for the tests: CI's (DIGEST_DESK_TEST_PG) or a throwaway cluster started here."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import uuid
from pathlib import Path

ENV = "DIGEST_DESK_TEST_PG"


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    for candidate in reversed(found):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    return None


def _runuser() -> str | None:
    """runuser lives in /usr/sbin, which CI's minimal PATH leaves out."""
    return shutil.which("runuser", path=os.pathsep.join((os.environ.get("PATH", ""), "/usr/sbin", "/sbin")))


def _as_owner(cmd: list[str]) -> list[str]:
    return [_runuser() or "runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class Cluster:
    """A cluster of our own in a temporary folder: Unix socket only, fsync off."""

    def __init__(self, bin_dir: Path, hba_first: tuple[str, ...] = ()) -> None:
        self.bin = bin_dir
        self.hba_first = hba_first  # pg_hba.conf lines ahead of initdb's "trust" (password roles)
        self.root = Path(tempfile.mkdtemp(prefix="digest-desk-pg-"))
        self.data, self.sock = self.root / "data", self.root / "sock"

    def start(self) -> str:
        self.data.mkdir()
        self.sock.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            for sub in (self.data, self.sock):
                shutil.chown(sub, "postgres")
        self.root.chmod(0o755)
        quiet = {"check": True, "capture_output": True, "text": True}
        subprocess.run(_as_owner([str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust",
                                  "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]), **quiet)
        if self.hba_first:
            hba = self.data / "pg_hba.conf"
            hba.write_text("\n".join(self.hba_first) + "\n" + hba.read_text())
        self.resume()
        return self.url

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@/postgres?host={self.sock}"

    def resume(self) -> None:
        """Start the server (again, after ``halt``) on its data folder."""
        # fsync off for speed; commits stay synchronous so what a test committed survives ``halt``
        options = f"-k {self.sock} -c listen_addresses='' -p 5432 -c fsync=off"
        subprocess.run(_as_owner([str(self.bin / "pg_ctl"), "-D", str(self.data), "-l",
                                  str(self.root / "server.log"), "-w", "-o", options, "start"]),
                       check=True, capture_output=True, text=True)

    def halt(self) -> None:
        """``pg_ctl stop -m immediate``: the server goes away at once, its data stays."""
        subprocess.run(_as_owner([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                                  "-w", "stop"]), capture_output=True)

    def _processes(self) -> list[int]:
        """The postmaster (from its pid file) and every process it started (the backends)."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == postmaster:
                children.append(int(stat.parent.name))
        return [postmaster, *children]

    def freeze(self) -> None:
        """The server stops answering (SIGSTOP): a network that silently drops everything."""
        for pid in self._processes():
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in self._processes():
            os.kill(pid, signal.SIGCONT)

    def freeze_for_at_most(self, seconds: float) -> threading.Timer:
        """Freeze the server and thaw it after ``seconds`` whatever happens (cancel the timer
        to thaw sooner): a window that hangs fails its test, never hangs the run."""
        self.freeze()
        rescue = threading.Timer(seconds, self.thaw)
        rescue.start()
        return rescue

    def stop(self) -> None:
        self.halt()
        shutil.rmtree(self.root, ignore_errors=True)


def unavailable_reason() -> str | None:
    """Why no server can be had here (None when one can)."""
    if os.environ.get(ENV):
        return None
    if _bin_dir() is None:
        return f"no PostgreSQL: set {ENV} or install Debian's postgresql package"
    if os.geteuid() == 0 and _runuser() is None:
        return "PostgreSQL cannot be started as root without runuser"
    return None


def private_cluster() -> Cluster:
    """A cluster of the caller's own (to stop and restart in a test); the caller stops it."""
    bin_dir = _bin_dir()
    assert bin_dir is not None, "no PostgreSQL binaries"
    cluster = Cluster(bin_dir)
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    return cluster


def start_restartable() -> tuple[Cluster, str]:
    """A private cluster (``halt``/``resume`` restart it; the caller stops it) and a fresh
    database on it."""
    cluster = private_cluster()
    try:
        return cluster, create_database(cluster.url)
    except BaseException:
        cluster.stop()
        raise


def start_server() -> tuple[str, Cluster | None]:
    """The base URL of a server (CI's, or a new cluster the caller must stop)."""
    url = os.environ.get(ENV)
    if url:
        return url, None
    bin_dir = _bin_dir()
    assert bin_dir is not None
    cluster = Cluster(bin_dir)
    try:
        return cluster.start(), cluster
    except BaseException:
        cluster.stop()
        raise


def _admin(base_url: str):
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(base_url).set(drivername="postgresql")
    return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)


def create_database(base_url: str) -> str:
    """A new empty database on the server; its URL."""
    from sqlalchemy.engine import make_url

    name = "t_" + uuid.uuid4().hex[:16]
    with _admin(base_url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


def drop_database(base_url: str, url: str) -> None:
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    with _admin(base_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


PASSWORD_GROUP = "digest_password_users"


class PasswordServer:
    """A cluster of our own where members of PASSWORD_GROUP must give a password (scram over the
    Unix socket); everyone else is trusted, so the tests can set it up as ``postgres``."""

    def __init__(self) -> None:
        bin_dir = _bin_dir()
        assert bin_dir is not None
        self.cluster = Cluster(bin_dir, (f"local all +{PASSWORD_GROUP} scram-sha-256",))
        self.base_url = self.cluster.start()
        self.socket = str(self.cluster.sock)
        with _admin(self.base_url) as conn:
            conn.execute(f"CREATE ROLE {PASSWORD_GROUP} NOLOGIN")

    def add_editor(self, password: str) -> tuple[str, str]:
        """A new role that needs ``password`` and owns a new database; (role, database)."""
        role, database = "ed_" + uuid.uuid4().hex[:10], "news_" + uuid.uuid4().hex[:10]
        with _admin(self.base_url) as conn:
            quoted = password.replace("'", "''")
            conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{quoted}' IN ROLE {PASSWORD_GROUP}")
            conn.execute(f'CREATE DATABASE "{database}" OWNER {role}')
        return role, database

    def dump(self, database: str) -> str:
        """pg_dump of a database as plain SQL (the data and the schema)."""
        cmd = [str(self.cluster.bin / "pg_dump"), "-h", self.socket, "-U", "postgres", "-d", database]
        return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout

    def stop(self) -> None:
        self.cluster.stop()
