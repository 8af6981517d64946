"""The daemon's broker session under faults: a clean stop with clients, a takeover attempt, an outage, a burst.

Each runs `govan daemon` as a child process against a real broker, with the printer on
the real TCP driver talking to a virtual printer in this process.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiomqtt
import msgspec
import pytest

from core.tasks import cancel_and_wait
from daemon.client import CommandTimeout, DaemonClient
from daemon.credentials import DAEMON_USER, StaffSlot
from daemon.messages import PrintCommand, new_id
from daemon.topics import Topics
from devices.printer.document import CutBlock, Document, TextBlock
from devices.printer.emulator import VirtualPrinter
from govan import config as config_module
from govan.config import Config
from tests.support.mosquitto import MosquittoBroker
from tests.support.net import wait_for_port
from tests.support.van import DaemonProcess, write_config

TICKET = Document(blocks=[TextBlock(text="A012", size=(4, 4)), CutBlock()])
LIVENESS_S = 30.0  # how long a test may wait before it calls a hang a hang; never a timing assertion


@contextlib.asynccontextmanager
async def tcp_printer() -> AsyncIterator[VirtualPrinter]:
    printer = VirtualPrinter(dots=576)
    await printer.start("127.0.0.1", 0)
    try:
        yield printer
    finally:
        await printer.stop()


def _printer_settings(printer: VirtualPrinter) -> dict:
    return {"devices": {"printer": {"driver": "tcp", "host": "127.0.0.1", "port": printer.port}}}


async def online_client(config: Config) -> DaemonClient:
    """A started client once the daemon is online; the embedded broker may not be listening yet."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + LIVENESS_S
    while True:
        try:
            client = DaemonClient(config)  # the daemon writes the embedded broker's credentials as it starts
            await client.start()
        except Exception:
            if loop.time() > deadline:
                raise
            await asyncio.sleep(0.1)
            continue
        if await client.wait_for_daemon(max(0.1, deadline - loop.time())):
            return client
        await client.close()


def _connections_logged(daemon: DaemonProcess) -> int:
    return daemon.log.read_text(encoding="utf-8").count("MQTT connected to")


async def eager_terminal(config: Config) -> None:
    """A terminal that reconnects the moment it is cut off, as fast as a reconnect can be."""
    with StaffSlot(config) as address:
        while True:
            client = aiomqtt.Client(
                address.host,
                address.port,
                username=address.username,
                password=address.password,
                identifier=address.client_id,
                protocol=aiomqtt.ProtocolVersion.V311,
                timeout=2,
            )
            with contextlib.suppress(aiomqtt.MqttError):
                async with client:
                    # What a staff user may read; a refused subscription would make it a reconnect storm.
                    await client.subscribe(
                        f"{Topics.for_van(config.mqtt.topic_prefix, config.van_id).base}/+/state", qos=1
                    )
                    async for _ in client.messages:
                        pass
            await asyncio.sleep(0.001)


async def test_sigterm_with_reconnecting_terminals_stops_and_frees_the_port(tmp_path: Path) -> None:
    """amqtt cleaned up sessions before closing its listener, and waited forever for terminals that reconnected."""
    config_path = write_config(tmp_path)
    config = config_module.load(config_path)
    for _ in range(3):
        daemon = DaemonProcess(config_path)
        try:
            await (await online_client(config)).close()
            terminals = [asyncio.create_task(eager_terminal(config)) for _ in range(6)]
            await asyncio.sleep(0.5)
            daemon.signal(signal.SIGTERM)
            assert await asyncio.to_thread(daemon.wait, LIVENESS_S) == 0
            await cancel_and_wait(*terminals)  # they connect and subscribe through aiomqtt's wait_for
        finally:
            daemon.stop()
    assert "daemon stopped" in daemon.log.read_text(encoding="utf-8")


