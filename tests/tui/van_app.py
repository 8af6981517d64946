"""A van for TUI tests: demo data in a real store, a real daemon with sim devices, real apps."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database
from textual.pilot import Pilot

from daemon.client import DaemonClient
from daemon.service import Daemon
from db import demo
from db.connection import open_store
from db.demo import DemoData
from govan import config as config_module
from govan.config import Config
from tests.support.van import connected_client, running_daemon, write_config
from tui.app import GovanApp

SIM_DEVICES = {"devices": {name: {"driver": "sim"} for name in ("idreader", "scanner", "printer", "camera")}}


@dataclass
class TuiVan:
    config: Config
    daemon: Daemon
    client: DaemonClient
    demo: DemoData
    store: Database

    def window_login(self, window: str) -> str:
        return next(login.login for login in self.demo.logins if login.window == window)

    @property
    def desk_login(self) -> str:
        return next(login.login for login in self.demo.logins if login.window is None)

    @property
    def receipts(self) -> list:
        return list(self.daemon.runtimes["printer"].unit.emulator.receipts)

    def sim(self, device: str, action: str, payload: dict) -> None:
        """Drive an emulator the way a trainer or the rig does: over its sim topic."""
        self.client.publish(self.client.topics.sim(device, action), payload)


@contextlib.asynccontextmanager
async def tui_van(directory: Path, settings: dict | None = None) -> AsyncIterator[TuiVan]:
    config = config_module.load(write_config(directory, {**SIM_DEVICES, **(settings or {})}))
    config.data_path.mkdir(parents=True, exist_ok=True)
    store = open_store(config.database_path)
    data = demo.load(store, tz=config.tz)
    try:
        async with running_daemon(config) as daemon, connected_client(config) as client:
            yield TuiVan(config, daemon, client, data, store)
    finally:
        store.close()


async def until(pilot: Pilot, check: Callable[[], object], timeout: float = 10.0) -> None:
    """Let the app run until `check()` is true; fail the test after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"not true within {timeout} s: {check.__doc__ or check}")
        await pilot.pause(0.05)


async def signed_in(app: GovanApp, pilot: Pilot, van: TuiVan, login: str) -> None:
    """Sign in as a person would: choose yourself on the login screen, type the PIN."""
    await until(pilot, lambda: type(app.screen).__name__ == "LoginScreen")
    options = app.screen.query_one("#login-staff")
    options.highlighted = next(i for i in range(options.option_count) if options.get_option_at_index(i).id == login)
    await pilot.press("enter")
    pin = next(person.pin for person in van.demo.logins if person.login == login)
    await pilot.press(*pin, "enter")
    await until(pilot, lambda: type(app.screen).__name__ in ("DeskScreen", "WindowScreen", "NoTripScreen"))
    await until(pilot, lambda: app.link.status.daemon_online)
