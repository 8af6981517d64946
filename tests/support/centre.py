"""A van and its centre under test: the van's store, a broker, `govan sync` and `govan central`.

`linked(...)` runs both in-process on the embedded broker, as `govan demo` does (the van's broker
is the centre's): sync as the sync user, central as the central user. The fault tests run them
as child processes instead (`child`), to kill them.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
from sqlite_utils import Database

import db
from central.service import Centre
from core import sealing
from core.keys import ensure_keys
from daemon.broker import EmbeddedBroker
from daemon.credentials import CENTRAL_USER, embedded_password_file, ensure_embedded_credentials
from daemon.topics import Topics
from govan import config as config_module
from govan.config import Config
from sync.link import Link
from tests.db.support import build_van
from tests.support.aio import within
from tests.support.net import free_port


def van_config(directory: Path, database_url: str, *, van_id: str = "lg-01", **central: Any) -> Config:
    data = directory / "data"
    data.mkdir(parents=True, exist_ok=True)
    port = free_port()
    settings = {
        "van_id": van_id,
        "data_dir": str(data),
        "mqtt": {"embedded_port": port},
        "sync": {"heartbeat_s": 5, "retry_s": 1.0, "retry_cap_s": 4.0},
        "central": {
            "database_url": database_url,
            "mqtt_url": f"mqtt://127.0.0.1:{port}",
            "username": CENTRAL_USER,
            "password_file": str(data / "mqtt" / f"{CENTRAL_USER}.pass"),
            **central,
        },
    }
    config = config_module.validate(msgspec.convert(settings, Config), "test settings")
    (directory / "govan.toml").write_text(config_module.to_toml(config), encoding="utf-8")
    return config


def make_store(config: Config) -> Database:
    build_van(config.database_path)
    return db.open_store(config.database_path)


def capture(config: Config, name: str, content: bytes) -> tuple[str, str]:
    """A capture file as the camera leaves it, sealed with the van's key: (path, sha256 of the picture)."""
    folder = config.data_path / "captures"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    sealing.write_sealed(ensure_keys(config.data_path).files, path, content)
    return str(path), hashlib.sha256(content).hexdigest()


@dataclass
class Linked:
    config: Config
    link: Link
    centre: Centre


@contextlib.asynccontextmanager
async def linked(
    config: Config, *, centre_factory: Callable[[Config, str], Centre] | None = None
) -> AsyncIterator[Linked]:
    passwd = ensure_embedded_credentials(config)
    topics = Topics.for_van(config.mqtt.topic_prefix, config.van_id)
    async with EmbeddedBroker(config.mqtt.embedded_port, passwd, topics.base, config.mqtt.staff_slots):
        link = Link(config)
        centre = (centre_factory or Centre.from_config)(config, config.central.database_url)
        stop = asyncio.Event()
        tasks = [asyncio.create_task(link.run(stop)), asyncio.create_task(centre.run(stop))]
        try:
            yield Linked(config, link, centre)
        finally:
            stop.set()
            await within(15, asyncio.gather(*tasks, return_exceptions=True))
            link.db.close()


async def until(check: Callable[[], Any], timeout: float = 30.0, what: str = "the condition") -> Any:
    """Poll `check` until it returns something truthy; fail naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        await asyncio.sleep(0.1)


def child(command: str, config_path: Path, log: Path) -> subprocess.Popen[bytes]:
    """`govan sync` or `govan central` as a real child process."""
    with log.open("ab") as handle:
        return subprocess.Popen(
            [sys.executable, "-m", "govan", *command.split(), "--config", str(config_path)],
            stdout=handle,
            stderr=handle,
            stdin=subprocess.DEVNULL,
        )


__all__ = ["Linked", "capture", "child", "embedded_password_file", "linked", "make_store", "until", "van_config"]
