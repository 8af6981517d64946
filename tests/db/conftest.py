"""Fixtures for the store tests: real SQLite files, a van with a crew and an open trip.

Building the van hashes PINs with scrypt, so it is built once per session into a
template file that each test copies.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

import db
from tests.db.support import Van, build_van
from tests.support.stores import copy_store


@pytest.fixture(scope="session")
def van_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "govan.db"
    build_van(path)
    return path


@pytest.fixture
def van(van_template: Path, tmp_path: Path) -> Iterator[Van]:
    path = tmp_path / "govan.db"
    copy_store(van_template, path)
    store = db.open_store(path)
    ids = {row["login"]: row["id"] for row in store.query("SELECT id, login FROM staff")}
    yield Van(
        path=path,
        db=store,
        trip_id=1,
        captain=ids["c1"],
        s1=ids["s1"],
        s2=ids["s2"],
        s3=ids["s3"],
        dispatcher=ids["d1"],
    )
    store.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Database]:
    """An empty, migrated store."""
    database = db.open_store(tmp_path / "govan.db")
    yield database
    database.close()
