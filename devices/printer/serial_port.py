"""A printer on a serial line (RS-232 or a USB-serial adapter), via pyserial-asyncio-fast."""

from __future__ import annotations

import asyncio
import errno
import os

import serial
import serial_asyncio_fast

from core.problems import Code, Problem
from devices.printer.transport import LinkProtocol, StreamTransport, TransportError

_REASONS = {
    errno.ENOENT: ("no such device", Problem(Code.DEVICE_PORT_MISSING)),
    errno.EACCES: (
        "permission denied (is the user in group dialout?)",
        Problem(Code.DEVICE_PERMISSION_DENIED, {"group": "dialout"}),
    ),
    errno.EBUSY: ("in use by another program", Problem(Code.DEVICE_PORT_BUSY)),
}


class SerialTransport(StreamTransport):
    def __init__(self, port: str, baudrate: int = 9600) -> None:
        super().__init__()
        self.port = port
        self.baudrate = baudrate
        self.label = port

    async def _connect(self) -> tuple[asyncio.BaseTransport, LinkProtocol]:
        loop = asyncio.get_running_loop()
        try:
            return await serial_asyncio_fast.create_serial_connection(
                loop, LinkProtocol, self.port, baudrate=self.baudrate
            )
        except (serial.SerialException, OSError) as error:
            code = error.errno if isinstance(error.errno, int) else None
            known = _REASONS.get(code) if code else None
            if known is None:
                reason = os.strerror(code).lower() if code else str(error)
                known = reason, Problem(Code.DEVICE_OPEN_FAILED, {"reason": reason})
            reason, problem = known
            raise TransportError(
                f"{self.port}: {reason}", Problem(problem.code, {"port": self.port, **problem.params})
            ) from None
