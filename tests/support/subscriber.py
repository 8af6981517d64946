"""A plain MQTT subscriber on one device's topics, as any other program would subscribe.

It reads the raw JSON the broker delivers, so end-to-end tests check the contract itself. It
connects as the support user, which may read every device event (cards on B/idreader/card
included); as a staff user (`staff=True`) it reads what a terminal may.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiomqtt

from daemon.credentials import BrokerAddress, CredentialsError, StaffSlot, broker_address
from govan.config import Config
from tests.support.aio import within

WAIT = 10.0  # liveness bound only; never a timing assertion
KINDS = ("state", "error", "result", "card", "scan", "board", "event")


class Subscriber:
    def __init__(self, client: aiomqtt.Client, base: str, under: str) -> None:
        self.client = client
        self.base = base
        self.under = under
        self.queues: dict[str, asyncio.Queue[dict[str, Any]]] = {kind: asyncio.Queue() for kind in KINDS}

    async def pump(self) -> None:
        async for message in self.client.messages:
            # amqtt 0.12 also sends a connecting client the retained messages of every filter anyone
            # subscribed to: keep only what is under the topic subscribed to.
            if not str(message.topic).startswith(self.under):
                continue
            kind = str(message.topic).rsplit("/", 1)[-1]
            if kind in self.queues and isinstance(message.payload, bytes) and message.payload:
                self.queues[kind].put_nowait(json.loads(message.payload))

    async def next(self, kind: str) -> dict[str, Any]:
        return await within(WAIT, self.queues[kind].get())

    async def state(self, accept: Callable[[dict[str, Any]], bool], timeout: float = WAIT) -> dict[str, Any]:
        """The first state message `accept` takes, skipping the ones before it."""

        async def wait() -> dict[str, Any]:
            while not accept(state := await self.queues["state"].get()):
                pass
            return state

        return await within(timeout, wait())

    def pending(self, kind: str) -> list[dict[str, Any]]:
        items = []
        while not self.queues[kind].empty():
            items.append(self.queues[kind].get_nowait())
        return items


async def _connect(who: Callable[[], BrokerAddress]) -> aiomqtt.Client:
    """Connected as `who()` says, waiting (up to WAIT) for the broker to listen.

    A daemon child process with the embedded broker takes a moment to create the
    credentials and to listen, after its first start and after every restart.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while True:
        try:
            address = who()
            client = aiomqtt.Client(
                address.host,
                address.port,
                username=address.username,
                password=address.password,
                identifier=address.client_id,
                protocol=aiomqtt.ProtocolVersion.V311,
            )
            await client.__aenter__()
            return client
        except (CredentialsError, aiomqtt.MqttError):
            if loop.time() > deadline:
                raise
            await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def subscriber(config: Config, device: str, *, staff: bool = False) -> AsyncIterator[Subscriber]:
    """Subscribed to B/{device}/# as the support user (one at a time), or a staff slot's."""
    base = f"{config.mqtt.topic_prefix}/{config.van_id}"
    slot = StaffSlot(config)

    def who() -> BrokerAddress:
        if not staff:
            return broker_address(config, "support")
        return slot.address or slot.claim()

    client = await _connect(who)
    try:
        await client.subscribe(f"{base}/{device}/#", qos=1)
        sub = Subscriber(client, base, f"{base}/{device}/")
        pump = asyncio.create_task(sub.pump())
        try:
            yield sub
        finally:
            pump.cancel()
            await asyncio.gather(pump, return_exceptions=True)
    finally:
        with contextlib.suppress(aiomqtt.MqttError):  # the broker may have died with its daemon
            await client.__aexit__(None, None, None)
        slot.release()
