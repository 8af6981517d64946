"""A van for benchmarks: a real config, the daemon in this process, a client as the TUI has it."""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import shutil
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import msgspec

from bench.figures import free_port
from daemon.credentials import DAEMON_USER, TUI_USER
from daemon.service import Daemon
from govan import config as config_module
from govan.config import Config
from govan.mosquitto import BrokerFiles, write_broker_files


def van_config(data_dir: Path, devices: dict[str, str], mqtt: dict[str, Any] | None = None) -> Config:
    """Embedded broker on a free port unless `mqtt` says otherwise; the named devices on their drivers."""
    settings = {
        "data_dir": str(data_dir),
        "mqtt": mqtt or {"embedded_port": free_port()},
        "devices": {device: {"driver": driver} for device, driver in devices.items()},
    }
    return config_module.validate(msgspec.convert(settings, Config), "benchmark settings")


@contextlib.asynccontextmanager
async def daemon_running(config: Config) -> AsyncIterator[Daemon]:
    stop = asyncio.Event()
    daemon = Daemon(config)
    task = asyncio.create_task(daemon.run(stop))
    await daemon.ready.wait()
    try:
        yield daemon
    finally:
        stop.set()
        await task


@contextlib.contextmanager
def mosquitto(directory: Path, *, extra: str = "") -> Iterator[tuple[BrokerFiles, subprocess.Popen[bytes]]]:
    """Debian's mosquitto with the shipped config (plus `extra` lines) on a free port."""
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if not Path(binary).exists():
        raise SystemExit("mosquitto is not installed: apt-get install mosquitto mosquitto-clients")
    files = write_broker_files(Config(), directory, config_path=directory / "govan.toml", port=free_port(),
                               run_as=getpass.getuser())
    if extra:
        files.conf.write_text(files.conf.read_text() + extra, encoding="utf-8")
    process = subprocess.Popen([binary, "-c", str(files.conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield files, process
    finally:
        process.terminate()
        process.wait(10)


def mosquitto_settings(files: BrokerFiles) -> dict[str, Any]:
    return {
        "url": f"mqtt://127.0.0.1:{files.port}",
        "username": DAEMON_USER,
        "password_file": str(files.password_file(DAEMON_USER)),
        "tui": {"username": TUI_USER, "password_file": str(files.password_file(TUI_USER))},
    }