@pytest.mark.parametrize("broker_kind", ["embedded", "mosquitto"])
async def test_a_staff_credential_cannot_take_over_the_daemons_session(broker_kind: str, tmp_path: Path) -> None:
    broker = MosquittoBroker(tmp_path / "mosquitto", config_module.Config()) if broker_kind == "mosquitto" else None
    if broker is not None:
        broker.start()
    config_path = write_config(tmp_path, broker=broker)
    config = config_module.load(config_path)
    daemon = DaemonProcess(config_path)
    try:
        watcher = await online_client(config)
        went_offline = asyncio.Event()

        async def watch() -> None:
            async for status in watcher.watch():
                if not status.daemon_online:
                    went_offline.set()

        watching = asyncio.create_task(watch())
        with StaffSlot(config) as staff:
            for _ in range(12):
                intruder = aiomqtt.Client(
                    staff.host,
                    staff.port,
                    username=staff.username,
                    password=staff.password,
                    identifier=DAEMON_USER,
                    protocol=aiomqtt.ProtocolVersion.V311,
                    timeout=5,
                )
                with contextlib.suppress(aiomqtt.MqttError):  # the embedded broker refuses it outright
                    async with intruder:
                        await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # let a knocked-off daemon's last will arrive, if it was knocked off
        watching.cancel()
        await asyncio.gather(watching, return_exceptions=True)
        assert not went_offline.is_set()
        assert watcher.status.daemon_online
        assert _connections_logged(daemon) == 1
        await watcher.close()
    finally:
        daemon.stop()
        if broker is not None:
            broker.stop()


async def test_print_commands_sent_during_a_broker_restart_are_printed_once(tmp_path: Path) -> None:
    """mosquitto keeps the daemon's persistent session across a clean restart, queued commands included."""
    broker = MosquittoBroker(tmp_path / "mosquitto", config_module.Config())
    broker.start()
    async with tcp_printer() as printer:
        config_path = write_config(tmp_path, _printer_settings(printer), broker=broker)
        config = config_module.load(config_path)
        daemon = DaemonProcess(config_path)
        try:
            sender = await online_client(config)
            broker.stop()
            # Frozen, the daemon cannot reconnect first: the commands must wait in its session at the broker.
            daemon.signal(signal.SIGSTOP)
            jobs = [new_id() for _ in range(5)]
            pending = [
                asyncio.create_task(
                    sender.command("printer", "print", PrintCommand(job_id=job, document=TICKET), timeout=LIVENESS_S)
                )
                for job in jobs
            ]
            await asyncio.sleep(0.2)  # the sender holds them in its outbox while the broker is down
            broker.start()
            assert await sender.drain(LIVENESS_S), "the sender could not hand the commands to the broker"
            assert printer.printed == 0
            daemon.signal(signal.SIGCONT)
            results = await asyncio.gather(*pending)
            assert [(result.job_id, result.state) for result in results] == [(job, "done") for job in jobs]
            await asyncio.sleep(0.5)  # a redelivered duplicate would print now
            assert printer.printed == 5
            await sender.close()
        finally:
            daemon.signal(signal.SIGCONT)
            daemon.stop()
            broker.stop()


async def test_a_burst_of_1500_prints_through_mosquitto_is_answered_in_full(tmp_path: Path) -> None:
    """mosquitto's default queue of 1,000 dropped 301 of these without a word."""
    broker = MosquittoBroker(tmp_path / "mosquitto", config_module.Config())
    broker.start()
    async with tcp_printer() as printer:
        config_path = write_config(tmp_path, _printer_settings(printer), broker=broker)
        config = config_module.load(config_path)
        daemon = DaemonProcess(config_path)
        try:
            sender = await online_client(config)
            jobs = [new_id() for _ in range(1500)]
            results = await asyncio.gather(
                *(
                    sender.command("printer", "print", PrintCommand(job_id=job, document=TICKET), timeout=120)
                    for job in jobs
                )
            )
            assert sorted(result.job_id for result in results) == sorted(jobs)
            assert all(result.state == "done" for result in results)
            assert printer.printed == 1500
            await sender.close()
        finally:
            daemon.stop()
            broker.stop()


def test_the_shipped_mosquitto_config_names_what_keeps_users_apart(tmp_path: Path) -> None:
    from govan.mosquitto import MAX_QUEUED_MESSAGES, write_broker_files

    files = write_broker_files(Config(), tmp_path, config_path=tmp_path / "govan.toml")
    conf = files.conf.read_text(encoding="utf-8").splitlines()
    assert "use_username_as_clientid true" in conf
    assert f"max_queued_messages {MAX_QUEUED_MESSAGES}" in conf
    assert "set_tcp_nodelay true" in conf
    acl = files.acl.read_text(encoding="utf-8")
    topics = Topics.for_van("govan", "lg-01")
    assert acl.count("user govan-tui-") == Config().mqtt.staff_slots
    assert f"user {DAEMON_USER}\ntopic read {topics.base}/#\ntopic write {topics.base}/daemon/state" in acl


