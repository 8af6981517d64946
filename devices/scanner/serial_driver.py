"""Serial scanners (CDC-ACM or USB-serial) through pyserial-asyncio-fast.

The driver only moves bytes: the LineAssembler decides what they mean. An unplugged
scanner shows up as a failed read (or, on a pty, end of file); the caller reports the
device offline and opens it again later, which succeeds once it is plugged back in.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os

import serial
import serial_asyncio_fast

from core.problems import Code
from devices.scanner.driver import ScannerUnavailable, unavailable
from devices.scanner.protocol import (
    DEFAULT_TIMEOUT_S,
    MAX_CODE_BYTES,
    TERMINATORS,
    BadInput,
    LineAssembler,
    Scan,
    ScannerEvent,
)

READ_SIZE = 4096


class SerialScanner:
    def __init__(
        self,
        port: str,
        *,
        baudrate: int = 9600,
        terminator: str = "CR",
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_bytes: int = MAX_CODE_BYTES,
    ) -> None:
        if terminator not in TERMINATORS:
            raise ValueError(f"unknown terminator {terminator!r}; use one of {', '.join(TERMINATORS)}")
        self.port = port
        self.baudrate = baudrate
        self.terminator = terminator
        self._lines = LineAssembler(TERMINATORS[terminator], max_bytes=max_bytes, timeout_s=timeout_s)
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._bytes = self._codes = self._bad = 0
        self._last_byte_at: float | None = None

    @property
    def description(self) -> str:
        return f"{self.port} at {self.baudrate} baud, codes end with {self.terminator}"

    async def open(self) -> None:
        if not os.path.exists(self.port):
            raise unavailable(self.port, Code.DEVICE_PORT_MISSING, "no such device")
        try:
            self._reader, self._writer = await serial_asyncio_fast.open_serial_connection(
                url=self.port, baudrate=self.baudrate
            )
        except (serial.SerialException, OSError) as error:
            raise _open_failure(self.port, error) from None
        self._bytes = self._codes = self._bad = 0
        self._last_byte_at = None

    async def read(self) -> list[ScannerEvent]:
        if self._reader is None:
            raise unavailable(self.port, Code.DEVICE_NOT_OPEN, "not open")
        loop = asyncio.get_running_loop()
        while True:
            deadline = self._lines.deadline()
            try:
                async with asyncio.timeout_at(deadline):
                    data = await self._reader.read(READ_SIZE)
            except TimeoutError:
                events = self._lines.expire(loop.time())
            except (serial.SerialException, OSError):
                raise unavailable(self.port, Code.DEVICE_UNPLUGGED, "device unplugged") from None
            else:
                if not data:
                    raise unavailable(self.port, Code.DEVICE_UNPLUGGED, "device unplugged")
                self._bytes += len(data)
                self._last_byte_at = loop.time()
                events = self._lines.feed(data, self._last_byte_at)
            if events:
                self._codes += sum(isinstance(event, Scan) for event in events)
                self._bad += sum(isinstance(event, BadInput) for event in events)
                return events

    def self_test(self) -> str:
        port = self._writer.transport.get_extra_info("serial") if self._writer else None
        if port is None or not port.is_open:
            raise unavailable(self.port, Code.DEVICE_NOT_OPEN, "not open")
        try:
            port.in_waiting  # an ioctl on the open descriptor: fails once the device is gone
        except (serial.SerialException, OSError):
            raise unavailable(self.port, Code.DEVICE_UNPLUGGED, "device unplugged") from None
        opened = f"{self.description}: port open"
        if self._last_byte_at is None:
            return f"{opened}; no bytes received yet, scan a code to check the line"
        ago = asyncio.get_running_loop().time() - self._last_byte_at
        return (
            f"{opened}; {self._bytes} bytes received ({self._codes} codes, {self._bad} bad), last byte {ago:.0f} s ago"
        )

    async def close(self) -> None:
        writer, self._writer, self._reader = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(serial.SerialException, OSError):
                await writer.wait_closed()


def _open_failure(port: str, error: BaseException) -> ScannerUnavailable:
    code = getattr(error, "errno", None)
    if code in (errno.EACCES, errno.EPERM):
        return unavailable(
            port,
            Code.DEVICE_PERMISSION_DENIED,
            "permission denied; add the daemon's user to the 'dialout' group",
            "error",
            group="dialout",
        )
    if code in (errno.ENOENT, errno.ENODEV, errno.ENXIO):
        return unavailable(port, Code.DEVICE_PORT_MISSING, "no such device")
    if code == errno.EBUSY:
        return unavailable(port, Code.DEVICE_PORT_BUSY, "busy; another program has the port open", "error")
    if "Inappropriate ioctl" in str(error):
        return unavailable(port, Code.DEVICE_NOT_SERIAL, "not a serial port", "error")
    reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return unavailable(port, Code.DEVICE_OPEN_FAILED, f"cannot open: {reason}", "error", reason=reason)
