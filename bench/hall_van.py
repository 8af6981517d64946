"""The hall for benchmarks: a van (demo data, the daemon in this process on its embedded broker, flows)
and `govan web` as a child process, as the van runs it."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import msgspec
from sqlite_utils import Database

from bench.figures import free_port
from bench.van import daemon_running, van_config
from daemon.client import DaemonClient
from db import demo, tickets
from db.connection import open_store
from db.tickets import Ticket
from flows.announce import Announcer
from flows.van import Van
from govan import config as config_module


@dataclass
class Hall:
    van: Van
    store: Database
    trip_id: int
    url: str
    web: subprocess.Popen[bytes]

    def issue(self, category: str = "A") -> Ticket:
        ticket = tickets.issue_ticket(self.store, self.trip_id, category=category)
        Announcer(self.van).ticket(ticket, "issued")
        return ticket

    def call(self, window: str) -> Ticket:
        called = tickets.call_next(self.store, self.trip_id, window)
        assert called is not None
        Announcer(self.van).ticket(called, "called")
        return called

    def finish(self, ticket: Ticket) -> None:
        tickets.finish(self.store, tickets.start_service(self.store, ticket.id).id)


@contextlib.asynccontextmanager
async def hall_running(directory: Path) -> AsyncIterator[Hall]:
    port = free_port()
    config = van_config(
        directory / "data", dict.fromkeys(("idreader", "scanner", "printer", "camera", "speaker"), "sim")
    )
    config = config_module.validate(
        msgspec.structs.replace(
            config, web=config_module.WebConfig(listen=f"127.0.0.1:{port}", public_url=f"http://127.0.0.1:{port}")
        ),
        "benchmark settings",
    )
    config.data_path.mkdir(parents=True, exist_ok=True)
    config_path = directory / "govan.toml"
    config_path.write_text(config_module.to_toml(config), encoding="utf-8")
    store = open_store(config.database_path)
    data = demo.load(store, tz=config.tz)
    async with daemon_running(config):
        client = DaemonClient(config)
        await client.start()
        web = _start_web(config_path)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while b'"connected"' not in _get(f"{url}/healthz"):
                if time.monotonic() > deadline or web.poll() is not None:
                    raise SystemExit("govan web did not come up")
                await asyncio.sleep(0.1)
            yield Hall(Van(store, config, client), store, data.trip_id, url, web)
        finally:
            web.terminate()
            web.wait(15)
            await client.close()
            store.close()


def _start_web(config_path: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "govan", "web", "--config", str(config_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _get(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read()
    except OSError:
        return b""