async def test_staff_slots_are_never_shared_and_come_back_when_released(tmp_path: Path) -> None:
    config = config_module.parse(f'data_dir = "{tmp_path}"\n[mqtt]\nstaff_slots = 2\n', "test")
    from daemon.credentials import CredentialsError, ensure_embedded_credentials

    ensure_embedded_credentials(config)
    first, second = StaffSlot(config), StaffSlot(config)
    assert (first.claim().username, second.claim().username) == ("govan-tui-1", "govan-tui-2")
    with pytest.raises(CredentialsError, match="all 2 staff connections are in use"):
        StaffSlot(config).claim()
    first.release()
    assert StaffSlot(config).claim().username == "govan-tui-1"
    second.release()


def test_a_staff_slot_held_by_another_process_is_skipped(tmp_path: Path) -> None:
    config = config_module.parse(f'data_dir = "{tmp_path}"\n', "test")
    from daemon.credentials import ensure_embedded_credentials

    ensure_embedded_credentials(config)
    held_read, held_write = os.pipe()
    done_read, done_write = os.pipe()
    child = os.fork()
    if child == 0:  # the other program: hold slot 1 until told to stop
        try:
            StaffSlot(config).claim()
            os.write(held_write, b"held")
            os.read(done_read, 1)
        finally:
            os._exit(0)
    try:
        assert os.read(held_read, 4) == b"held"
        with StaffSlot(config) as address:
            assert address.username == "govan-tui-2"
    finally:
        os.write(done_write, b"x")
        os.waitpid(child, 0)


async def test_the_embedded_broker_stops_with_clients_mid_publish(tmp_path: Path) -> None:
    """Several clients publishing at QoS 1 while the broker stops: it still stops, and the port is free."""
    config_path = write_config(tmp_path)
    config = config_module.load(config_path)
    daemon = DaemonProcess(config_path)
    try:
        clients = [await online_client(config) for _ in range(4)]
        topics = Topics.for_van(config.mqtt.topic_prefix, config.van_id)

        async def chatter(client: DaemonClient) -> None:
            while True:
                client.publish(topics.queue_event, {"type": "ticket.issued", "at": "2026-12-01T09:00:00+08:00"})
                await asyncio.sleep(0.005)

        chattering = [asyncio.create_task(chatter(client)) for client in clients]
        await asyncio.sleep(0.5)
        daemon.signal(signal.SIGTERM)
        assert await asyncio.to_thread(daemon.wait, LIVENESS_S) == 0
        for task in chattering:
            task.cancel()
        await asyncio.gather(*chattering, return_exceptions=True)
        for client in clients:
            await client.close()
    finally:
        daemon.stop()
    # The next daemon gets the same port at once.
    again = DaemonProcess(config_path)
    try:
        await asyncio.to_thread(wait_for_port, config.mqtt.embedded_port)
    finally:
        again.stop()


async def test_a_command_the_sender_gave_up_on_is_answered_expired_and_not_printed(tmp_path: Path) -> None:
    """With a persistent session a command can reach the daemon long after it was sent."""
    broker = MosquittoBroker(tmp_path / "mosquitto", config_module.Config())
    broker.start()
    async with tcp_printer() as printer:
        config_path = write_config(tmp_path, _printer_settings(printer), broker=broker)
        config = config_module.load(config_path)
        daemon = DaemonProcess(config_path)
        try:
            sender = await online_client(config)
            daemon.signal(signal.SIGSTOP)
            stale = PrintCommand(job_id=new_id(), document=TICKET)
            with pytest.raises(CommandTimeout):
                await sender.command("printer", "print", stale, timeout=1.0)
            daemon.signal(signal.SIGCONT)
            # Sent again with the same job_id, it is answered as the daemon answered it: expired, not printed.
            replay = msgspec.structs.replace(stale, expires_at=datetime.now(UTC) + timedelta(seconds=LIVENESS_S))
            result = await sender.command("printer", "print", replay, timeout=LIVENESS_S)
            assert result.state == "failed" and result.detail.startswith("expired at ")
            assert printer.printed == 0
            fresh = await sender.command(
                "printer", "print", PrintCommand(job_id=new_id(), document=TICKET), timeout=LIVENESS_S
            )
            assert fresh.state == "done" and printer.printed == 1
            await sender.close()
        finally:
            daemon.signal(signal.SIGCONT)
            daemon.stop()
            broker.stop()
