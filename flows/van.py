"""What a flow needs from the outside world, in one object built once per terminal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

import msgspec
from sqlite_utils import Database

from core import sealing
from daemon.messages import Holder, JobResult, Status
from daemon.topics import Topics
from db import connection
from govan.config import Config

__all__ = ["Bus", "Van", "open_store"]


class Bus(Protocol):
    """The daemon and the other terminals, over MQTT: `daemon.client.DaemonClient` is one.

    `command`, `claim` and `release` raise `daemon.client.CommandTimeout` when no result
    comes in time, and `daemon.client.BrokerUnreachable` when there is no connection.
    """

    @property
    def topics(self) -> Topics: ...

    @property
    def status(self) -> Status: ...

    @property
    def terminal(self) -> str:
        """This terminal's id on the bus: its staff broker user, e.g. "govan-tui-3"."""
        ...

    def publish(self, topic: str, message: msgspec.Struct, *, retain: bool = False) -> None: ...

    async def command(self, device: str, name: str, message: msgspec.Struct, *, timeout: float) -> JobResult: ...

    async def claim(self, device: str, label: str, *, take: bool = False) -> JobResult: ...

    async def release(self, device: str) -> JobResult: ...

    def holder(self, device: str) -> Holder: ...


@dataclass
class Van:
    store: Database
    config: Config
    bus: Bus
    clock: Callable[[], datetime] = field(default=lambda: datetime.now().astimezone())

    @property
    def terminal(self) -> str:
        return self.bus.terminal

    def now(self) -> datetime:
        return self.clock().astimezone(self.config.tz)

    def read_capture(self, path: str) -> bytes:
        """A capture's picture, unsealed in memory to show it (never written out in the clear)."""
        # From the store's path, not its connection: pictures are drawn in a worker thread.
        return sealing.open_capture(connection.store_keys(self.config.database_path).files, Path(path))


def open_store(config: Config) -> Database:
    """This terminal's connection to the van's store (`config.database_path`), its schema brought up to date.

    Raises `db.errors.StoreError` (its problem says why) when the file cannot be opened or used.
    """
    return connection.open_store(config.database_path)
