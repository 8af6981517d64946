"""Byte links to a reader: what the driver needs from a transport, and the serial one.

A link moves bytes only; it knows nothing of frames. `read` hands over chunks as
they arrive and raises LinkLost once the device has gone away.
"""

from __future__ import annotations

import asyncio
import errno
from typing import Protocol

import serial
import serial_asyncio_fast


class LinkError(Exception):
    """The link cannot be opened; `detail` names the device and says why."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class LinkLost(LinkError):
    """The device went away while open (unplugged, powered off, socket closed)."""


class Link(Protocol):
    name: str

    async def open(self) -> None: ...

    async def write(self, data: bytes) -> None: ...

    async def read(self) -> bytes: ...

    def close(self) -> None: ...


_REASONS = {
    errno.ENOENT: "no such device",
    errno.ENODEV: "no such device",
    errno.ENXIO: "no such device",
    errno.EACCES: "permission denied (is the user in group dialout?)",
    errno.EPERM: "permission denied (is the user in group dialout?)",
    errno.EBUSY: "busy: another program has it open",
    errno.ECONNREFUSED: "connection refused",
    errno.EHOSTUNREACH: "host unreachable",
    errno.ETIMEDOUT: "connection timed out",
}


def open_failure(name: str, error: OSError) -> LinkError:
    reason = _REASONS.get(error.errno or 0)
    if reason is None:
        reason = f"cannot open it ({error.strerror or error})"
    return LinkError(f"{name}: {reason}")


class _Chunks(asyncio.Protocol):
    """Collects what the serial transport receives, and notices when it is lost."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[bytes | None] = asyncio.Queue()

    def data_received(self, data: bytes) -> None:
        self.queue.put_nowait(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self.queue.put_nowait(None)


class SerialLink:
    """A tty path (e.g. /dev/ttyUSB0) or a socket://host:port URL, 8N1."""

    def __init__(self, url: str, baudrate: int = 115200) -> None:
        self.name = url
        self.baudrate = baudrate
        self._transport: asyncio.Transport | None = None
        self._chunks = _Chunks()
        self._lost = False

    async def open(self) -> None:
        self._chunks = _Chunks()
        self._lost = False
        try:
            transport, _ = await serial_asyncio_fast.create_serial_connection(
                asyncio.get_running_loop(), lambda: self._chunks, self.name, baudrate=self.baudrate
            )
        except (serial.SerialException, OSError) as error:
            raise open_failure(self.name, error) from None
        self._transport = transport

    async def write(self, data: bytes) -> None:
        if self._transport is None or self._transport.is_closing():
            raise LinkLost(f"{self.name}: disconnected")
        self._transport.write(data)

    async def read(self) -> bytes:
        if self._lost:
            raise LinkLost(f"{self.name}: disconnected")
        chunk = await self._chunks.queue.get()
        if chunk is None:
            self._lost = True
            raise LinkLost(f"{self.name}: disconnected")
        return chunk

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None
