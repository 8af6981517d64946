"""The scanner end to end: pty emulator → daemon (real serial driver) → real broker → subscriber.

The subscriber is a plain MQTT client reading raw JSON on B/scanner/#, as any other
program would.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import aiomqtt
import pytest

from daemon.credentials import broker_address
from daemon.messages import SelfTestCommand
from devices.scanner.emulator import ScannerEmulator
from govan.config import Config

WAIT = 10.0  # liveness bound only


class Subscriber:
    def __init__(self, client: aiomqtt.Client) -> None:
        self.client = client
        self.queues: dict[str, asyncio.Queue[dict[str, Any]]] = {kind: asyncio.Queue() for kind in ("scan", "error", "state")}

    async def pump(self) -> None:
        async for message in self.client.messages:
            kind = str(message.topic).rsplit("/", 1)[-1]
            if kind in self.queues and isinstance(message.payload, bytes) and message.payload:
                self.queues[kind].put_nowait(json.loads(message.payload))

    async def next(self, kind: str) -> dict[str, Any]:
        return await asyncio.wait_for(self.queues[kind].get(), WAIT)

    async def state(self, accept: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        async def wait() -> dict[str, Any]:
            while not accept(state := await self.queues["state"].get()):
                pass
            return state

        return await asyncio.wait_for(wait(), WAIT)

    def pending(self, kind: str) -> list[dict[str, Any]]:
        items = []
        while not self.queues[kind].empty():
            items.append(self.queues[kind].get_nowait())
        return items


@contextlib.asynccontextmanager
async def subscriber(config: Config) -> AsyncIterator[Subscriber]:
    address = broker_address(config, "tui")
    base = f"{config.mqtt.topic_prefix}/{config.van_id}"
    async with aiomqtt.Client(address.host, address.port, username=address.username, password=address.password,
                              protocol=aiomqtt.ProtocolVersion.V311) as client:  # fmt: skip
        await client.subscribe(f"{base}/scanner/#", qos=1)
        sub = Subscriber(client)
        pump = asyncio.create_task(sub.pump())
        try:
            yield sub
        finally:
            pump.cancel()
            await asyncio.gather(pump, return_exceptions=True)


def state_is(name: str) -> Callable[[dict[str, Any]], bool]:
    return lambda state: state["state"] == name


def assert_scan(event: dict[str, Any], code: str, symbology: str | None) -> None:
    assert set(event) == {"event_id", "at", "code", "symbology"}
    assert (event["code"], event["symbology"]) == (code, symbology)
    assert datetime.fromisoformat(event["at"]).utcoffset() is not None


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[ScannerEmulator]:
    emulator = ScannerEmulator("CRLF", link=tmp_path / "ttyACM-scanner")
    emulator.plug()
    yield emulator
    emulator.close()


async def test_serial_scanner_codes_errors_unplug_and_replug(van_factory, emulator: ScannerEmulator) -> None:  # noqa: ANN001
    settings = {"devices": {"scanner": {"driver": "serial", "port": emulator.path, "terminator": "CRLF", "code_timeout_ms": 200}}}
    async with van_factory(settings) as van, subscriber(van.config) as sub:
        ready = await sub.state(state_is("ready"))
        assert ready["driver"] == "serial" and emulator.path in ready["detail"]

        await emulator.scan("https://zwfw.zj.gov.cn/yy?id=A012", aim="]Q1")
        first = await sub.next("scan")
        assert_scan(first, "https://zwfw.zj.gov.cn/yy?id=A012", "qr")
        await emulator.scan("SF1234567890")
        second = await sub.next("scan")
        assert_scan(second, "SF1234567890", None)
        assert second["event_id"] != first["event_id"]

        for fault in ("overlong", "invalid_utf8", "unterminated"):
            await emulator.scan("330327199005170011", fault=fault)
            error = await sub.next("error")
            assert "330327199005170011" not in error["detail"]  # the code may be personal data
            await emulator.scan("6901234567892", aim="]E0")
            assert_scan(await sub.next("scan"), "6901234567892", "ean13")

        result = await van.client.command("scanner", "test", SelfTestCommand(job_id="scanner-test"), timeout=WAIT)
        assert result.state == "done" and "port open" in result.detail and "(5 codes, 3 bad)" in result.detail

        emulator.unplug()
        offline = await sub.state(state_is("offline"))
        assert emulator.path in offline["detail"]
        emulator.plug()
        await sub.state(state_is("ready"))
        await emulator.scan("A013")
        assert_scan(await sub.next("scan"), "A013", None)
        assert sub.pending("error") == []


@pytest.mark.parametrize("broker_kind", ["embedded", "mosquitto"])
async def test_sim_scanner_is_driven_through_the_sim_topic(van_factory, broker_kind: str, request) -> None:  # noqa: ANN001
    broker = request.getfixturevalue("mosquitto") if broker_kind == "mosquitto" else None
    async with van_factory({"devices": {"scanner": {"driver": "sim"}}}, broker=broker) as van, subscriber(van.config) as sub:
        await sub.state(state_is("ready"))
        scan_topic = van.topics.sim("scanner", "scan")
        van.client.publish(scan_topic, {"code": "龙港-A012", "aim": "]C0"})
        assert_scan(await sub.next("scan"), "龙港-A012", "code128")

        van.client.publish(scan_topic, {"code": "A012", "fault": "invalid_utf8"})
        assert (await sub.next("error"))["detail"].startswith("code is not valid UTF-8")
        van.client.publish(scan_topic, {"code": ""})
        assert "ScanControl" in (await sub.next("error"))["detail"]
        van.client.publish(scan_topic, {"code": "A014"})
        assert_scan(await sub.next("scan"), "A014", None)

        result = await van.client.command("scanner", "test", SelfTestCommand(job_id="sim-test"), timeout=WAIT)
        assert result.state == "done"
        assert "codes end with CR: port open; " in result.detail and "(2 codes, 1 bad)" in result.detail
