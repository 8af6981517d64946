"""The scanner end to end: pty emulator → daemon (real serial driver) → real broker → subscriber.

The subscriber is a plain MQTT client reading raw JSON on B/scanner/#, as any other
program would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from daemon.messages import SelfTestCommand
from devices.scanner.emulator import ScannerEmulator
from tests.support.subscriber import subscriber

WAIT = 10.0  # liveness bound only


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
    settings = {
        "devices": {
            "scanner": {"driver": "serial", "port": emulator.path, "terminator": "CRLF", "code_timeout_ms": 200}
        }
    }
    async with van_factory(settings) as van, subscriber(van.config, "scanner") as sub:
        ready = await sub.state(state_is("ready"))
        assert ready["driver"] == "serial" and emulator.path in ready["detail"]

        await emulator.scan("https://zwfw.zj.gov.cn/yy?id=A012", aim="]Q1")
        first = await sub.next("scan")
        assert_scan(first, "https://zwfw.zj.gov.cn/yy?id=A012", "qr")
        await emulator.scan("SF1234567890")
        second = await sub.next("scan")
        assert_scan(second, "SF1234567890", None)
        assert second["event_id"] != first["event_id"]

        for fault, code in (
            ("overlong", "scanner.code_too_long"),
            ("invalid_utf8", "scanner.not_utf8"),
            ("unterminated", "scanner.unterminated"),
        ):
            await emulator.scan("330327199005170011", fault=fault)
            error = await sub.next("error")
            assert "330327199005170011" not in error["detail"]  # the code may be personal data
            assert error["problem"]["code"] == code
            assert "330327199005170011" not in str(error["problem"]["params"])
            await emulator.scan("6901234567892", aim="]E0")
            assert_scan(await sub.next("scan"), "6901234567892", "ean13")

        result = await van.client.command("scanner", "test", SelfTestCommand(job_id="scanner-test"), timeout=WAIT)
        assert result.state == "done" and "port open" in result.detail and "(5 codes, 3 bad)" in result.detail

        emulator.unplug()
        offline = await sub.state(state_is("offline"))
        assert emulator.path in offline["detail"]
        assert offline["problem"] in (
            {"code": "device.unplugged", "params": {"port": emulator.path}},
            {"code": "device.port_missing", "params": {"port": emulator.path}},
        )
        emulator.plug()
        await sub.state(state_is("ready"))
        await emulator.scan("A013")
        assert_scan(await sub.next("scan"), "A013", None)
        assert sub.pending("error") == []


@pytest.mark.parametrize("broker_kind", ["embedded", "mosquitto"])
async def test_sim_scanner_is_driven_through_the_sim_topic(van_factory, broker_kind: str, request) -> None:  # noqa: ANN001
    broker = request.getfixturevalue("mosquitto") if broker_kind == "mosquitto" else None
    async with (
        van_factory({"devices": {"scanner": {"driver": "sim"}}}, broker=broker) as van,
        subscriber(van.config, "scanner") as sub,
    ):
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
