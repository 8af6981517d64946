"""A van for flow tests: demo data in a real SQLite file, a real daemon with emulated devices, no Textual."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from daemon.client import DaemonClient
from daemon.messages import CardEvent, QueueEvent, ScanEvent
from daemon.service import Daemon
from db import demo
from db.connection import open_store
from db.demo import DemoData
from flows.van import Van
from govan import config as config_module
from tests.support.aio import within
from tests.support.van import connected_client, running_daemon, write_config

SIM_DEVICES = {"devices": {name: {"driver": "sim"} for name in ("idreader", "scanner", "printer", "camera")}}


@dataclass
class FlowVan:
    """One terminal's `Van`, and the daemon and demo data behind it."""

    van: Van
    daemon: Daemon
    client: DaemonClient
    demo: DemoData

    def staff_id(self, login: str) -> int:
        return next(row["id"] for row in self.van.store.query("SELECT id FROM staff WHERE login = ?", [login]))

    @property
    def receipts(self) -> list[Any]:
        return list(self.daemon.runtimes["printer"].unit.emulator.receipts)


@contextlib.asynccontextmanager
async def flow_van(directory: Path, settings: dict[str, Any] | None = None) -> AsyncIterator[FlowVan]:
    config = config_module.load(write_config(directory, {**SIM_DEVICES, **(settings or {})}))
    config.data_path.mkdir(parents=True, exist_ok=True)
    store = open_store(config.database_path)
    data = demo.load(store, tz=config.tz)
    try:
        async with running_daemon(config) as daemon, connected_client(config) as client:
            van = Van(store, config, client, clock=lambda: datetime.now(config.tz))
            yield FlowVan(van, daemon, client, data)
    finally:
        store.close()


WAIT = 15.0  # liveness bound only
T = TypeVar("T")


async def until(condition: Callable[[], T], what: str) -> T:
    async def wait() -> T:
        while not (value := condition()):
            await asyncio.sleep(0.02)
        return value

    try:
        return await within(WAIT, wait())
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


@dataclass
class Events:
    """Every card and scan the daemon publishes, as a terminal's link hears them before claims."""

    cards: list[CardEvent]
    scans: list[ScanEvent]
    queue: list[QueueEvent]


@contextlib.asynccontextmanager
async def heard(client: DaemonClient) -> AsyncIterator[Events]:
    events = Events([], [], [])

    async def listen() -> None:
        async for event in client.events():
            if isinstance(event, CardEvent):
                events.cards.append(event)
            elif isinstance(event, ScanEvent):
                events.scans.append(event)
            elif isinstance(event, QueueEvent):
                events.queue.append(event)

    task = asyncio.create_task(listen())
    await asyncio.sleep(0.1)  # subscribed
    try:
        yield events
    finally:
        task.cancel()


def sim(fv: FlowVan, device: str, action: str, payload: dict[str, Any]) -> None:
    fv.client.publish(fv.client.topics.sim(device, action), payload)


async def devices_ready(fv: FlowVan, *devices: str) -> None:
    await until(
        lambda: (
            fv.client.status.daemon_online and all(fv.client.status.devices[name].state == "ready" for name in devices)
        ),
        "the devices",
    )
