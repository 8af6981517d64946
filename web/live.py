"""govan web's live state: the board from MQTT, the queue from the store, and who to tell when either changes.

One MQTT client (a staff slot, like a terminal) hears the retained `B/queue/board` and the queue
events. On every board, on `ticket.rated` and on trip events, the open trip's queue is read
from the store once (flows.hall.snapshot), and every page waiting on `changed()` wakes up to
compare what it shows with what is now true. The store is also read every STORE_POLL_S, so
phone pages stay right while the broker is away; the board then says 连接中断, because it comes
from MQTT and cannot update.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

import msgspec
from sqlite_utils import Database

from daemon.client import BrokerUnreachable, CommandTimeout, CredentialsError, DaemonClient, Topics
from daemon.messages import Holder, JobResult, QueueBoard, QueueEvent, Status
from flows.hall import Place, Snapshot, Ticket, place, snapshot
from flows.van import Van
from govan.config import Config

__all__ = ["HEARTBEAT_S", "Hall"]
log = logging.getLogger(__name__)

RETRY_S = 1.0  # between attempts to reach the broker
STORE_POLL_S = 5.0
FRESH_S = 1.0  # a ticket the last reading did not have makes the next reading come sooner
HEARTBEAT_S = 5.0  # pages hear from the server at least this often, so they can tell a dead line
REFRESHING_EVENTS = ("ticket.rated", "trip.opened", "trip.closed", "trip.crew_changed")


class Hall:
    def __init__(self, config: Config, store: Database, *, clock: Callable[[], datetime] | None = None) -> None:
        self.config = config
        self.store = store
        self.clock = clock or (lambda: datetime.now(config.tz))
        self.board: QueueBoard | None = None
        self.client: DaemonClient | None = None
        self.mqtt_connected = False
        self.view: Snapshot = snapshot(store, self.now())
        self.version = 0
        self.stopping = asyncio.Event()
        self._changed = asyncio.Event()
        self.van = Van(store, config, _HallBus(self), clock=self.clock)

    def now(self) -> datetime:
        return self.clock().astimezone(self.config.tz)

    # Telling the pages ------------------------------------------------------------------

    async def changed(self, timeout: float) -> bool:
        """Wait until something changes (True) or `timeout` passes (False)."""
        event = self._changed
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await event.wait()
            return True
        return False

    def notify(self) -> None:
        self.version += 1
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    def stop(self) -> None:
        self.stopping.set()
        self.notify()

    def refresh(self) -> bool:
        """Read the queue from the store again; tell the pages if it changed."""
        view = snapshot(self.store, self.now())
        if _same(view, self.view):
            self.view = view  # the same queue, read now
            return False
        self.view = view
        self.notify()
        return True

    def place_of(self, ticket: Ticket) -> Place:
        """Where a ticket stands; the queue is read again first if this ticket is newer than what was read
        (its announcement is still on its way), at most every FRESH_S."""
        view = self.view
        unseen = ticket.id not in view.tickets or ticket.trip_id != view.trip_id
        if unseen and (view.read_at is None or (self.now() - view.read_at).total_seconds() >= FRESH_S):
            self.refresh()
        return place(self.view, ticket)

    @property
    def live(self) -> bool:
        """The board can be trusted as current: the broker is connected and has given a board."""
        return self.mqtt_connected and self.board is not None

    # Running ------------------------------------------------------------------------------

    async def run(self) -> None:
        """Hear MQTT and poll the store until cancelled."""
        await asyncio.gather(self._mqtt(), self._poll_store())

    async def _poll_store(self) -> None:
        while True:
            await asyncio.sleep(STORE_POLL_S)
            try:
                self.refresh()
            except Exception:  # a locked or broken store must not stop the pages: log it and go on
                log.exception("could not read the queue from the store")

    async def _mqtt(self) -> None:
        while True:
            client = DaemonClient(self.config, label="govan web")
            # Listening before connecting: the retained board arrives as soon as the client subscribes.
            listening = asyncio.create_task(self._listen(client))
            await asyncio.sleep(0)
            try:
                await client.start()
                self.client = client
                await asyncio.gather(self._watch(client), listening)
            except (BrokerUnreachable, CredentialsError) as error:
                log.warning("cannot reach the broker: %s", error)
            finally:
                listening.cancel()
                self.client = None
                await client.close()
                if self.mqtt_connected:
                    self.mqtt_connected = False
                    self.notify()
            await asyncio.sleep(RETRY_S)

    async def _watch(self, client: DaemonClient) -> None:
        async for status in client.watch():
            if status.broker_connected != self.mqtt_connected:
                self.mqtt_connected = status.broker_connected
                log.info("broker %s", "connected" if status.broker_connected else "disconnected")
                self.notify()

    async def _listen(self, client: DaemonClient) -> None:
        async for event in client.events():
            if isinstance(event, QueueBoard):
                self.board = event
                if not self.refresh():
                    self.notify()
            elif isinstance(event, QueueEvent) and event.type in REFRESHING_EVENTS:
                self.refresh()


def _same(one: Snapshot, other: Snapshot) -> bool:
    """The same queue, whenever it was read."""
    return (one.trip, one.tickets, one.rated, one.categories) == (
        other.trip,
        other.tickets,
        other.rated,
        other.categories,
    )


class _HallBus:
    """flows.van.Bus over the hall's current MQTT client: a rating's `ticket.rated` goes out on it.

    govan web commands no device; while the broker is away an announcement is dropped (the
    store has the rating, and every page reads the store)."""

    def __init__(self, hall: Hall) -> None:
        self._hall = hall

    @property
    def topics(self) -> Topics:
        return Topics.for_van(self._hall.config.mqtt.topic_prefix, self._hall.config.van_id)

    @property
    def status(self) -> Status:
        client = self._hall.client
        return client.status if client is not None else Status.unreachable("govan web is not connected")

    @property
    def terminal(self) -> str:
        client = self._hall.client
        return client.terminal if client is not None else ""

    def publish(self, topic: str, message: msgspec.Struct, *, retain: bool = False) -> None:
        client = self._hall.client
        if client is None:
            log.warning("not connected: %s not announced", topic)
            return
        client.publish(topic, message, retain=retain)

    async def command(self, device: str, name: str, message: msgspec.Struct, *, timeout: float) -> JobResult:
        client = self._hall.client
        if client is None:
            raise BrokerUnreachable("govan web is not connected to the broker")
        return await client.command(device, name, message, timeout=timeout)

    async def claim(self, device: str, label: str, *, take: bool = False) -> JobResult:
        raise CommandTimeout("govan web claims no device")

    async def release(self, device: str) -> JobResult:
        raise CommandTimeout("govan web holds no device")

    def holder(self, device: str) -> Holder:
        return Holder()
