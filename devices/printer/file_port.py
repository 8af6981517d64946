"""A printer as a device file, e.g. /dev/usb/lp0 from the kernel's usblp driver.

The file must exist (it is never created, so an unplugged printer is not mistaken
for a new file). It is opened write-only: usblp refuses reads unless the printer is
bidirectional, so the status of a printer on a file is unknown, and the daemon says so.
"""

from __future__ import annotations

import asyncio
import errno
import os

from core.problems import Code, Problem
from devices.printer.transport import Transport, TransportError

_REASONS = {
    errno.ENOENT: ("no such device", Code.DEVICE_PORT_MISSING),
    errno.EACCES: ("permission denied (is the user in group lp?)", Code.DEVICE_PERMISSION_DENIED),
    errno.EBUSY: ("in use by another program", Code.DEVICE_PORT_BUSY),
    errno.ENODEV: ("printer unplugged", Code.DEVICE_UNPLUGGED),
    errno.ENOSPC: ("paper out", Code.PRINTER_PAPER_OUT),  # usblp's word for it
}


def _failure(path: str, error: OSError) -> TransportError:
    reason, code = _REASONS.get(error.errno or 0) or ((error.strerror or str(error)).lower(), Code.DEVICE_OPEN_FAILED)
    params = {"port": path}
    if code is Code.DEVICE_PERMISSION_DENIED:
        params["group"] = "lp"
    elif code is Code.DEVICE_OPEN_FAILED:
        params["reason"] = reason
    return TransportError(f"{path}: {reason}", Problem(code, params))


class FileTransport(Transport):
    can_read = False

    def __init__(self, path: str) -> None:
        self.path = path
        self.label = path
        self._fd: int | None = None

    async def open(self) -> None:
        try:
            self._fd = await asyncio.to_thread(os.open, self.path, os.O_WRONLY | os.O_APPEND)
        except OSError as error:
            raise _failure(self.path, error) from None

    async def write(self, data: bytes) -> None:
        if self._fd is None:
            raise TransportError(f"{self.path}: not open", Problem(Code.DEVICE_NOT_OPEN, {"port": self.path}))
        try:
            await asyncio.to_thread(_write_all, self._fd, data)
        except OSError as error:
            raise _failure(self.path, error) from None

    async def read(self, timeout: float) -> bytes:
        raise TransportError(
            f"{self.path}: write-only, the printer's status cannot be read",
            Problem(Code.PRINTER_STATUS_UNKNOWN, {"port": self.path}),
        )

    async def discard_input(self) -> None:
        pass  # nothing is ever read

    async def close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
