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

from core.devices import DeviceTrouble
from core.problems import Code, Problem


class LinkError(DeviceTrouble):
    """The link cannot be opened; `detail` names the device and says why."""


class LinkLost(LinkError):
    """The device went away while open (unplugged, powered off, socket closed)."""


def disconnected(name: str, why: str = "") -> LinkLost:
    return LinkLost(f"{name}: disconnected{why}", Problem(Code.DEVICE_UNPLUGGED, {"port": name}))


class Link(Protocol):
    name: str

    async def open(self) -> None: ...

    async def write(self, data: bytes) -> None: ...

    async def read(self) -> bytes: ...

    def close(self) -> None: ...


_DENIED = "permission denied (is the user in group dialout?)"
_REASONS = {
    errno.ENOENT: ("no such device", Code.DEVICE_PORT_MISSING),
    errno.ENODEV: ("no such device", Code.DEVICE_PORT_MISSING),
    errno.ENXIO: ("no such device", Code.DEVICE_PORT_MISSING),
    errno.EACCES: (_DENIED, Code.DEVICE_PERMISSION_DENIED),
    errno.EPERM: (_DENIED, Code.DEVICE_PERMISSION_DENIED),
    errno.EBUSY: ("busy: another program has it open", Code.DEVICE_PORT_BUSY),
    errno.ECONNREFUSED: ("connection refused", Code.DEVICE_CONNECTION_REFUSED),
    errno.EHOSTUNREACH: ("host unreachable", Code.DEVICE_HOST_UNREACHABLE),
    errno.ETIMEDOUT: ("connection timed out", Code.DEVICE_NO_ANSWER),
}


def open_failure(name: str, error: OSError) -> LinkError:
    params: dict[str, str | None] = {"port": name}
    known = _REASONS.get(error.errno or 0)
    if known is None:
        cause = str(error.strerror or error)
        reason, code = f"cannot open it ({cause})", Code.DEVICE_OPEN_FAILED
        params["reason"] = cause
    else:
        reason, code = known
        if code is Code.DEVICE_PERMISSION_DENIED:
            params["group"] = "dialout"
        elif code is Code.DEVICE_NO_ANSWER:
            params["seconds"] = None
    return LinkError(f"{name}: {reason}", Problem(code, params))


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
            raise disconnected(self.name)
        self._transport.write(data)

    async def read(self) -> bytes:
        if self._lost:
            raise disconnected(self.name)
        chunk = await self._chunks.queue.get()
        if chunk is None:
            self._lost = True
            raise disconnected(self.name)
        return chunk

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None
