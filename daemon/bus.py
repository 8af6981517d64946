"""One MQTT session, kept up by a reconnect loop (aiomqtt 2.x has none of its own).

Publishing never blocks the caller: messages wait in an outbox while the broker is
away. Retained messages are remembered and published again after every reconnect,
so the broker's view is right as soon as the session is back.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

import aiomqtt

from core.tasks import cancel_and_wait
from daemon.credentials import BrokerAddress
from daemon.errors import BrokerUnreachable

log = logging.getLogger(__name__)
MessageHandler = Callable[[str, bytes], Awaitable[None]]


@dataclass(frozen=True)
class Outgoing:
    topic: str
    payload: bytes
    retain: bool
    qos: int = 1
    first: bool = False  # goes ahead of queued messages that are not (Connection.publish)


class Connection:
    # Non-retained messages kept while disconnected; beyond this the oldest are dropped.
    OUTBOX_LIMIT = 10_000

    def __init__(
        self,
        address: BrokerAddress,
        *,
        persistent: bool = False,
        keepalive: int = 10,
        will: Outgoing | None = None,
        subscriptions: Iterable[str] = (),
        on_message: MessageHandler | None = None,
        backoff_cap_s: float = 5.0,
    ) -> None:
        self.address = address
        # A persistent session keeps the client's subscriptions and queued QoS 1 messages at the broker
        # while it is away, so commands sent meanwhile are delivered when it is back.
        self.persistent = persistent
        self._anonymous_id = f"govan-{uuid.uuid4().hex}"
        self.keepalive = keepalive
        self.will = will
        self.subscriptions = tuple(subscriptions)
        self.on_message = on_message
        self.backoff_cap_s = backoff_cap_s
        self.connected = asyncio.Event()
        self.last_error: str | None = None
        self.attempted = asyncio.Event()
        self._retained: dict[str, Outgoing] = {}
        self._outbox: deque[Outgoing] = deque()
        self._outbox_ready = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._dropped = 0
        self._sending: Outgoing | None = None  # the message whose PUBACK _send awaits
        # Called with no arguments whenever the session comes up or goes down.
        self.on_connection_change: Callable[[], None] | None = None

    def publish(self, topic: str, payload: bytes, *, retain: bool = False, first: bool = False) -> None:
        """Queue a message for the broker. `first` puts it ahead of everything not yet on its way: a
        command someone waits for (a ticket's print) need not queue behind the news published just
        before it, each of which waits for its PUBACK (issue 17). The broker keeps the order per
        topic only, so this reorders nothing any subscriber relies on; commands keep their own order."""
        message = Outgoing(topic, payload, retain, first=first)
        if retain:
            self._retained[topic] = message
        if len(self._outbox) >= self.OUTBOX_LIMIT:
            self._outbox.popleft()
            self._dropped += 1
        if first:
            ahead = 0
            while ahead < len(self._outbox) and (self._outbox[ahead].first or self._outbox[ahead] is self._sending):
                ahead += 1
            self._outbox.insert(ahead, message)
        else:
            self._outbox.append(message)
        self._idle.clear()
        self._outbox_ready.set()

    async def drain(self, timeout: float) -> bool:
        """Wait until everything published so far has reached the broker."""
        try:
            async with asyncio.timeout(timeout):
                await self._idle.wait()
        except TimeoutError:
            return False
        return True

    @property
    def identifier(self) -> str:
        return self.address.client_id or self._anonymous_id

    def _client(self) -> aiomqtt.Client:
        will = None
        if self.will:
            will = aiomqtt.Will(self.will.topic, self.will.payload, self.will.qos, self.will.retain)
        return aiomqtt.Client(
            self.address.host,
            self.address.port,
            username=self.address.username,
            password=self.address.password,
            identifier=self.identifier,
            protocol=aiomqtt.ProtocolVersion.V311,
            will=will,
            keepalive=self.keepalive,
            clean_session=not self.persistent,
            tls_params=aiomqtt.TLSParameters(ca_certs=self.address.ca_file) if self.address.tls else None,
            timeout=10,
        )

    async def run(self) -> None:
        """Stay connected until cancelled."""
        delay = 0.25
        while True:
            try:
                async with self._client() as client:
                    await self._on_connected(client)
                    delay = 0.25
                    await self._serve(client)
            except aiomqtt.MqttError as error:
                if self.connected.is_set() or self.last_error != str(error):
                    log.warning("MQTT %s: %s; retrying", self.address, error)
                self.last_error = str(error)
            finally:
                was_connected = self.connected.is_set()
                self.connected.clear()
                self.attempted.set()
                if was_connected and self.on_connection_change:
                    self.on_connection_change()
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.backoff_cap_s)

    async def _on_connected(self, client: aiomqtt.Client) -> None:
        _disable_nagle(client)
        for topic in self.subscriptions:
            await client.subscribe(topic, qos=1)
        # Retained states first (newest per topic), then the events that waited.
        waiting = [message for message in self._outbox if not message.retain]
        self._outbox = deque([*self._retained.values(), *waiting])
        if self._dropped:
            log.warning("MQTT outbox overflowed while disconnected: %d oldest messages dropped", self._dropped)
            self._dropped = 0
        if self._outbox:
            self._outbox_ready.set()
        self.last_error = None
        self.connected.set()
        self.attempted.set()
        if self.on_connection_change:
            self.on_connection_change()
        log.info("MQTT connected to %s as %s", self.address, self.address.username or "anonymous")

    async def _serve(self, client: aiomqtt.Client) -> None:
        """Send and receive until either side fails; then the session is over."""
        tasks = {asyncio.create_task(self._send(client)), asyncio.create_task(self._receive(client))}
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            await cancel_and_wait(*tasks)
        for task in done:
            task.result()  # re-raises the MqttError that ended the session
        raise aiomqtt.MqttError("session ended")

    async def _send(self, client: aiomqtt.Client) -> None:
        while True:
            if not self._outbox:
                self._idle.set()
                self._outbox_ready.clear()
                await self._outbox_ready.wait()
                continue
            message = self._sending = self._outbox[0]
            try:
                await client.publish(message.topic, message.payload, qos=message.qos, retain=message.retain)
            finally:
                self._sending = None
            # Only now is it the broker's: a failed publish stays first in line.
            if self._outbox and self._outbox[0] is message:
                self._outbox.popleft()

    async def _receive(self, client: aiomqtt.Client) -> None:
        async for message in client.messages:
            if self.on_message is None:
                continue
            payload = message.payload if isinstance(message.payload, bytes) else str(message.payload).encode()
            try:
                await self.on_message(message.topic.value, payload)
            except Exception:  # one bad message must not end the session
                log.exception("error while handling a message on %s", message.topic.value)


def _disable_nagle(client: aiomqtt.Client) -> None:
    """paho leaves Nagle's algorithm on, which holds small publishes back by tens of ms."""
    sock = client._client.socket()  # aiomqtt exposes no public way to reach paho's socket
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


async def connect_once(connection: Connection, timeout: float) -> None:
    """Wait for the first connection attempt; raise BrokerUnreachable if it failed."""
    try:
        async with asyncio.timeout(timeout):
            await connection.attempted.wait()
    except TimeoutError:
        raise BrokerUnreachable(
            f"no answer from the MQTT broker at {connection.address} within {timeout:g} s"
        ) from None
    if not connection.connected.is_set():
        raise BrokerUnreachable(f"cannot connect to the MQTT broker at {connection.address}: {connection.last_error}")
