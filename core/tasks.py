"""Stopping asyncio tasks reliably on Python 3.11.

`asyncio.wait_for` on 3.11 loses a cancellation that arrives just as the awaited thing
completes (CPython gh-86296, fixed in 3.12). Our code uses `asyncio.timeout` instead (ruff
bans wait_for), but aiomqtt 2.x awaits through wait_for itself, so a task that connects,
subscribes or publishes through it can run on after it was cancelled.
"""

from __future__ import annotations

import asyncio
from typing import Any

__all__ = ["RECANCEL_S", "cancel_and_wait"]

# How long a cancelled task may take to end before it is cancelled again.
RECANCEL_S = 1.0


async def cancel_and_wait(*tasks: asyncio.Task[Any]) -> None:
    """Cancel `tasks` and return once every one has ended; one still running after RECANCEL_S
    has lost its cancellation (see above) and is cancelled again."""
    pending = {task for task in tasks if not task.done()}
    while pending:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=RECANCEL_S)
    for task in tasks:
        if not task.cancelled():
            task.exception()  # retrieved here; the caller reads the results it cares about
