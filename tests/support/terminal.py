"""A staff terminal in a process of its own, holding a claim, so a test can kill it.

    python -m tests.support.terminal CONFIG DEVICE LABEL

Connects as a DaemonClient (a staff slot of its own), claims DEVICE under LABEL, prints
"<terminal> <result state>" and waits until it is killed.
"""

from __future__ import annotations

import asyncio
import sys

from daemon.client import DaemonClient
from govan import config as config_module


async def hold(config_path: str, device: str, label: str) -> None:
    config = config_module.load(config_path)
    async with DaemonClient(config, label=label) as client:
        if not await client.wait_for_daemon(10):
            raise SystemExit("the daemon is not online")
        result = await client.claim(device, label)
        print(client.terminal, result.state, flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(hold(*sys.argv[1:4]))
