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
from tests.db.support import Van, build_van, open_van
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
    van = open_van(path)
    yield van
    van.db.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Database]:
    """An empty, migrated store."""
    database = db.open_store(tmp_path / "govan.db")
    yield database
    database.close()
