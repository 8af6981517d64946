"""The API the TUI and `govan rig` use to talk to the daemon, over MQTT only.

    async with DaemonClient(config, label="窗口2 林晓燕") as client:
        status = client.status            # daemon and device states, honestly
        result = await client.command("printer", "print", PrintCommand(...), timeout=10)
        await client.claim("idreader", "窗口2 林晓燕")   # this terminal's card reads from now on
        async for event in client.events():  # CardEvent, ScanEvent, DeviceError, queue messages
            ...

Every device counts as offline while the daemon is offline.

A client is a terminal, named on the bus by its client id (its staff slot user, such as
`govan-tui-3`). It keeps its presence retained on B/terminal/{terminal}/state, online
while it is connected; its last will says offline, and so does a clean close. The daemon
frees whatever an offline terminal held (docs/contract-additions.md, "Device claims").
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import msgspec

from core.devices import CLAIMABLE, kind_of
from core.problems import Code, Problem
from core.tasks import cancel_and_wait
from daemon.bus import Connection, Outgoing, connect_once
from daemon.credentials import CredentialsError, StaffSlot, broker_address
from daemon.errors import BrokerUnreachable, CommandTimeout
from daemon.messages import (
    CLAIM_TIMEOUT_S,
    CardEvent,
    ClaimCommand,
    DaemonState,
    DeviceError,
    DeviceState,
    ErrorEvent,
    Holder,
    JobResult,
    MessageError,
    QueueBoard,
    QueueEvent,
    ReleaseCommand,
    ScanEvent,
    Status,
    TerminalState,
    decode,
    encode,
    new_id,
    now_iso,
)
from daemon.topics import Topics
from govan.config import Config

__all__ = [
    "BrokerUnreachable",
    "CommandTimeout",
    "CredentialsError",
    "DaemonClient",
    "DeviceError",
    "Event",
    "Status",
    "Topics",
]
log = logging.getLogger(__name__)
OFFLINE = encode(TerminalState(state="offline"))
# How long a clean close waits for "offline" to reach the broker.
CLOSE_DRAIN_S = 2.0


Event = CardEvent | ScanEvent | DeviceError | QueueEvent | QueueBoard


class DaemonClient:
    """A staff program's link to the daemon (a terminal), or with `support` the one of `govan rig`.

    A terminal connects as a staff slot's user and hears card reads and scans only for itself; a
    support client connects as the support user, which reads every device event (daemon/access.py).
    """

    def __init__(self, config: Config, *, label: str | None = None, support: bool = False) -> None:
        self.config = config
        self.topics = Topics.for_van(config.mqtt.topic_prefix, config.van_id)
        self.devices = config.devices.names()
        # What other staff see of this terminal, e.g. "窗口2 林晓燕"; see set_label.
        self.label = label
        self.support = support
        self._slot = StaffSlot(config)
        self.connection = Connection(
            broker_address(config, "tui"),  # until start() knows which user this is
            keepalive=config.mqtt.keepalive,
            on_message=self._on_message,
        )
        self._daemon: DaemonState | None = None
        self._devices: dict[str, DeviceState] = {}
        self._holders: dict[str, Holder] = {}
        # The devices this terminal has claimed and not released, with the label it claimed them under.
        self._claims: dict[str, str] = {}
        self._claiming_again: set[asyncio.Task[None]] = set()
        self._since = ""
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

    @property
    def terminal(self) -> str:
        """This terminal's id on the bus: its client id, e.g. "govan-tui-3" (known once started)."""
        return self.connection.identifier

    async def start(self, timeout: float = 5.0) -> None:
        """Claim a staff slot and connect; raises CredentialsError or BrokerUnreachable if either fails."""
        base = self.topics.base
        subscriptions = [
            f"{base}/+/state",
            f"{base}/+/result",
            f"{base}/+/error",
            f"{base}/+/holder",
            f"{base}/queue/#",
        ]
        if self.support:
            self.connection.address = broker_address(self.config, "support")
            subscriptions += [f"{base}/+/card", f"{base}/+/scan"]
        else:
            self.connection.address = self._slot.claim()
            subscriptions.append(self.topics.terminal_events(self.terminal))
            self.connection.will = Outgoing(self.topics.terminal_state(self.terminal), OFFLINE, retain=True)
            self._since = now_iso(self.config.tz)
            self._announce()
        self.connection.subscriptions = tuple(subscriptions)
        self._task = asyncio.create_task(self.connection.run(), name="daemon-client")
        try:
            await connect_once(self.connection, timeout)
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        self._claims.clear()  # nothing to claim again: the daemon frees it all when this terminal is offline
        for task in self._claiming_again:
            task.cancel()
        if self._task is not None:
            if not self.support:  # a clean disconnect does not fire the last will: say offline first
                self.connection.publish(self.topics.terminal_state(self.terminal), OFFLINE, retain=True)
            if self.connection.connected.is_set():
                await self.connection.drain(CLOSE_DRAIN_S)
            await cancel_and_wait(self._task)
            self._task = None
        self._slot.release()

    def set_label(self, label: str | None) -> None:
        """What other staff see of this terminal from now on, e.g. after a sign-in."""
        self.label = label
        if self._since and not self.support:
            self._announce()

    def _announce(self) -> None:
        presence = TerminalState(state="online", label=self.label, since=self._since)
        self.connection.publish(self.topics.terminal_state(self.terminal), encode(presence), retain=True)

    # States
    @property
    def status(self) -> Status:
        connected = self.connection.connected.is_set()
        daemon_online = connected and self._daemon is not None and self._daemon.state == "online"
        devices = {}
        for device in self.devices:
            state = self._devices.get(device)
            if not daemon_online:
                if connected:
                    why, problem = "the daemon is offline", Problem(Code.DAEMON_OFFLINE)
                else:
                    reason = self.connection.last_error or ""
                    why, problem = (
                        "no connection to the MQTT broker",
                        Problem(Code.DAEMON_NO_BROKER, {"reason": reason}),
                    )
                state = DeviceState(
                    state="offline", detail=why, driver=state.driver if state else "", since="", problem=problem
                )
            elif state is None:
                state = DeviceState(
                    state="offline",
                    detail="no state published yet",
                    driver="",
                    since="",
                    problem=Problem(Code.DEVICE_NO_STATE),
                )
            devices[device] = state
        holders = {device: self.holder(device) for device in self.devices if kind_of(device) in CLAIMABLE}
        return Status(broker_connected=connected, daemon=self._daemon, devices=devices, holders=holders)

    def holder(self, device: str) -> Holder:
        """Who holds a reader or scanner now; Holder() (nobody) while the daemon is offline."""
        online = self.connection.connected.is_set() and self._daemon is not None and self._daemon.state == "online"
        return self._holders.get(device, Holder()) if online else Holder()

    async def wait_for_daemon(self, timeout: float) -> bool:
        """True once the daemon and all device states have been heard, False on timeout."""

        def heard() -> bool:  # the daemon and a state of its own from every device
            return self.status.daemon_online and set(self._devices) >= set(self.devices)

        try:
            async with asyncio.timeout(timeout):
                async for _ in self.watch():  # now, then at each change
                    if heard():
                        return True
        except TimeoutError:
            pass
        return False

    async def watch(self) -> AsyncIterator[Status]:
        """The status now, then again on every change (of states, connection or holders)."""
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

    # Claims
    async def claim(
        self, device: str, label: str, *, take: bool = False, timeout: float = CLAIM_TIMEOUT_S
    ) -> JobResult:
        """Hold a reader or scanner for this terminal: its card reads or scans come here from now on.

        Failed, with problem `device.held` (terminal, label), when another terminal holds it,
        unless `take`. Until `release`, the claim is made again if the daemon forgets it (it
        restarted, or this terminal was offline for a while) and nobody else has taken it.
        """
        if kind_of(device) not in CLAIMABLE:
            raise ValueError(f"{device} cannot be claimed; only ID readers and the scanner can")
        command = ClaimCommand(job_id=new_id(), terminal=self.terminal, label=label, take=take)
        result = await self.command(device, "claim", command, timeout=timeout)
        if result.state == "done":
            self._claims[device] = label
        return result

    async def release(self, device: str, *, timeout: float = CLAIM_TIMEOUT_S) -> JobResult:
        """Let go of a reader or scanner, so that its events are nobody's until someone claims it."""
        self._claims.pop(device, None)
        command = ReleaseCommand(job_id=new_id(), terminal=self.terminal)
        return await self.command(device, "release", command, timeout=timeout)

    def _holder_changed(self, device: str) -> None:
        label = self._claims.get(device)
        holder = self._holders[device]
        if label is None or holder.terminal == self.terminal:
            return
        if holder.terminal is not None:
            log.info("%s was taken by %s", device, holder.terminal)
            del self._claims[device]
            return
        # Nobody holds what this terminal claimed: the daemon restarted, or it thought us gone.
        task = asyncio.get_running_loop().create_task(self._claim_again(device, label))
        self._claiming_again.add(task)
        task.add_done_callback(self._claiming_again.discard)

    async def _claim_again(self, device: str, label: str) -> None:
        try:
            result = await self.claim(device, label)
        except CommandTimeout:
            log.warning("could not claim %s again: no answer from the daemon", device)
            return
        if result.state == "failed":
            log.info("could not claim %s again: %s", device, result.detail)
            self._claims.pop(device, None)

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
        self.connection.publish(self.topics.command(device, name), encode(message), first=True)
        try:
            async with asyncio.timeout(timeout):
                return await asyncio.shield(future)
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
        """Card reads, scans, device errors and queue messages, from now on.

        A card read or a scan comes only to the terminal that held the reader or scanner when it
        was read; one read while nobody held it comes to nobody. A support client hears them all,
        whoever they are for: for `govan rig`.
        """
        listener: asyncio.Queue[Event] = asyncio.Queue()
        self._listeners.append(listener)
        try:
            while True:
                yield await listener.get()
        finally:
            self._listeners.remove(listener)

    def _emit(self, event: Event) -> None:
        # The broker gives a staff user only its own reads; this holds even on a broker without an ACL.
        if isinstance(event, CardEvent | ScanEvent) and not (self.support or event.terminal == self.terminal):
            return
        for listener in self._listeners:
            listener.put_nowait(event)

    async def _on_message(self, topic: str, payload: bytes) -> None:
        parts = self.topics.relative(topic)
        if parts and len(parts) == 4 and parts[:2] == ["terminal", self.terminal]:
            parts = parts[2:]  # terminal/<this one>/<device>/<card|scan>: a read it held the device for
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
        elif kind == "state" and device in self.devices:
            if payload:
                self._devices[device] = decode(payload, DeviceState)
            else:
                self._devices.pop(device, None)
            self._notify()
        elif kind == "holder" and device in self.devices:
            self._holders[device] = decode(payload, Holder) if payload else Holder()
            self._holder_changed(device)
            self._notify()
        elif kind == "result":
            result = decode(payload, JobResult)
            future = self._pending.get(result.job_id)
            if future is not None and not future.done():
                future.set_result(result)
        elif kind == "error":
            self._emit(DeviceError(device, decode(payload, ErrorEvent)))
        elif kind == "card" and kind_of(device) == "idreader":
            self._emit(decode(payload, CardEvent))
        elif kind == "scan" and kind_of(device) == "scanner":
            self._emit(decode(payload, ScanEvent))
        elif (device, kind) == ("queue", "event"):
            self._emit(decode(payload, QueueEvent))
        elif (device, kind) == ("queue", "board"):
            self._emit(decode(payload, QueueBoard))
