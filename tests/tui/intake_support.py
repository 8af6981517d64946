"""Getting a real app to the intake screen: a real store with the demo data, a seated clerk,
a called ticket; and waiting for what the screen shows."""

from __future__ import annotations

import asyncio
import atexit
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from db import demo, tickets, trips
from db import staff as staff_store
from db.connection import open_store
from db.staff import Staff
from govan import config as config_module
from govan.config import Config
from tests.support.van import write_config
from tui.app import GovanApp
from tui.session import Session

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
    """A store with the demo catalogue, staff and today's open trip.

    The demo data is loaded once per test session (hashing six PINs takes a while) and
    the closed SQLite file copied for each test.
    """
    config.data_path.mkdir(parents=True, exist_ok=True)
    if now not in _TEMPLATES:
        folder = tempfile.mkdtemp(prefix="govan-intake-store-")
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
    shutil.copyfile(template, config.database_path)
    return Desk(config, trip_id, clerk)


def call_ticket(app: GovanApp, desk: Desk, item_code: str | None, *, now: datetime | None = None) -> int:
    """Issue a ticket for the item and call it to the clerk's window, as the desk and window would."""
    store = app.store
    ticket = tickets.issue_ticket(store, desk.trip_id, item_code=item_code, category=None if item_code else "A",
                                  now=now)
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


async def daemon_ready(app: GovanApp, pilot, devices: tuple[str, ...] = ("idreader", "scanner", "printer", "camera")) -> None:  # noqa: ANN001
    """The app's own link hears the daemon and the devices are ready: events from now on reach it."""
    await until(pilot, lambda: app.link.status.daemon_online
                and all(app.link.status.devices[name].state == "ready" for name in devices), 15, "the daemon")


async def until(pilot, condition: Callable[[], object], timeout: float = 10.0, what: str = "") -> Any:  # noqa: ANN001
    """Let the app run until `condition()` is truthy; fail saying `what` on timeout."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        await pilot.pause()
        value = condition()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await asyncio.sleep(0.02)
