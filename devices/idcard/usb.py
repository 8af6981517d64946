"""The native USB variant of the reader: vendor bulk, each frame split over two pipes.

The host sends preamble+LEN on OUT endpoint 0x02 and the rest on 0x06; the reader
answers preamble+LEN on IN 0x81 and the rest on 0x85 (eastcoms 508; AuroraRAS/openiDR200
with VID:PID 0400:C35A). pyusb blocks, so the pipes are read in a thread and the
bytes are handed to the same protocol code the serial link feeds.
"""

from __future__ import annotations

import asyncio
import errno
import threading
from collections.abc import Callable
from typing import Protocol

from core.problems import Code, Problem
from devices.idcard.frames import HEADER_SIZE, PREAMBLE
from devices.idcard.link import LinkError, LinkLost, disconnected

DEFAULT_VID = 0x0400
DEFAULT_PID = 0xC35A
OUT_HEADER, OUT_BODY = 0x02, 0x06
IN_HEADER, IN_BODY = 0x81, 0x85
POLL_MS = 200  # how often the reading thread checks whether it should stop
BODY_MS = 3000
WRITE_MS = 1000


class UsbPipes(Protocol):
    """The four bulk endpoints of an opened reader. `read` raises TimeoutError or LinkLost."""

    def write(self, endpoint: int, data: bytes, timeout_ms: int) -> None: ...

    def read(self, endpoint: int, size: int, timeout_ms: int) -> bytes: ...

    def close(self) -> None: ...


def usb_name(vid: int, pid: int) -> str:
    return f"USB {vid:04x}:{pid:04x}"


class _PyusbPipes:
    def __init__(self, device: object, name: str) -> None:
        self._device = device
        self._name = name

    def _lost(self, error: Exception) -> LinkLost:
        return disconnected(self._name, f" ({error})")

    def write(self, endpoint: int, data: bytes, timeout_ms: int) -> None:
        import usb.core

        try:
            self._device.write(endpoint, data, timeout_ms)  # type: ignore[attr-defined]
        except usb.core.USBTimeoutError:
            raise TimeoutError from None
        except usb.core.USBError as error:
            raise self._lost(error) from None

    def read(self, endpoint: int, size: int, timeout_ms: int) -> bytes:
        import usb.core

        try:
            return bytes(self._device.read(endpoint, size, timeout_ms))  # type: ignore[attr-defined]
        except usb.core.USBTimeoutError:
            raise TimeoutError from None
        except usb.core.USBError as error:
            raise self._lost(error) from None

    def close(self) -> None:
        import usb.util

        usb.util.dispose_resources(self._device)


def open_pyusb(vid: int, pid: int) -> UsbPipes:
    """Find and claim the reader with pyusb (libusb). Raises LinkError saying what is missing."""
    import usb.core

    name = usb_name(vid, pid)
    port = {"port": name}
    try:
        device = usb.core.find(idVendor=vid, idProduct=pid)
    except usb.core.NoBackendError:
        raise LinkError(
            f"{name}: libusb is not installed (apt install libusb-1.0-0)", Problem(Code.DEVICE_LIBUSB_MISSING, port)
        ) from None
    if device is None:
        raise LinkError(f"{name}: no such device", Problem(Code.DEVICE_PORT_MISSING, port))
    try:
        if device.is_kernel_driver_active(0):
            device.detach_kernel_driver(0)
    except (NotImplementedError, usb.core.USBError):
        pass  # no kernel driver to detach on this platform
    try:
        device.set_configuration()
    except usb.core.USBError as error:
        if error.errno in (errno.EACCES, errno.EPERM):
            raise LinkError(
                f"{name}: permission denied (install the udev rule)", Problem(Code.DEVICE_PERMISSION_DENIED, port)
            ) from None
        if error.errno == errno.EBUSY:
            raise LinkError(
                f"{name}: busy: another program has it open", Problem(Code.DEVICE_PORT_BUSY, port)
            ) from None
        raise LinkError(
            f"{name}: cannot open it ({error})", Problem(Code.DEVICE_OPEN_FAILED, {**port, "reason": str(error)})
        ) from None
    return _PyusbPipes(device, name)


class UsbLink:
    def __init__(
        self, vid: int = DEFAULT_VID, pid: int = DEFAULT_PID, *, open_pipes: Callable[[int, int], UsbPipes] = open_pyusb
    ) -> None:
        self.name = usb_name(vid, pid)
        self._ids = (vid, pid)
        self._open_pipes = open_pipes
        self._pipes: UsbPipes | None = None
        self._chunks: asyncio.Queue[bytes | LinkLost] = asyncio.Queue()
        self._stop = threading.Event()

    async def open(self) -> None:
        self._pipes = await asyncio.to_thread(self._open_pipes, *self._ids)
        self._chunks = asyncio.Queue()
        self._stop = threading.Event()
        loop = asyncio.get_running_loop()
        threading.Thread(
            target=self._read_frames,
            args=(self.name, self._pipes, loop, self._chunks, self._stop),
            name=f"{self.name} reader",
            daemon=True,
        ).start()

    async def write(self, data: bytes) -> None:
        pipes = self._pipes
        if pipes is None:
            raise disconnected(self.name)
        try:
            await asyncio.to_thread(self._write_frame, pipes, data)
        except TimeoutError:
            raise LinkLost(
                f"{self.name}: the reader does not accept data",
                Problem(Code.IDREADER_NOT_ACCEPTING, {"port": self.name}),
            ) from None

    @staticmethod
    def _write_frame(pipes: UsbPipes, data: bytes) -> None:
        pipes.write(OUT_HEADER, data[:HEADER_SIZE], WRITE_MS)
        if len(data) > HEADER_SIZE:
            pipes.write(OUT_BODY, data[HEADER_SIZE:], WRITE_MS)

    async def read(self) -> bytes:
        chunk = await self._chunks.get()
        if isinstance(chunk, LinkLost):
            self._chunks.put_nowait(chunk)  # every later read fails the same way
            raise chunk
        return chunk

    def close(self) -> None:
        self._stop.set()
        if self._pipes is not None:
            self._pipes.close()
            self._pipes = None

    @staticmethod
    def _read_frames(
        name: str,
        pipes: UsbPipes,
        loop: asyncio.AbstractEventLoop,
        chunks: asyncio.Queue[bytes | LinkLost],
        stop: threading.Event,
    ) -> None:
        """Thread: header pipe, then as many body bytes as the header's LEN asks for."""

        def post(item: bytes | LinkLost) -> None:
            if not loop.is_closed():
                loop.call_soon_threadsafe(chunks.put_nowait, item)

        while not stop.is_set():
            data = bytearray()
            try:
                data += pipes.read(IN_HEADER, 64, POLL_MS)
                if data.startswith(PREAMBLE) and len(data) >= HEADER_SIZE:
                    missing = HEADER_SIZE + int.from_bytes(data[5:7], "big") - len(data)
                    while missing > 0:
                        part = pipes.read(IN_BODY, missing, BODY_MS)
                        data += part
                        missing -= len(part)
            except TimeoutError:
                pass  # no header yet, or a short body: the decoder judges what came
            except LinkLost as lost:
                if not stop.is_set():
                    post(lost)
                return
            except Exception as error:  # a handle closed under us, or a libusb surprise
                if not stop.is_set():
                    post(disconnected(name, f" ({type(error).__name__})"))
                return
            if data:
                post(bytes(data))
