"""What one terminal hears on B/queue/event, so a test can say an event came exactly once.

A mark published after the action comes back after every event the action caused (one
topic, one publisher, in order), so `since_last()` needs no sleep and asserts no timing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from daemon.client import DaemonClient
from daemon.messages import QueueEvent
from tests.support.aio import within

WAIT = 10.0  # liveness bound only
MARK = "test.mark"
TRIP_EVENTS = ("trip.opened", "trip.closed", "trip.crew_changed")


@dataclass
class Heard:
    client: DaemonClient
    events: list[QueueEvent] = field(default_factory=list)

    async def _listen(self) -> None:
        async for event in self.client.events():
            if isinstance(event, QueueEvent):
                self.events.append(event)

    async def since_last(self) -> list[QueueEvent]:
        """Every queue event heard since the last call (the board is another topic, not counted)."""
        self.client.publish(self.client.topics.queue_event, QueueEvent(type=MARK, at=datetime.now(UTC).isoformat()))

        async def marked() -> None:
            while not any(event.type == MARK for event in self.events):
                await asyncio.sleep(0.01)

        await within(WAIT, marked())
        heard = self.events[: next(i for i, event in enumerate(self.events) if event.type == MARK)]
        del self.events[: len(heard) + 1]
        return heard

    async def trip_events(self) -> list[tuple[str, int, str]]:
        """(type, trip id, trip status) of the contract's trip events heard since the last call.

        Others about a trip (the desk's keys, say) may come too; terminals follow these three.
        """
        return [
            (event.type, event.trip.id, event.trip.status)
            for event in await self.since_last()
            if event.trip is not None and event.type in TRIP_EVENTS
        ]


@contextlib.asynccontextmanager
async def listening(client: DaemonClient) -> AsyncIterator[Heard]:
    heard = Heard(client)
    task = asyncio.create_task(heard._listen())
    await asyncio.sleep(0)  # the listener is registered from here on
    try:
        await heard.since_last()
        yield heard
    finally:
        task.cancel()
