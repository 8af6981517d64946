"""Availability as CONTRACT.md describes it, against the embedded broker and mosquitto."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiomqtt
import pytest

from core.devices import DEVICES
from daemon.credentials import TUI_USER, StaffSlot
from daemon.topics import Topics
from govan import config as config_module
from tests.support.aio import within
from tests.support.mosquitto import MosquittoBroker
from tests.support.van import DaemonProcess, write_config

KEEPALIVE = 4


def _broker(kind: str, tmp_path: Path) -> MosquittoBroker | None:
    if kind == "embedded":
        return None
    broker = MosquittoBroker(tmp_path / "mosquitto", config_module.Config())
    broker.start()
    return broker


class Watcher:
    """A raw MQTT subscriber as the TUI user: it sees exactly what the broker delivers."""

    def __init__(self, client: aiomqtt.Client, topics: Topics) -> None:
        self.client = client
        self.topics = topics
        self.latest: dict[str, dict] = {}
        self.changed = asyncio.Event()

    async def pump(self) -> None:
        async for message in self.client.messages:
            payload = message.payload
            self.latest[message.topic.value] = json.loads(payload) if payload else {}
            self.changed.set()

    async def until(self, predicate: Callable[[dict[str, dict]], bool], timeout: float) -> float:
        """Seconds until predicate(latest) holds; fails the test on timeout."""
        started = time.monotonic()
        deadline = started + timeout
        while not predicate(self.latest):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                pytest.fail(f"not true within {timeout} s; saw {self.latest}")
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await within(remaining, self.changed.wait())
        return time.monotonic() - started


@contextlib.asynccontextmanager
async def _watch(config_path: Path) -> AsyncIterator[Watcher]:
    config = config_module.load(config_path)
    slot = StaffSlot(config)
    address = slot.claim()
    topics = Topics.for_van(config.mqtt.topic_prefix, config.van_id)
    for attempt in range(100):
        try:
            client = aiomqtt.Client(
                address.host,
                address.port,
                username=address.username,
                password=address.password,
                identifier=address.client_id,
                protocol=aiomqtt.ProtocolVersion.V311,
            )
            await client.__aenter__()
            break
        except aiomqtt.MqttError:
            if attempt == 99:
                raise
            await asyncio.sleep(0.1)
    await client.subscribe(f"{topics.base}/+/state", qos=1)  # a staff user reads states, not everything
    watcher = Watcher(client, topics)
    task = asyncio.create_task(watcher.pump())
    try:
        yield watcher
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        with contextlib.suppress(aiomqtt.MqttError):
            await client.__aexit__(None, None, None)
        slot.release()


def _online(topics: Topics) -> Callable[[dict[str, dict]], bool]:
    def check(latest: dict[str, dict]) -> bool:
        daemon = latest.get(topics.daemon_state, {})
        return daemon.get("state") == "online" and all(topics.state(d) in latest for d in DEVICES)

    return check


async def _embedded_credentials_ready(config_path: Path) -> None:
    config = config_module.load(config_path)
    for _ in range(200):
        if (config.data_path / "mqtt" / f"{TUI_USER}.pass").exists():
            return
        await asyncio.sleep(0.05)


@pytest.mark.parametrize("kind", ["embedded", "mosquitto"])
async def test_online_states_then_clean_stop_publishes_offline(kind: str, tmp_path: Path) -> None:
    broker = _broker(kind, tmp_path)
    config_path = write_config(tmp_path, {"devices": {"printer": {"driver": "none"}}}, broker=broker)
    topics = Topics.for_van("govan", "lg-01")
    daemon = DaemonProcess(config_path)
    try:
        if broker is None:  # mosquitto's credentials are there before the daemon starts
            await _embedded_credentials_ready(config_path)
        async with _watch(config_path) as watcher:
            await watcher.until(_online(topics), 15)
            daemon_state = watcher.latest[topics.daemon_state]
            assert daemon_state["version"]
            assert daemon_state["since"]
            for device in DEVICES:
                state = watcher.latest[topics.state(device)]
                # The contract's four fields, and the documented addition: the detail's code.
                assert set(state) == {"state", "detail", "driver", "since", "problem"}
                assert state["problem"] == {"code": "device.disabled", "params": {"device": device}}
                assert state["state"] == "disabled"
                assert state["driver"] == "none"
            daemon.signal(signal.SIGTERM)
            await watcher.until(lambda latest: latest[topics.daemon_state].get("state") == "offline", 10)
            assert daemon.wait(10) == 0
    finally:
        daemon.stop()
        if broker:
            broker.stop()


async def test_kill_9_offline_through_last_will_within_keepalive(tmp_path: Path) -> None:
    broker = _broker("mosquitto", tmp_path)
    config_path = write_config(tmp_path, {"mqtt": {"keepalive": KEEPALIVE}}, broker=broker)
    topics = Topics.for_van("govan", "lg-01")
    daemon = DaemonProcess(config_path)
    try:
        async with _watch(config_path) as watcher:
            await watcher.until(_online(topics), 15)
            daemon.signal(signal.SIGKILL)
            took = await watcher.until(
                lambda latest: latest[topics.daemon_state] == {"state": "offline"}, 1.5 * KEEPALIVE
            )
            assert took <= 1.5 * KEEPALIVE
        # A late subscriber sees the retained will, not a stale "online".
        async with _watch(config_path) as late:
            await late.until(lambda latest: latest.get(topics.daemon_state) == {"state": "offline"}, 5)
    finally:
        daemon.stop()
        broker.stop()


async def test_kill_9_with_embedded_broker_clients_see_offline(tmp_path: Path) -> None:
    """The embedded broker dies with the daemon; clients must then say offline, honestly."""
    from tests.support.van import connected_client

    config_path = write_config(tmp_path, {"mqtt": {"keepalive": KEEPALIVE}})
    daemon = DaemonProcess(config_path)
    try:
        await _embedded_credentials_ready(config_path)
        config = config_module.load(config_path)
        for _ in range(100):
            try:
                async with connected_client(config) as client:
                    daemon.signal(signal.SIGKILL)
                    started = time.monotonic()
                    while client.status.daemon_online:
                        assert time.monotonic() - started < 1.5 * KEEPALIVE, "still online after kill -9"
                        await asyncio.sleep(0.05)
                    assert all(state.state == "offline" for state in client.status.devices.values())
                    return
            except Exception:
                if daemon.process.poll() is not None:
                    raise
                await asyncio.sleep(0.1)
    finally:
        daemon.stop()


async def test_broker_restart_daemon_reconnects_and_states_are_right(tmp_path: Path) -> None:
    broker = _broker("mosquitto", tmp_path)
    config_path = write_config(tmp_path, broker=broker)
    topics = Topics.for_van("govan", "lg-01")
    daemon = DaemonProcess(config_path)
    try:
        async with _watch(config_path) as watcher:
            await watcher.until(_online(topics), 15)
        broker.restart()
        async with _watch(config_path) as watcher:
            took = await watcher.until(_online(topics), 5)
            assert took <= 5
            assert all(watcher.latest[topics.state(d)]["state"] == "disabled" for d in DEVICES)
    finally:
        daemon.stop()
        broker.stop()
