"""A throw-away PostgreSQL cluster for the store tests: 127.0.0.1, a free port, its own socket
directory, ``fsync`` off; started once per test session and removed at the end.

``initdb`` refuses to run as root, so under root every server command runs as the ``postgres``
OS user (``runuser``/``su``). Missing binaries, a missing ``postgres`` user or a missing
psycopg skip the PostgreSQL half of the suite with the reason.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SERVER_USER = "postgres"


def find_pg_bin() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` with initdb and pg_ctl, else the ones on PATH."""

    def version(path: str) -> int:
        part = Path(path).parent.parent.name
        return int(part) if part.isdigit() else 0

    for initdb in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version, reverse=True):
        folder = Path(initdb).parent
        if (folder / "pg_ctl").exists():
            return folder
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _user_prefix() -> list[str]:
    """How to run a server command: as is, or as the postgres OS user when we are root."""
    if os.geteuid() != 0:
        return []
    if shutil.which("runuser"):
        return ["runuser", "-u", SERVER_USER, "--"]
    return ["su", SERVER_USER, "-s", "/bin/sh", "-c", '"$0" "$@"']


@dataclass
class PgCluster:
    """One running throw-away cluster. ``url(db)`` names a database on it."""

    bin_dir: Path
    root: Path
    port: int = 0
    prefix: list[str] = field(default_factory=list)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{SERVER_USER}@127.0.0.1:{self.port}/{dbname}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.prefix, *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            check=check,
            timeout=120,
        )

    def init(self) -> None:
        self._run(
            str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", SERVER_USER,
            "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        """Start the server (nothing to do when it runs)."""
        if self.data.joinpath("postmaster.pid").exists() and self.is_running():
            return
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.socket_dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=60 -c shared_buffers=32MB"
        )
        done = self._run(
            str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"),
            "-w", "-t", "60", "-o", options, "start", check=False,
        )  # fmt: skip
        if done.returncode != 0:
            log = (self.root / "log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"pg_ctl start failed: {done.stderr.strip()} {log}")

    def stop(self, mode: str = "fast") -> None:
        done = self._run(
            str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60",
            "stop", check=False,
        )  # fmt: skip
        if done.returncode != 0 and self.is_running():
            raise RuntimeError(f"pg_ctl stop failed: {done.stderr.strip()}")

    def is_running(self) -> bool:
        done = self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "status", check=False)
        return done.returncode == 0

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" STRATEGY FILE_COPY')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        import psycopg

        name = url.rsplit("/", 1)[1]
        if not self.is_running():
            self.start()
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_cluster() -> PgCluster:
    """Start a cluster, or skip the calling test with the reason it cannot be."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg not installed (pip install 'newsprism[postgres]')")
    bin_dir = find_pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found")
    prefix = _user_prefix()
    if prefix:
        import pwd

        try:
            owner = pwd.getpwnam(SERVER_USER)
        except KeyError:
            pytest.skip(f"running as root and there is no {SERVER_USER!r} OS user for initdb")
    # Under root the postgres user must reach the folder: /tmp, not a private $TMPDIR.
    base = "/tmp" if prefix and Path("/tmp").is_dir() else tempfile.gettempdir()
    _remove_stale_clusters(Path(base), bin_dir, prefix)
    root = Path(tempfile.mkdtemp(prefix="newsprism-pg-", dir=base))
    cluster = PgCluster(bin_dir=bin_dir, root=root, prefix=prefix)
    (root / "sock").mkdir()
    (root / "owner.pid").write_text(str(os.getpid()))
    if prefix:
        for path in (root, root / "sock"):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    try:
        cluster.init()
        for attempt in range(3):
            cluster.port = _free_port()
            try:
                cluster.start()
                break
            except RuntimeError:
                if attempt == 2:
                    raise
                time.sleep(0.2)
    except (subprocess.SubprocessError, RuntimeError, OSError) as exc:
        shutil.rmtree(root, ignore_errors=True)
        detail = getattr(exc, "stderr", None) or str(exc)
        pytest.fail(f"could not start a throw-away PostgreSQL cluster: {detail}")
    return cluster


def _remove_stale_clusters(base: Path, bin_dir: Path, prefix: list[str]) -> None:
    """Stop and remove clusters left behind by a test run that was killed (owner gone)."""
    for root in base.glob("newsprism-pg-*"):
        try:
            owner = int((root / "owner.pid").read_text())
            os.kill(owner, 0)
        except ProcessLookupError:
            remove_cluster(PgCluster(bin_dir=bin_dir, root=root, prefix=prefix))
        except (OSError, ValueError):
            continue  # alive (or not ours to judge)


def remove_cluster(cluster: PgCluster) -> None:
    cluster.stop("immediate")
    shutil.rmtree(cluster.root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A running throw-away PostgreSQL cluster for the whole session (skips when impossible)."""
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        remove_cluster(cluster)


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> Iterator[str]:
    """A fresh empty database on the throw-away cluster, dropped after the test."""
    url = pg_cluster.create_database()
    try:
        yield url
    finally:
        pg_cluster.drop_database(url)
