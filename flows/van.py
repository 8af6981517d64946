"""What a flow needs from the outside world, in one object built once per terminal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import msgspec
from sqlite_utils import Database

from daemon.messages import JobResult, Status
from daemon.topics import Topics
from govan.config import Config

__all__ = ["Bus", "Van"]


class Bus(Protocol):
    """The daemon and the other terminals, over MQTT: `daemon.client.DaemonClient` is one."""

    @property
    def topics(self) -> Topics: ...

    @property
    def status(self) -> Status: ...

    def publish(self, topic: str, message: msgspec.Struct, *, retain: bool = False) -> None: ...

    async def command(self, device: str, name: str, message: msgspec.Struct, *, timeout: float) -> JobResult: ...


@dataclass
class Van:
    store: Database
    config: Config
    bus: Bus
    # This terminal's id on the bus: its staff broker user, e.g. "govan-tui-3".
    terminal: str
    clock: Callable[[], datetime] = field(default=lambda: datetime.now().astimezone())

    def now(self) -> datetime:
        return self.clock().astimezone(self.config.tz)
