"""Shared fixtures. Everything is real: config files, brokers, daemons, ptys, SQLite files.

- `mosquitto`: a started mosquitto using the shipped config (skips without the binary,
  fails instead when GOVAN_REQUIRE_MOSQUITTO=1, as in CI).
- `broker_kind`: parametrizes a test over "embedded" and "mosquitto".
- `van_factory`: `async with van_factory({"devices": {"printer": {"driver": "sim"}}}) as van:`
  starts the daemon in-process on a real broker and gives `van.client` (online),
  `van.daemon`, `van.runtime("printer").unit`, `van.topics`, `van.config`.
  Pass `broker=mosquitto` to use mosquitto instead of the embedded broker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import pytest

from govan.config import Config
from tests.support.mosquitto import MosquittoBroker
from tests.support.van import Van, start_van


@pytest.fixture
def mosquitto(tmp_path: Path) -> Iterator[MosquittoBroker]:
    directory = tmp_path / "mosquitto"
    broker = MosquittoBroker(directory, Config())
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture(params=["embedded", "mosquitto"])
def broker_kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def van_factory(tmp_path: Path) -> Callable[..., object]:
    counter = iter(range(1000))

    def factory(
        settings: dict | None = None, *, broker: MosquittoBroker | None = None
    ) -> AbstractAsyncContextManager[Van]:
        directory = tmp_path / f"van{next(counter)}"
        directory.mkdir()
        return start_van(directory, settings, broker=broker)

    return factory


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[tuple[object, str]]:
    """One real PostgreSQL for the whole session (see tests/support/postgres.py); start it once, it is slow."""
    from tests.support.postgres import running_server

    with running_server() as (server, url):
        yield server, url


@pytest.fixture
def central_db(postgres_server: tuple[object, str]) -> str:
    """A fresh, empty database of the session's server, for one test."""
    from tests.support.postgres import fresh_database

    return fresh_database(postgres_server[1])
