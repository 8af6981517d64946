"""The app's one MQTT client: it turns daemon news into Textual messages and sends commands.

Card reads and scans reach this terminal only when it held the reader or scanner
(flows.claims); every other terminal's are not heard here at all.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import msgspec
from textual.app import App
from textual.message import Message

from daemon.errors import BrokerUnreachable
from daemon.messages import CardEvent, DeviceError, Holder, JobResult, QueueBoard, QueueEvent, ScanEvent, Status
from govan.config import Config
from tui.messages import BoardChanged, CardRead, CodeScanned, DeviceFaulted, DevicesChanged, QueueChanged

if TYPE_CHECKING:
    from daemon.client import DaemonClient, Topics

log = logging.getLogger(__name__)
RETRY_S = 2.0


class NotConnected(BrokerUnreachable):
    """No broker connection: a command cannot be sent now."""


class DaemonLink:
    def __init__(self, app: App, config: Config, *, on_connected: Callable[[], None] | None = None) -> None:
        self.app = app
        self.config = config
        self.client: DaemonClient | None = None
        self.status = Status.unreachable("")
        # Called whenever the broker is reached again, and when the daemon comes back: the app
        # rebuilds the board from the store then (a restarted broker has no retained board, and
        # a board remembered here could be a closed trip's).
        self.on_connected = on_connected

    @property
    def topics(self) -> Topics:
        from daemon.client import Topics

        return Topics.for_van(self.config.mqtt.topic_prefix, self.config.van_id)

    async def run(self) -> None:
        """Run as an app worker: connect, forward news, and reconnect if the first try fails."""
        # The MQTT client loads here, after the first screen is up, not at start.
        from daemon.client import BrokerUnreachable, CredentialsError, DaemonClient

        while True:
            try:
                async with DaemonClient(self.config) as client:
                    self.client = client
                    await asyncio.gather(self._forward_status(client), self._forward_events(client))
            except (BrokerUnreachable, CredentialsError) as error:
                log.warning("cannot reach the daemon: %s", error)
                self._post_status(Status.unreachable(str(error)))
            finally:
                self.client = None
            await asyncio.sleep(RETRY_S)

    def _post(self, message: Message) -> None:
        """To the screen on top: it handles what it cares about, the rest bubbles to the app."""
        self.app.screen.post_message(message)

    def _post_status(self, status: Status) -> None:
        self.status = status
        self._post(DevicesChanged(status))

    async def _forward_status(self, client: DaemonClient) -> None:
        before = self.status
        async for status in client.watch():
            self._post_status(status)
            back = (status.broker_connected and not before.broker_connected) or (
                status.daemon_online and not before.daemon_online
            )
            if back and self.on_connected is not None:
                self.on_connected()
            before = status

    async def _forward_events(self, client: DaemonClient) -> None:
        # Cards and scans only for this terminal: read while it held the device (flows.claims).
        async for event in client.events():
            if isinstance(event, CardEvent):
                self._post(CardRead(event))
            elif isinstance(event, ScanEvent):
                self._post(CodeScanned(event))
            elif isinstance(event, DeviceError):
                self._post(DeviceFaulted(event))
            elif isinstance(event, QueueEvent):
                self._post(QueueChanged(event))
            elif isinstance(event, QueueBoard):
                self._post(BoardChanged(event))

    # The flows' Bus (flows.van.Bus): the current client's, or NotConnected while there is none.
    @property
    def terminal(self) -> str:
        return self.client.terminal if self.client is not None else ""

    def _connected(self, device: str) -> DaemonClient:
        if self.client is None:
            raise NotConnected(self.status.devices[device].detail)
        return self.client

    async def command(self, device: str, name: str, message: msgspec.Struct, *, timeout: float) -> JobResult:
        return await self._connected(device).command(device, name, message, timeout=timeout)

    async def claim(self, device: str, label: str, *, take: bool = False) -> JobResult:
        return await self._connected(device).claim(device, label, take=take)

    async def release(self, device: str) -> JobResult:
        return await self._connected(device).release(device)

    def holder(self, device: str) -> Holder:
        return self.client.holder(device) if self.client is not None else Holder()

    def publish(self, topic: str, message: msgspec.Struct, *, retain: bool = False) -> None:
        """Publish now; without a connection it is lost (the board is rebuilt when the link is back)."""
        if self.client is not None:
            self.client.publish(topic, message, retain=retain)
