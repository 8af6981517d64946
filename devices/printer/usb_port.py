"""A USB printer driven directly with pyusb (bulk endpoints), in a worker thread.

Found by VID:PID. The kernel's usblp driver, if bound, is detached so we can claim
the interface. Endpoints are read from the descriptors: vendors reuse chip-maker IDs
and move endpoints between models, so 0x01/0x82 are never assumed. A printer with
no bulk IN endpoint is write-only, like a device file.
"""

from __future__ import annotations

import asyncio
import errno
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import usb.core
import usb.util

from core.problems import Code, Problem
from devices.printer.transport import Transport, TransportError

PRINTER_CLASS = 7
T = TypeVar("T")

_REASONS = {
    errno.EACCES: ("permission denied (install the udev rule for the printer)", Code.DEVICE_PERMISSION_DENIED),
    errno.EBUSY: ("in use by another program", Code.DEVICE_PORT_BUSY),
    errno.ENODEV: ("printer unplugged", Code.DEVICE_UNPLUGGED),
    errno.ENOENT: ("printer unplugged", Code.DEVICE_UNPLUGGED),
    errno.EPIPE: ("printer stalled the transfer", Code.PRINTER_STALLED),
}


def parse_usb_id(text: str) -> tuple[int, int]:
    """ "0483:5743" → (0x0483, 0x5743)."""
    vendor, _, product = text.partition(":")
    try:
        return int(vendor, 16), int(product, 16)
    except ValueError:
        raise ValueError(f"{text!r} is not VID:PID in hex, e.g. 0483:5743") from None


def _bulk(interface: Any, direction: int) -> Any:
    return usb.util.find_descriptor(
        interface,
        custom_match=lambda endpoint: (
            usb.util.endpoint_direction(endpoint.bEndpointAddress) == direction
            and usb.util.endpoint_type(endpoint.bmAttributes) == usb.util.ENDPOINT_TYPE_BULK
        ),
    )


def choose_interface(configuration: Any) -> Any:
    """The printer-class interface, else the first one with a bulk OUT endpoint (vendor-specific)."""
    candidates = [interface for interface in configuration if _bulk(interface, usb.util.ENDPOINT_OUT) is not None]
    printers = [interface for interface in candidates if interface.bInterfaceClass == PRINTER_CLASS]
    chosen = (printers or candidates or [None])[0]
    return chosen


class UsbTransport(Transport):
    def __init__(self, usb_id: str, write_timeout: float = 10.0) -> None:
        self.vendor, self.product = parse_usb_id(usb_id)
        self.label = f"usb {self.vendor:04x}:{self.product:04x}"
        self.write_timeout = write_timeout
        self._thread: ThreadPoolExecutor | None = None
        self._device: Any = None
        self._interface: Any = None
        self._out: Any = None
        self._in: Any = None
        self._detached = False

    async def _call(self, function: Callable[..., T], *args: Any) -> T:
        if self._thread is None:
            # pyusb is not thread-safe: every call for this printer goes through one thread.
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="printer-usb")
        try:
            return await asyncio.get_running_loop().run_in_executor(self._thread, function, *args)
        except usb.core.USBTimeoutError:
            raise
        except usb.core.NoBackendError:
            raise TransportError(
                f"{self.label}: libusb is not installed (Debian package libusb-1.0-0)",
                self._problem(Code.DEVICE_LIBUSB_MISSING),
            ) from None
        except usb.core.USBError as error:
            reason, code = _REASONS.get(error.errno or 0) or (
                str(error.strerror or error).lower(),
                Code.DEVICE_OPEN_FAILED,
            )
            extra = {"reason": reason} if code is Code.DEVICE_OPEN_FAILED else {}
            raise TransportError(f"{self.label}: {reason}", self._problem(code, **extra)) from None

    def _problem(self, code: Code, **params: str | float | None) -> Problem:
        return Problem(code, {"port": self.label, **params})

    async def open(self) -> None:
        await self._call(self._open)
        self.can_read = self._in is not None

    def _open(self) -> None:
        device = usb.core.find(idVendor=self.vendor, idProduct=self.product)
        if device is None:
            raise TransportError(f"{self.label}: no such device", self._problem(Code.DEVICE_PORT_MISSING))
        try:
            configuration = device.get_active_configuration()
        except usb.core.USBError:
            device.set_configuration()
            configuration = device.get_active_configuration()
        interface = choose_interface(configuration)
        if interface is None:
            raise TransportError(
                f"{self.label}: no bulk OUT endpoint, is this a printer?", self._problem(Code.PRINTER_NOT_A_PRINTER)
            )
        number = interface.bInterfaceNumber
        if device.is_kernel_driver_active(number):
            device.detach_kernel_driver(number)
            self._detached = True
        usb.util.claim_interface(device, number)
        self._device, self._interface = device, interface
        self._out = _bulk(interface, usb.util.ENDPOINT_OUT)
        self._in = _bulk(interface, usb.util.ENDPOINT_IN)

    async def write(self, data: bytes) -> None:
        if self._out is None:
            raise TransportError(f"{self.label}: not open", self._problem(Code.DEVICE_NOT_OPEN))
        try:
            await self._call(self._out.write, data, _milliseconds(self.write_timeout))
        except usb.core.USBTimeoutError:
            raise TransportError(
                f"{self.label}: printer took no data for {self.write_timeout:g} s",
                self._problem(Code.PRINTER_STALLED, seconds=self.write_timeout),
            ) from None

    async def read(self, timeout: float) -> bytes:
        if self._in is None:
            raise TransportError(
                f"{self.label}: write-only, the printer's status cannot be read",
                self._problem(Code.PRINTER_STATUS_UNKNOWN),
            )
        try:
            data = await self._call(self._in.read, self._in.wMaxPacketSize, _milliseconds(timeout))
        except usb.core.USBTimeoutError:
            return b""
        return bytes(data)

    async def discard_input(self) -> None:
        if self._in is not None:
            while await self.read(0.001):
                pass

    async def close(self) -> None:
        if self._device is not None:
            await self._call(self._release)
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.shutdown(wait=False)

    def _release(self) -> None:
        device, self._device = self._device, None
        number = self._interface.bInterfaceNumber
        try:
            usb.util.release_interface(device, number)
            if self._detached:
                device.attach_kernel_driver(number)
        except usb.core.USBError:
            pass  # unplugged: nothing left to release
        usb.util.dispose_resources(device)
        self._out = self._in = self._interface = None


def _milliseconds(seconds: float) -> int:
    # libusb treats 0 as "wait forever".
    return max(1, int(seconds * 1000))
