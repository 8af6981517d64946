"""A van for benchmarks: a real config, the daemon in this process or a child, a client as the TUI has it."""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, Literal

import msgspec

from bench.figures import free_port
from daemon.client import DaemonClient
from daemon.credentials import DAEMON_USER, SUPPORT_USER, TUI_USER
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
    files = write_broker_files(
        Config(), directory, config_path=directory / "govan.toml", port=free_port(), run_as=getpass.getuser()
    )
    if extra:
        files.conf.write_text(files.conf.read_text() + extra, encoding="utf-8")
    process = subprocess.Popen([binary, "-c", str(files.conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield files, process
    finally:
        process.terminate()
        process.wait(10)


BrokerKind = Literal["embedded", "mosquitto"]
# Every latency figure is measured on both: the embedded broker hides what mosquitto does (issue 17).
BROKERS: tuple[BrokerKind, ...] = ("embedded", "mosquitto")


@contextlib.contextmanager
def broker(kind: BrokerKind, directory: Path) -> Iterator[dict[str, Any] | None]:
    """The `mqtt` settings for `van_config`: None (embedded, on a free port), or a mosquitto started here."""
    if kind == "embedded":
        yield None
        return
    with mosquitto(directory / "mosquitto") as (files, _):
        wait_for_port(files.port)
        yield mosquitto_settings(files)


def on_broker(name: str, label: str, kind: BrokerKind) -> tuple[str, str]:
    """A figure's name and label for `kind`: the embedded broker's keep their names, mosquitto's say so."""
    if kind == "embedded":
        return name, f"{label} (embedded broker)"
    return f"{name}_mosquitto", f"{label} (mosquitto)"


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"mosquitto did not listen on 127.0.0.1:{port} within {timeout:g} s")


def mosquitto_settings(files: BrokerFiles) -> dict[str, Any]:
    return {
        "url": f"mqtt://127.0.0.1:{files.port}",
        "username": DAEMON_USER,
        "password_file": str(files.password_file(DAEMON_USER)),
        "tui": {"username": TUI_USER, "password_file": str(files.password_file(TUI_USER))},
        "support": {"username": SUPPORT_USER, "password_file": str(files.password_file(SUPPORT_USER))},
    }


async def wait_until_ready(config_path: Path) -> None:
    """Until a daemon started with this config is online and every device of it ready (those with
    driver = "none", such as a speaker the benchmark does not use, are left out)."""
    config = config_module.load(config_path)
    async with DaemonClient(config) as client:
        if not await client.wait_for_daemon(30):
            raise SystemExit(f"the daemon did not come online: {client.status}")
        not_ready = {
            name: state.detail
            for name, state in client.status.devices.items()
            if state.state not in ("ready", "disabled")
        }
        if not_ready:
            raise SystemExit(f"devices not ready: {not_ready}")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def children(pid: int) -> list[int]:
    """The process ids whose parent is `pid` (a daemon's worker processes)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue  # it ended while we looked
    return found
