"""Keyboard-wedge (HID) scanners through evdev, with linuxpy.

The device is grabbed, so its key presses go only to us and never type into a terminal
or the TUI. Raw input_event records are read from the descriptor and handed to the
sans-I/O KeyboardScanner (devices.scanner.keymap), which does all the interpretation.
"""

from __future__ import annotations

import asyncio
import os

from linuxpy.input.device import EVENT_SIZE, Device
from linuxpy.input.raw import input_event

from core.problems import Code
from devices.scanner.driver import unavailable
from devices.scanner.keymap import EV_KEY, KeyboardScanner, Layout
from devices.scanner.protocol import DEFAULT_TIMEOUT_S, MAX_CODE_BYTES, BadInput, Scan, ScannerEvent

READ_EVENTS = 64


def parse_events(data: bytes) -> list[tuple[int, int, int]]:
    """(type, code, value) of each whole input_event record in what one read returned."""
    whole = len(data) - len(data) % EVENT_SIZE
    events = []
    for offset in range(0, whole, EVENT_SIZE):
        event = input_event.from_buffer_copy(data, offset)
        events.append((event.type, event.code, event.value))
    return events


class HidScanner:
    def __init__(
        self,
        path: str,
        *,
        layout: Layout = "us",
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_bytes: int = MAX_CODE_BYTES,
    ) -> None:
        self.path = path
        self.layout = layout
        self._protocol = KeyboardScanner(layout, max_bytes=max_bytes, timeout_s=timeout_s)
        self._device: Device | None = None
        self._keys = self._codes = self._bad = 0

    @property
    def description(self) -> str:
        return f"{self.path}, keyboard wedge, {self.layout} layout"

    async def open(self) -> None:
        if not os.path.exists(self.path):
            raise unavailable(self.path, Code.DEVICE_PORT_MISSING, "no such device")
        device = Device(self.path, blocking=False)
        try:
            device.open()
            device.grab()
        except PermissionError:
            device.close()
            raise unavailable(
                self.path,
                Code.DEVICE_PERMISSION_DENIED,
                "permission denied; add the daemon's user to the 'input' group",
                "error",
                group="input",
            ) from None
        except OSError as error:
            device.close()
            reason = error.strerror or str(error)
            raise unavailable(
                self.path, Code.SCANNER_NOT_INPUT_DEVICE, f"not an input device ({reason})", "error", reason=reason
            ) from None
        self._device = device
        self._keys = self._codes = self._bad = 0

    async def read(self) -> list[ScannerEvent]:
        device = self._device
        if device is None:
            raise unavailable(self.path, Code.DEVICE_NOT_OPEN, "not open")
        loop = asyncio.get_running_loop()
        while True:
            try:
                data = os.read(device.fileno(), EVENT_SIZE * READ_EVENTS)
            except BlockingIOError:
                data = None
            except OSError:
                raise unavailable(self.path, Code.DEVICE_UNPLUGGED, "device unplugged") from None
            if data == b"":
                raise unavailable(self.path, Code.DEVICE_UNPLUGGED, "device unplugged")
            events: list[ScannerEvent] = []
            if data is None:
                if not await _readable(device.fileno(), self._protocol.deadline()):
                    events = self._protocol.expire(loop.time())
            else:
                for event_type, code, value in parse_events(data):
                    self._keys += int(event_type == EV_KEY and value == 1)
                    events.extend(self._protocol.feed(event_type, code, value, loop.time()))
            if events:
                self._codes += sum(isinstance(event, Scan) for event in events)
                self._bad += sum(isinstance(event, BadInput) for event in events)
                return events

    def self_test(self) -> str:
        device = self._device
        if device is None or device.closed:
            raise unavailable(self.path, Code.DEVICE_NOT_OPEN, "not open")
        try:
            name = device.name
        except OSError:
            raise unavailable(self.path, Code.DEVICE_UNPLUGGED, "device unplugged") from None
        return (
            f"{self.description}: '{name}' open and grabbed; "
            f"{self._keys} key presses ({self._codes} codes, {self._bad} bad) since it opened"
        )

    async def close(self) -> None:
        device, self._device = self._device, None
        if device is not None and not device.closed:
            try:
                device.ungrab()
            except OSError:
                pass  # already gone: unplugged devices cannot be released
            device.close()


async def _readable(fd: int, deadline: float | None) -> bool:
    """Wait until `fd` can be read (True) or the loop time passes `deadline` (False)."""
    loop = asyncio.get_running_loop()
    ready = loop.create_future()
    loop.add_reader(fd, lambda: ready.done() or ready.set_result(None))
    try:
        async with asyncio.timeout_at(deadline):
            await ready
        return True
    except TimeoutError:
        return False
    finally:
        loop.remove_reader(fd)
