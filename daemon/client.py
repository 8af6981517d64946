"""The API the TUI and `govan rig` use to talk to the daemon, over MQTT only.

    async with DaemonClient(config) as client:
        status = client.status            # daemon and device states, honestly
        result = await client.command("printer", "print", PrintCommand(...), timeout=10)
        async for event in client.events():  # CardEvent, ScanEvent, DeviceError
            ...

Every device counts as offline while the daemon is offline.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import msgspec

from core.devices import DEVICES
from core.problems import Code, Problem
from daemon.bus import BrokerUnreachable, Connection, connect_once
from daemon.credentials import CredentialsError, StaffSlot, broker_address
from daemon.messages import (
    CardEvent,
    DaemonState,
    DeviceError,
    DeviceState,
    ErrorEvent,
    JobResult,
    MessageError,
    QueueBoard,
    QueueEvent,
    ScanEvent,
    Status,
    decode,
    encode,
)
from daemon.topics import Topics
from govan.config import Config

__all__ = [
    "BrokerUnreachable", "CommandTimeout", "CredentialsError", "DaemonClient", "DeviceError", "Event", "Status", "Topics",
]
log = logging.getLogger(__name__)


class CommandTimeout(Exception):
    """No result arrived for a command in time."""


Event = CardEvent | ScanEvent | DeviceError | QueueEvent | QueueBoard


class DaemonClient:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.topics = Topics.for_van(config.mqtt.topic_prefix, config.van_id)
        base = self.topics.base
        self._slot = StaffSlot(config)
        self.connection = Connection(
            broker_address(config, "tui"),  # until start() claims a staff slot
            keepalive=config.mqtt.keepalive,
            subscriptions=[f"{base}/+/state", f"{base}/+/result", f"{base}/+/error",
                           self.topics.card, self.topics.scan, f"{base}/queue/#"],
            on_message=self._on_message,
        )
        self._daemon: DaemonState | None = None
        self._devices: dict[str, DeviceState] = {}
        self._pending: dict[str, asyncio.Future[JobResult]] = {}
        self._listeners: list[asyncio.Queue[Event]] = []
        self._watchers: list[asyncio.Queue[Status]] = []
        self._task: asyncio.Task[None] | None = None
        self.connection.on_connection_change = self._notify

    async def __aenter__(self) -> DaemonClient:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def start(self, timeout: float = 5.0) -> None:
        """Claim a staff slot and connect; raises CredentialsError or BrokerUnreachable if either fails."""
        self.connection.address = self._slot.claim()
        self._task = asyncio.create_task(self.connection.run(), name="daemon-client")
        try:
            await connect_once(self.connection, timeout)
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._slot.release()

    # States
    @property
    def status(self) -> Status:
        connected = self.connection.connected.is_set()
        daemon_online = connected and self._daemon is not None and self._daemon.state == "online"
        devices = {}
        for device in DEVICES:
            state = self._devices.get(device)
            if not daemon_online:
                if connected:
                    why, problem = "the daemon is offline", Problem(Code.DAEMON_OFFLINE)
                else:
                    reason = self.connection.last_error or ""
                    why, problem = "no connection to the MQTT broker", Problem(Code.DAEMON_NO_BROKER, {"reason": reason})
                state = DeviceState(state="offline", detail=why, driver=state.driver if state else "", since="",
                                    problem=problem)
            elif state is None:
                state = DeviceState(state="offline", detail="no state published yet", driver="", since="",
                                    problem=Problem(Code.DEVICE_NO_STATE))
            devices[device] = state
        return Status(broker_connected=connected, daemon=self._daemon, devices=devices)

    async def wait_for_daemon(self, timeout: float) -> bool:
        """True once the daemon and all device states have been heard, False on timeout."""
        async def heard() -> None:
            while not (self.status.daemon_online and set(self._devices) >= set(DEVICES)):
                await asyncio.sleep(0.05)

        try:
            await asyncio.wait_for(heard(), timeout)
        except TimeoutError:
            return False
        return True

    async def watch(self) -> AsyncIterator[Status]:
        """The status now, then again on every change."""
        queue: asyncio.Queue[Status] = asyncio.Queue()
        self._watchers.append(queue)
        try:
            yield self.status
            while True:
                yield await queue.get()
        finally:
            self._watchers.remove(queue)

    def _notify(self) -> None:
        status = self.status
        for queue in self._watchers:
            queue.put_nowait(status)

    # Commands
    async def command(self, device: str, name: str, message: msgspec.Struct | dict, *, timeout: float) -> JobResult:
        """Send a command and wait for its one result (matched by job_id).

        Unless the command says otherwise, it expires when this wait ends, so that a daemon
        that gets it later (it was offline, the broker kept it) does not carry it out unseen.
        """
        expires_at = datetime.now(UTC) + timedelta(seconds=timeout)
        if isinstance(message, dict):
            message = {"expires_at": expires_at.isoformat(), **message}
        elif getattr(message, "expires_at", "absent") is None:
            message = msgspec.structs.replace(message, expires_at=expires_at)
        job_id: str = message["job_id"] if isinstance(message, dict) else message.job_id  # type: ignore[attr-defined]
        future = self._pending.setdefault(job_id, asyncio.get_running_loop().create_future())
        self.connection.publish(self.topics.command(device, name), encode(message))
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except TimeoutError:
            raise CommandTimeout(f"no result from {device} for job {job_id} within {timeout:g} s") from None
        finally:
            if future.done():
                self._pending.pop(job_id, None)

    def publish(self, topic: str, message: msgspec.Struct | dict, *, retain: bool = False) -> None:
        """Publish under the van's base, e.g. queue events or emulator controls."""
        self.connection.publish(topic, encode(message), retain=retain)

    async def drain(self, timeout: float = 5.0) -> bool:
        return await self.connection.drain(timeout)

    # Events
    async def events(self) -> AsyncIterator[Event]:
        """Card reads, scans, device errors and queue messages, from now on."""
        queue: asyncio.Queue[Event] = asyncio.Queue()
        self._listeners.append(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._listeners.remove(queue)

    def _emit(self, event: Event) -> None:
        for queue in self._listeners:
            queue.put_nowait(event)

    async def _on_message(self, topic: str, payload: bytes) -> None:
        parts = self.topics.relative(topic)
        if not parts or len(parts) != 2:
            return
        device, kind = parts
        try:
            self._dispatch(device, kind, payload)
        except MessageError as error:
            log.warning("ignored a malformed message on %s: %s", topic, error)

    def _dispatch(self, device: str, kind: str, payload: bytes) -> None:
        if kind == "state" and device == "daemon":
            self._daemon = decode(payload, DaemonState) if payload else None
            self._notify()
        elif kind == "state" and device in DEVICES:
            if payload:
                self._devices[device] = decode(payload, DeviceState)
            else:
                self._devices.pop(device, None)
            self._notify()
        elif kind == "result":
            result = decode(payload, JobResult)
            future = self._pending.get(result.job_id)
            if future is not None and not future.done():
                future.set_result(result)
        elif kind == "error":
            self._emit(DeviceError(device, decode(payload, ErrorEvent)))
        elif (device, kind) == ("idreader", "card"):
            self._emit(decode(payload, CardEvent))
        elif (device, kind) == ("scanner", "scan"):
            self._emit(decode(payload, ScanEvent))
        elif (device, kind) == ("queue", "event"):
            self._emit(decode(payload, QueueEvent))
        elif (device, kind) == ("queue", "board"):
            self._emit(decode(payload, QueueBoard))

