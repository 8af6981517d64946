"""How bytes reach the printer: the Transport interface, and the stream transports (TCP, serial).

A transport moves bytes and nothing more. `read` returns whatever arrived within the
timeout (b"" when nothing did); `discard_input` drops stray bytes, such as status
replies a real printer sends when DLE EOT appears inside raster data.
"""

from __future__ import annotations

import abc
import asyncio

from core.devices import DeviceTrouble
from core.problems import Code, Problem


class TransportError(DeviceTrouble):
    """The link to the printer failed; `detail` is one line a person can act on."""


class Transport(abc.ABC):
    label: str
    # False for write-only links (a /dev/usb/lp file): status is then unknown.
    can_read: bool = True

    @abc.abstractmethod
    async def open(self) -> None: ...

    @abc.abstractmethod
    async def write(self, data: bytes) -> None: ...

    @abc.abstractmethod
    async def read(self, timeout: float) -> bytes: ...

    @abc.abstractmethod
    async def discard_input(self) -> None: ...

    @abc.abstractmethod
    async def close(self) -> None: ...


class LinkProtocol(asyncio.Protocol):
    """Buffers what the printer sends and honours write flow control."""

    def __init__(self) -> None:
        self.inbox = bytearray()
        self.arrived = asyncio.Event()
        self.closed = False
        self.close_reason: Exception | None = None
        self._writable = asyncio.Event()
        self._writable.set()

    def data_received(self, data: bytes) -> None:
        self.inbox += data
        self.arrived.set()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.close_reason = exc
        self.arrived.set()
        self._writable.set()

    def pause_writing(self) -> None:
        self._writable.clear()

    def resume_writing(self) -> None:
        self._writable.set()

    async def wait_writable(self) -> None:
        await self._writable.wait()


class StreamTransport(Transport):
    """A byte stream driven by an asyncio transport and our LinkProtocol protocol."""

    def __init__(self) -> None:
        self._transport: asyncio.WriteTransport | None = None
        self._link: LinkProtocol | None = None

    @abc.abstractmethod
    async def _connect(self) -> tuple[asyncio.BaseTransport, LinkProtocol]: ...

    async def open(self) -> None:
        transport, link = await self._connect()
        assert isinstance(transport, asyncio.WriteTransport)
        self._transport, self._link = transport, link

    def _live(self) -> tuple[asyncio.WriteTransport, LinkProtocol]:
        if self._transport is None or self._link is None:
            raise TransportError(f"{self.label}: not open", Problem(Code.DEVICE_NOT_OPEN, {"port": self.label}))
        if self._link.closed:
            reason = f" ({self._link.close_reason})" if self._link.close_reason else ""
            raise TransportError(
                f"{self.label}: connection closed by the printer{reason}",
                Problem(Code.DEVICE_CONNECTION_CLOSED, {"port": self.label}),
            )
        return self._transport, self._link

    async def write(self, data: bytes) -> None:
        transport, link = self._live()
        transport.write(data)
        await link.wait_writable()
        self._live()

    async def read(self, timeout: float) -> bytes:
        _, link = self._live()
        if not link.inbox:
            link.arrived.clear()
            try:
                async with asyncio.timeout(timeout):
                    await link.arrived.wait()
            except TimeoutError:
                return b""
        if not link.inbox:
            self._live()
        data = bytes(link.inbox)
        link.inbox.clear()
        return data

    async def discard_input(self) -> None:
        if self._link is not None:
            self._link.inbox.clear()

    async def close(self) -> None:
        transport, self._transport, self._link = self._transport, None, None
        if transport is not None:
            transport.close()
