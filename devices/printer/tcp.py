"""A network printer on TCP port 9100 (raw printing, "JetDirect")."""

from __future__ import annotations

import asyncio

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
            return await asyncio.wait_for(loop.create_connection(LinkProtocol, self.host, self.port), self.connect_timeout)
        except TimeoutError:
            raise TransportError(f"{self.label}: no answer within {self.connect_timeout:g} s") from None
        except ConnectionRefusedError:
            raise TransportError(f"{self.label}: connection refused (is the printer on?)") from None
        except OSError as error:
            raise TransportError(f"{self.label}: {error.strerror or error}") from None
