"""`govan daemon`: the broker (if embedded), the bus, and one supervised runtime per device."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime
from typing import TYPE_CHECKING

from core.tasks import cancel_and_wait
from daemon.bus import Connection, Outgoing
from daemon.credentials import broker_address, ensure_embedded_credentials
from daemon.journal import JobJournal
from daemon.messages import DaemonState, MessageError, TerminalState, decode, encode
from daemon.runtime import DeviceRuntime
from daemon.topics import Topics, commands_of
from govan import __version__
from govan.config import Config

if TYPE_CHECKING:
    from daemon.broker import EmbeddedBroker

log = logging.getLogger(__name__)
OFFLINE = encode(DaemonState(state="offline"))
# How long a clean stop waits for "offline" to reach the broker.
STOP_DRAIN_S = 3.0


class Daemon:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.topics = Topics.for_van(config.mqtt.topic_prefix, config.van_id)
        self.runtimes: dict[str, DeviceRuntime] = {}
        self.connection: Connection | None = None
        self.ready = asyncio.Event()

    def _now(self) -> str:
        return datetime.now(self.config.tz).isoformat(timespec="milliseconds")

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until `stop` is set, then publish offline and release every device."""
        async with contextlib.AsyncExitStack() as stack:
            broker: EmbeddedBroker | None = None
            if self.config.embedded_broker:
                from daemon.broker import EmbeddedBroker  # amqtt is only loaded when embedded

                passwd = ensure_embedded_credentials(self.config)
                broker = EmbeddedBroker(
                    self.config.mqtt.embedded_port, passwd, self.topics.base, self.config.mqtt.staff_slots
                )
                await stack.enter_async_context(broker)
            connection = self.connection = Connection(
                broker_address(self.config, "daemon"),
                persistent=True,
                keepalive=self.config.mqtt.keepalive,
                will=Outgoing(self.topics.daemon_state, OFFLINE, retain=True),
                subscriptions=self._subscriptions(),
                on_message=self._on_message,
            )
            journal = JobJournal(self.config.data_path / "jobs.jsonl", now=datetime.now(self.config.tz))
            stack.callback(journal.close)
            connection.publish(
                self.topics.daemon_state,
                encode(DaemonState(state="online", version=__version__, since=self._now())),
                retain=True,
            )
            for device in self.config.devices.names():
                self.runtimes[device] = DeviceRuntime(device, self.config, self.topics, connection.publish, journal)
                if self.runtimes[device].claim is not None:
                    self.runtimes[device].claim.announce()  # nobody holds anything after a start
            tasks = [asyncio.create_task(connection.run(), name="mqtt")]
            for device, runtime in self.runtimes.items():
                tasks.append(asyncio.create_task(runtime.supervise(), name=f"{device}-supervisor"))
                tasks.append(asyncio.create_task(runtime.serve_commands(), name=f"{device}-commands"))
                tasks.append(asyncio.create_task(runtime.serve_sim(), name=f"{device}-sim"))
                answering = self._answer_interrupted(journal, runtime, broker)
                tasks.append(asyncio.create_task(answering, name=f"{device}-interrupted"))
            self.ready.set()
            log.info("daemon %s online for van %s", __version__, self.config.van_id)
            try:
                await stop.wait()
            finally:
                device_tasks, (mqtt_task,) = tasks[1:], tasks[:1]
                for task in device_tasks:
                    task.cancel()
                await asyncio.gather(*device_tasks, return_exceptions=True)
                connection.publish(self.topics.daemon_state, OFFLINE, retain=True)
                if not await connection.drain(STOP_DRAIN_S):
                    log.warning("could not publish offline before stopping; the broker's last will says it instead")
                await cancel_and_wait(mqtt_task)
                log.info("daemon stopped")

    async def _answer_interrupted(
        self, journal: JobJournal, runtime: DeviceRuntime, broker: EmbeddedBroker | None
    ) -> None:
        """Answer the jobs a stop cut off, once the answer can reach someone."""
        if not journal.interrupted(runtime.device):
            return
        if broker is not None:
            # The embedded broker started with this process: until a client subscribes, a result is lost.
            await broker.subscriptions.wait_for(self.topics.result(runtime.device))
        runtime.answer_interrupted()

    def _subscriptions(self) -> list[str]:
        devices = self.config.devices.names()
        topics = [self.topics.command(device, name) for device in devices for name in commands_of(device)]
        # Terminals' presence: a holder that goes offline loses its claims.
        return [*topics, f"{self.topics.base}/sim/#", self.topics.terminal_state("+")]

    async def _on_message(self, topic: str, payload: bytes) -> None:
        parts = self.topics.relative(topic)
        if parts is None:
            return
        if len(parts) == 3 and parts[0] == "sim" and parts[1] in self.runtimes:
            self.runtimes[parts[1]].submit_sim(parts[2], payload)
        elif len(parts) == 3 and parts[0] == "terminal" and parts[2] == "state":
            self._terminal_changed(parts[1], payload)
        elif len(parts) == 2 and parts[0] in self.runtimes and parts[1] in commands_of(parts[0]):
            self.runtimes[parts[0]].submit(parts[1], payload)

    def _terminal_changed(self, terminal: str, payload: bytes) -> None:
        try:
            online = bool(payload) and decode(payload, TerminalState).state == "online"  # empty: cleared
        except MessageError as error:
            log.warning("ignored a malformed presence of terminal %s: %s", terminal, error)
            return
        if not online:
            for runtime in self.runtimes.values():
                if runtime.claim is not None:
                    runtime.claim.terminal_offline(terminal)


def serve(config: Config) -> int:
    """Run the daemon in the foreground until SIGTERM or SIGINT; 0 on a clean stop."""
    import signal

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await Daemon(config).run(stop)

    asyncio.run(main())
    return 0
