"""A serial barcode scanner on a pty pair: the real driver opens `path` like /dev/ttyACM0.

The emulator owns the master side and types codes into it: the data, an optional AIM
identifier before it, and the terminator the scanner is set to. It can also send the
faults the protocol must survive, and be unplugged and plugged in again. With `link`
set, `path` is a symlink that follows the pty across replugs, the way udev keeps
/dev/serial/by-id/... stable for a real scanner.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tty
from pathlib import Path
from typing import Literal

from devices.scanner.protocol import MAX_CODE_BYTES, TERMINATORS

Fault = Literal["overlong", "invalid_utf8", "unterminated"]
FAULTS: tuple[Fault, ...] = ("overlong", "invalid_utf8", "unterminated")
# How long a write may wait for the driver to drain the pty before the scan is given up.
WRITE_TIMEOUT_S = 2.0


class EmulatorError(Exception):
    """The emulated scanner cannot type now; the message says why."""


class ScannerEmulator:
    def __init__(self, terminator: str = "CR", link: Path | None = None) -> None:
        if terminator not in TERMINATORS:
            raise ValueError(f"unknown terminator {terminator!r}; use one of {', '.join(TERMINATORS)}")
        self.terminator = TERMINATORS[terminator]
        self.link = link
        self._master: int | None = None
        self._slave: int | None = None
        self._tty_path = ""

    @property
    def plugged(self) -> bool:
        return self._master is not None

    @property
    def path(self) -> str:
        """The tty path the driver opens."""
        return str(self.link) if self.link is not None else self._tty_path

    def plug(self) -> None:
        if self.plugged:
            return
        master, slave = os.openpty()
        # Raw mode: CR stays CR and nothing is echoed back.
        tty.setraw(slave)
        os.set_blocking(master, False)
        self._master, self._slave = master, slave
        self._tty_path = os.ttyname(slave)
        if self.link is not None:
            temporary = self.link.with_name(self.link.name + ".new")
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
            temporary.symlink_to(self._tty_path)
            temporary.replace(self.link)

    def unplug(self) -> None:
        """Hang up: the driver's next read fails, and the path disappears."""
        if self.link is not None:
            with contextlib.suppress(FileNotFoundError):
                self.link.unlink()
        for fd in (self._master, self._slave):
            if fd is not None:
                os.close(fd)
        self._master = self._slave = None

    async def scan(self, code: str, *, aim: str | None = None, fault: Fault | None = None) -> None:
        """Type one code, as the scanner would after reading a barcode."""
        await self.send(self.frame(code, aim=aim, fault=fault))

    def frame(self, code: str, *, aim: str | None = None, fault: Fault | None = None) -> bytes:
        """The bytes a scan puts on the line, with an optional fault injected."""
        data = ((aim or "") + code).encode("utf-8")
        if fault == "overlong":
            data = data + b"0" * (MAX_CODE_BYTES + 1 - len(data)) if len(data) <= MAX_CODE_BYTES else data
        elif fault == "invalid_utf8":
            data = data[: len(data) // 2] + b"\xff\xfe" + data[len(data) // 2 :]
        elif fault == "unterminated":
            return data
        elif fault is not None:
            raise ValueError(f"unknown fault {fault!r}; use one of {', '.join(FAULTS)}")
        return data + self.terminator

    async def send(self, data: bytes) -> None:
        """Write raw bytes to the line, waiting while the driver drains the pty."""
        master = self._master
        if master is None:
            raise EmulatorError("the emulated scanner is unplugged")
        view = memoryview(data)
        try:
            async with asyncio.timeout(WRITE_TIMEOUT_S):
                while view:
                    try:
                        written = os.write(master, view)
                    except BlockingIOError:
                        await _writable(master)
                        continue
                    view = view[written:]
        except TimeoutError:
            raise EmulatorError("nobody is reading the emulated scanner's port; the code was not delivered") from None
        except OSError as error:
            raise EmulatorError(f"the emulated scanner cannot write: {error.strerror}") from None

    def close(self) -> None:
        self.unplug()


async def _writable(fd: int) -> None:
    loop = asyncio.get_running_loop()
    ready = loop.create_future()
    loop.add_writer(fd, lambda: ready.done() or ready.set_result(None))
    try:
        await ready
    finally:
        loop.remove_writer(fd)
