"""A network printer on TCP port 9100 (raw printing, "JetDirect")."""

from __future__ import annotations

import asyncio

from core.problems import Code, Problem
from devices.printer.transport import LinkProtocol, StreamTransport, TransportError


class TcpTransport(StreamTransport):
    def __init__(self, host: str, port: int = 9100, connect_timeout: float = 3.0) -> None:
        super().__init__()
        self.host = host
        self.port = port
        self.connect_timeout = connect_timeout
        self.label = f"{host}:{port}"

    async def _connect(self) -> tuple[asyncio.BaseTransport, LinkProtocol]:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self.connect_timeout):
                return await loop.create_connection(LinkProtocol, self.host, self.port)
        except TimeoutError:
            raise TransportError(
                f"{self.label}: no answer within {self.connect_timeout:g} s",
                Problem(Code.DEVICE_NO_ANSWER, {"port": self.label, "seconds": self.connect_timeout}),
            ) from None
        except ConnectionRefusedError:
            raise TransportError(
                f"{self.label}: connection refused (is the printer on?)",
                Problem(Code.DEVICE_CONNECTION_REFUSED, {"port": self.label}),
            ) from None
        except OSError as error:
            reason = error.strerror or str(error)
            raise TransportError(
                f"{self.label}: {reason}", Problem(Code.DEVICE_OPEN_FAILED, {"port": self.label, "reason": reason})
            ) from None
