"""The evdev driver's own parts that run without an input device (this machine has none)."""

from pathlib import Path

import pytest
from linuxpy.input.device import EVENT_SIZE
from linuxpy.input.raw import input_event

from devices.scanner.driver import ScannerUnavailable
from devices.scanner.hid import HidScanner, parse_events
from devices.scanner.keymap import KeyboardScanner
from devices.scanner.protocol import Scan


def record(event_type: int, code: int, value: int) -> bytes:
    event = input_event()
    event.time.secs, event.time.usecs = 1718000000, 500
    event.type, event.code, event.value = event_type, code, value
    return bytes(event)


def test_raw_records_are_parsed_and_fed_to_the_keymap() -> None:
    # What one read() of /dev/input/eventN returns: key records with SYN_REPORTs between them.
    presses = [(1, 2, 1), (0, 0, 0), (1, 2, 0), (0, 0, 0), (1, 28, 1), (0, 0, 0), (1, 28, 0)]
    data = b"".join(record(*event) for event in presses)
    assert parse_events(data) == presses
    scanner = KeyboardScanner("us")
    events = [event for parsed in parse_events(data) for event in scanner.feed(*parsed, now=0.0)]
    assert events == [Scan(code="1", symbology=None, aim=None)]


def test_a_partial_record_is_ignored() -> None:
    data = record(1, 30, 1) + record(1, 30, 0)[: EVENT_SIZE // 2]
    assert parse_events(data) == [(1, 30, 1)]


async def test_missing_device_is_offline_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "by-id" / "usb-Scanner-event-kbd"
    with pytest.raises(ScannerUnavailable) as raised:
        await HidScanner(str(path)).open()
    assert (raised.value.state, raised.value.detail) == ("offline", f"{path}: no such device")


async def test_a_file_that_is_not_an_input_device_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "not-evdev"
    path.write_bytes(b"")
    with pytest.raises(ScannerUnavailable) as raised:
        await HidScanner(str(path)).open()
    assert raised.value.state == "error"
    assert raised.value.detail.startswith(f"{path}: not an input device")
