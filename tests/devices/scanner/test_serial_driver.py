"""The real serial driver against the pty emulator: scans, bad input, unplug and replug."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from devices.scanner.driver import ScannerUnavailable
from devices.scanner.emulator import EmulatorError, ScannerEmulator
from devices.scanner.protocol import TERMINATORS, BadInput, Scan
from devices.scanner.serial_driver import SerialScanner
from tests.support.aio import within

WAIT_S = 5.0


async def next_events(driver: SerialScanner) -> list:
    return await within(WAIT_S, driver.read())


@pytest.fixture
async def pair(tmp_path: Path) -> AsyncIterator[tuple[ScannerEmulator, SerialScanner]]:
    emulator = ScannerEmulator("CR", link=tmp_path / "ttyACM-scanner")
    emulator.plug()
    driver = SerialScanner(emulator.path, terminator="CR", timeout_s=0.2)
    await driver.open()
    try:
        yield emulator, driver
    finally:
        await driver.close()
        emulator.close()


@pytest.mark.parametrize("terminator", list(TERMINATORS))
async def test_codes_with_each_terminator_and_aim_prefix(terminator: str) -> None:
    emulator = ScannerEmulator(terminator)
    emulator.plug()
    driver = SerialScanner(emulator.path, terminator=terminator)
    await driver.open()
    try:
        await emulator.scan("https://zwfw.zj.gov.cn/yy?id=A012", aim="]Q1")
        assert await next_events(driver) == [Scan("https://zwfw.zj.gov.cn/yy?id=A012", "qr", "]Q1")]
        await emulator.scan("龙港-2024-0001")
        assert await next_events(driver) == [Scan("龙港-2024-0001", None, None)]
    finally:
        await driver.close()
        emulator.close()


async def test_each_fault_gives_bad_input_and_the_next_code_arrives(pair) -> None:
    emulator, driver = pair
    for fault, start in [
        ("overlong", "code longer than 4096 bytes"),
        ("invalid_utf8", "code is not valid UTF-8"),
        ("unterminated", "code not terminated within 200 ms"),
    ]:
        await emulator.scan("6901234567892", aim="]E0", fault=fault)
        [error] = await next_events(driver)
        assert isinstance(error, BadInput) and error.detail.startswith(start), (fault, error)
        await emulator.scan("6901234567892", aim="]E0")
        assert await next_events(driver) == [Scan("6901234567892", "ean13", "]E0")]


async def test_self_test_reports_the_open_port_and_bytes_seen(pair) -> None:
    emulator, driver = pair
    assert "port open; no bytes received yet" in driver.self_test()
    await emulator.scan("A012")
    await next_events(driver)
    report = driver.self_test()
    assert report.startswith(
        f"{emulator.path} at 9600 baud, codes end with CR: port open; 5 bytes received (1 codes, 0 bad)"
    )


async def test_unplug_goes_offline_with_the_path_and_replug_works_again(pair) -> None:
    emulator, driver = pair
    reading = asyncio.create_task(driver.read())
    await asyncio.sleep(0)
    emulator.unplug()
    with pytest.raises(ScannerUnavailable) as raised:
        await within(WAIT_S, reading)
    assert (raised.value.state, raised.value.detail) == ("offline", f"{emulator.path}: device unplugged")
    await driver.close()

    with pytest.raises(ScannerUnavailable) as raised:
        await driver.open()
    assert (raised.value.state, raised.value.detail) == ("offline", f"{emulator.path}: no such device")

    emulator.plug()
    await driver.open()
    await emulator.scan("A013")
    assert await next_events(driver) == [Scan("A013", None, None)]


async def test_a_path_that_is_not_a_tty_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "plain-file"
    path.write_text("")
    with pytest.raises(ScannerUnavailable) as raised:
        await SerialScanner(str(path)).open()
    assert (raised.value.state, raised.value.detail) == ("error", f"{path}: not a serial port")


async def test_the_unplugged_emulator_refuses_to_type(tmp_path: Path) -> None:
    emulator = ScannerEmulator("CR")
    with pytest.raises(EmulatorError, match="unplugged"):
        await emulator.scan("A012")
