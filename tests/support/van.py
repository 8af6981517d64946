"""A van under test: a real config file, a broker, an in-process or child daemon, a client."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from daemon.bus import BrokerUnreachable
from daemon.client import DaemonClient
from daemon.credentials import DAEMON_USER, SUPPORT_USER, TUI_USER, embedded_password_file
from daemon.runtime import DeviceRuntime
from daemon.service import Daemon
from daemon.topics import Topics
from govan import config as config_module
from govan.config import Config
from tests.support.mosquitto import MosquittoBroker
from tests.support.net import free_port


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        merged[key] = _merge(merged.get(key, {}), value) if isinstance(value, dict) else value
    return merged


def write_config(
    directory: Path, settings: dict[str, Any] | None = None, *, broker: MosquittoBroker | None = None
) -> Path:
    """Write a real govan.toml under `directory` and return its path.

    Defaults: data in directory/data, every device "none", the embedded broker on a free port.
    """
    data: dict[str, Any] = {"data_dir": str(directory / "data"), "mqtt": {"embedded_port": free_port()}}
    if broker is not None:
        data["mqtt"] = {
            "url": broker.url,
            "username": DAEMON_USER,
            "password_file": str(broker.files.password_file(DAEMON_USER)),
            "tui": {"username": TUI_USER, "password_file": str(broker.files.password_file(TUI_USER))},
            "support": {"username": SUPPORT_USER, "password_file": str(broker.files.password_file(SUPPORT_USER))},
        }
    data = _merge(data, settings or {})
    config = config_module.validate(msgspec.convert(data, Config), "test settings")
    path = directory / "govan.toml"
    path.write_text(config_module.to_toml(config), encoding="utf-8")
    return path


@dataclass
class Van:
    config_path: Path
    config: Config
    daemon: Daemon
    client: DaemonClient

    @property
    def topics(self) -> Topics:
        return self.client.topics

    def runtime(self, device: str) -> DeviceRuntime:
        return self.daemon.runtimes[device]


@contextlib.asynccontextmanager
async def running_daemon(config: Config) -> AsyncIterator[Daemon]:
    """The daemon in this process and event loop, so tests can reach its units."""
    stop = asyncio.Event()
    daemon = Daemon(config)
    task = asyncio.create_task(daemon.run(stop))
    ready = asyncio.create_task(daemon.ready.wait())
    await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        ready.cancel()
        task.result()  # raises why the daemon could not start
    try:
        yield daemon
    finally:
        stop.set()
        await task


@contextlib.asynccontextmanager
async def connected_client(
    config: Config, *, wait_online: bool = True, support: bool = False
) -> AsyncIterator[DaemonClient]:
    """A staff terminal's client (a slot of its own), or with `support` the one support connection."""
    async with DaemonClient(config, support=support) as client:
        if wait_online:
            assert await client.wait_for_daemon(10), f"daemon not online: {client.status}"
        yield client


@contextlib.asynccontextmanager
async def start_van(
    directory: Path, settings: dict[str, Any] | None = None, *, broker: MosquittoBroker | None = None
) -> AsyncIterator[Van]:
    path = write_config(directory, settings, broker=broker)
    config = config_module.load(path)
    async with running_daemon(config) as daemon, connected_client(config) as client:
        yield Van(path, config, daemon, client)


class DaemonProcess:
    """`govan daemon` as a child process, for signals and kill -9."""

    def __init__(self, config_path: Path) -> None:
        self.config_path = config_path
        self.log = config_path.parent / "daemon-process.log"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "govan", "daemon", "--config", str(config_path)], stdout=log, stderr=log
            )

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def rss_mb(self) -> float:
        """Resident memory now."""
        return _status_mb(self.process.pid, "VmRSS")

    def peak_rss_mb(self) -> float:
        """The most resident memory the process ever had (the kernel's high-water mark)."""
        return _status_mb(self.process.pid, "VmHWM")

    def children(self) -> list[int]:
        """Process ids of the daemon's own child processes (its workers)."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue  # gone while we looked
            if parent == self.process.pid:
                pids.append(int(stat.parent.name))
        return pids

    def wait(self, timeout: float = 10) -> int:
        return self.process.wait(timeout)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _status_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for process {pid}")


@contextlib.asynccontextmanager
async def child_daemon(
    directory: Path, settings: dict[str, Any] | None = None
) -> AsyncIterator[tuple[DaemonProcess, DaemonClient]]:
    """`govan daemon` as a child process on its embedded broker, and a client once it is online."""
    path = write_config(directory, settings)
    config = config_module.load(path)
    process = DaemonProcess(path)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30  # liveness bound only
    try:
        async with contextlib.AsyncExitStack() as stack:
            while True:
                assert process.process.poll() is None, f"the daemon exited: {process.log.read_text()}"
                assert loop.time() < deadline, "the daemon's broker did not come up"
                if embedded_password_file(config, TUI_USER).exists():
                    try:
                        client = await stack.enter_async_context(connected_client(config))
                        break
                    except BrokerUnreachable:
                        pass  # its broker is not listening yet
                await asyncio.sleep(0.1)
            yield process, client
    finally:
        process.stop()
