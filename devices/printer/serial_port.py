"""A printer on a serial line (RS-232 or a USB-serial adapter), via pyserial-asyncio-fast."""

from __future__ import annotations

import asyncio
import errno
import os

import serial
import serial_asyncio_fast

from devices.printer.transport import LinkProtocol, StreamTransport, TransportError

_REASONS = {
    errno.ENOENT: "no such device",
    errno.EACCES: "permission denied (is the user in group dialout?)",
    errno.EBUSY: "in use by another program",
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
            return await serial_asyncio_fast.create_serial_connection(loop, LinkProtocol, self.port, baudrate=self.baudrate)
        except (serial.SerialException, OSError) as error:
            code = error.errno if isinstance(error.errno, int) else None
            reason = _REASONS.get(code) if code else None
            if reason is None:
                reason = os.strerror(code).lower() if code else str(error)
            raise TransportError(f"{self.port}: {reason}") from None
