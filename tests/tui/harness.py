"""One harness for TUI tests: a real store with the demo data, a real daemon with emulated devices,
real apps signed in as staff sign in, and waiting for what the screen shows.

- `prepare` / `prepare_store`: a config file and a store copied from a template, for tests that
  need no daemon (the demo data is loaded once per session: hashing six PINs takes a while);
- `tui_van`: the store, a daemon in this process and a client as another program has it;
- `signed_in`: sign in through the login screen; `sign_in_and_open`: put a clerk at intake;
- `until`: let the app run until something shows; `screen_text` and `footer_keys`: what staff see.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import io
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from sqlite_utils import Database
from textual.pilot import Pilot

from daemon.client import DaemonClient
from daemon.service import Daemon
from db import demo, tickets, trips
from db import staff as staff_store
from db.connection import open_store
from db.demo import DemoData
from db.staff import Staff
from flows.session import Session
from govan import config as config_module
from govan.config import Config
from tests.support.stores import copy_store
from tests.support.van import connected_client, running_daemon, write_config
from tui.app import GovanApp
from tui.key_list import key_entries

# s01 林晓燕 sits at window 1 and serves queue A (公安) in the demo data.
CLERK_LOGIN, CLERK_PIN, CLERK_WINDOW = "s01", "2222", "1"
SIM_DEVICES = {"devices": {name: {"driver": "sim"} for name in ("idreader", "scanner", "printer", "camera")}}


@dataclass
class Desk:
    config: Config
    trip_id: int
    clerk: Staff


def prepare(directory: Path, settings: dict[str, Any] | None = None, *, now: datetime | None = None) -> Desk:
    """A config file (no daemon needed), and the store as `prepare_store` fills it."""
    return prepare_store(config_module.load(write_config(directory, settings)), now=now)


_TEMPLATES: dict[datetime | None, tuple[Path, int, Staff]] = {}


def prepare_store(config: Config, *, now: datetime | None = None) -> Desk:
    """A store with the demo catalogue, staff and today's open trip, copied from a template."""
    config.data_path.mkdir(parents=True, exist_ok=True)
    if now not in _TEMPLATES:
        folder = tempfile.mkdtemp(prefix="govan-tui-store-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        template = Path(folder) / "govan.db"
        store = open_store(template)
        try:
            data = demo.load(store, tz=config.tz, **({"now": now} if now else {}))
            clerk = staff_store.authenticate(store, CLERK_LOGIN, CLERK_PIN)
        finally:
            store.close()
        _TEMPLATES[now] = (template, data.trip_id, clerk)
    template, trip_id, clerk = _TEMPLATES[now]
    copy_store(template, config.database_path)
    return Desk(config, trip_id, clerk)


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
    def receipts(self) -> list[Any]:
        return list(self.daemon.runtimes["printer"].unit.emulator.receipts)

    def sim(self, device: str, action: str, payload: dict[str, Any]) -> None:
        """Drive an emulator the way a trainer or the rig does: over its sim topic."""
        self.client.publish(self.client.topics.sim(device, action), payload)


@contextlib.asynccontextmanager
async def tui_van(directory: Path, settings: dict[str, Any] | None = None) -> AsyncIterator[TuiVan]:
    config = config_module.load(write_config(directory, {**SIM_DEVICES, **(settings or {})}))
    config.data_path.mkdir(parents=True, exist_ok=True)
    store = open_store(config.database_path)
    data = demo.load(store, tz=config.tz)
    try:
        async with running_daemon(config) as daemon, connected_client(config) as client:
            yield TuiVan(config, daemon, client, data, store)
    finally:
        store.close()


async def until(pilot: Pilot, condition: Callable[[], Any], timeout: float = 10.0, what: str = "") -> Any:
    """Let the app run until `condition()` is truthy and return it; fail saying `what` on timeout."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        await pilot.pause()
        value = condition()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition.__doc__ or condition}")
        await asyncio.sleep(0.02)


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


def call_ticket(app: GovanApp, desk: Desk, item_code: str | None, *, now: datetime | None = None) -> int:
    """Issue a ticket for the item and call it to the clerk's window, as the desk and window would."""
    store = app.store
    ticket = tickets.issue_ticket(
        store, desk.trip_id, item_code=item_code, category=None if item_code else "A", now=now
    )
    called = tickets.call_next(store, desk.trip_id, CLERK_WINDOW, now=now)
    assert called is not None and called.id == ticket.id
    return ticket.id


def sign_in_and_open(app: GovanApp, desk: Desk, ticket_id: int, **screen_args: Any) -> None:
    """The clerk is signed in at their window; the window starts service on the ticket."""
    app.session = Session(desk.clerk, trips.current_trip(app.store))
    if screen_args:
        from tui.screens.intake import IntakeScreen

        app.push_screen(IntakeScreen(ticket_id, **screen_args))
    else:
        app.open_intake(ticket_id)


async def daemon_ready(
    app: GovanApp, pilot: Pilot, devices: tuple[str, ...] = ("idreader", "scanner", "printer", "camera")
) -> None:
    """The app's own link hears the daemon and the devices are ready: events from now on reach it."""
    await until(
        pilot,
        lambda: (
            app.link.status.daemon_online and all(app.link.status.devices[name].state == "ready" for name in devices)
        ),
        15,
        "the daemon",
    )


def screen_text(app: GovanApp) -> str:
    """Every character on the terminal now, modal screens and footer included, as plain text."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


def footer_keys(app: GovanApp) -> list[str]:
    """The keys the screen offers now (greyed ones left out), as staff read them: "f5 下一步"."""
    return [f"{entry.keys} {entry.description}" for entry in key_entries(app.screen) if entry.enabled]
