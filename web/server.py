"""`govan web`: uvicorn serving the hall's app on `[web] listen`, until SIGTERM or SIGINT (then 0)."""

from __future__ import annotations

import asyncio
import logging
import signal

import uvicorn
from sqlite_utils import Database

from govan.config import Config, listen_address
from web.app import create_app
from web.live import Hall

__all__ = ["WebError", "serve"]
log = logging.getLogger(__name__)
# Event streams never end by themselves: on a stop they are closed after this long.
GRACEFUL_S = 2


class WebError(Exception):
    """govan web cannot serve; the message says why and what to do."""


def serve(config: Config, store: Database) -> int:
    address = listen_address(config.web.listen)
    assert address is not None  # the configuration was validated
    host, port = address

    async def main() -> None:
        hall = Hall(config, store)
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(hall),
                host=host,
                port=port,
                log_config=None,
                access_log=False,
                lifespan="on",
                timeout_graceful_shutdown=GRACEFUL_S,
                server_header=False,
            )
        )
        loop = asyncio.get_running_loop()

        def stop(signum: int, frame: object) -> None:
            # Ours, not uvicorn's: uvicorn would raise the signal again after stopping, and the exit
            # status of a clean stop must be 0. The event streams end first, so nothing waits on them.
            server.should_exit = True
            loop.call_soon_threadsafe(hall.stop)

        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, stop)
        log.info("govan web on http://%s:%d (board at /board)", host, port)
        try:
            await server.serve()
        except SystemExit:  # uvicorn's answer to a port it cannot bind, after logging why
            server.started = False
        if not server.started:
            raise WebError(
                f"cannot listen on {config.web.listen} (in use, or not an address of this machine); set [web] listen"
            )

    asyncio.run(main())
    return 0
