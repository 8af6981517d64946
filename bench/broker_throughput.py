"""Broker throughput: messages per second the daemon's bus sustains to one subscriber.

One subscriber, `mosquitto_sub -C N`, counts N QoS 1 messages. The publisher is
either the daemon's own bus (daemon.bus.Connection, exactly as the daemon
publishes) or, as the floor, `mosquitto_pub -l` alone, both against Debian's
mosquitto (production). The bus is also measured through the embedded amqtt broker
(`mqtt.url = "embedded"`). mosquitto_pub cannot be the floor there: its
publish-everything-then-disconnect burst never reached the subscriber through amqtt
in our runs, so both figures are compared with mosquitto_pub via mosquitto.

    python bench/broker_throughput.py [messages]     # default 5000
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.figures import Figure, free_port, report
from bench.van import mosquitto
from core.tasks import cancel_and_wait
from daemon.broker import EmbeddedBroker
from daemon.bus import Connection
from daemon.credentials import (
    DAEMON_USER,
    TUI_USER,
    BrokerAddress,
    embedded_password_file,
    ensure_embedded_credentials,
)
from daemon.topics import Topics
from govan import config as config_module

TOPIC = Topics.for_van("govan", "lg-01").state("bench")  # a topic the daemon user may write
STAFF_USER = f"{TUI_USER}-1"  # a staff slot's user; every client's id is its username
SUBSCRIBED_S = 0.5


def _client_tools() -> tuple[str, str]:
    tools = shutil.which("mosquitto_pub"), shutil.which("mosquitto_sub")
    if None in tools:
        raise SystemExit("mosquitto_pub and mosquitto_sub are needed: apt-get install mosquitto-clients")
    return tools  # type: ignore[return-value]


def _subscriber(port: int, passwords: dict[str, str], count: int) -> subprocess.Popen[bytes]:
    _, sub = _client_tools()
    return subprocess.Popen(
        [
            sub,
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-u",
            STAFF_USER,
            "-i",
            STAFF_USER,
            "-P",
            passwords[TUI_USER],
            "-t",
            TOPIC,
            "-q",
            "1",
            "-C",
            str(count),
        ],
        stdout=subprocess.DEVNULL,
    )


async def _wait(process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while process.poll() is None:
        if time.monotonic() > deadline:
            process.kill()
            raise SystemExit("the subscriber did not receive every message")
        await asyncio.sleep(0.002)


async def _floor(port: int, passwords: dict[str, str], count: int) -> float:
    """mosquitto_pub alone: seconds from its start until the subscriber has all messages."""
    pub, _ = _client_tools()
    subscriber = _subscriber(port, passwords, count)
    await asyncio.sleep(SUBSCRIBED_S)
    lines = b"".join(b'{"state":"ready","n":%d}\n' % number for number in range(count))
    started = time.perf_counter()
    # Asynchronously: the embedded broker runs in this very event loop and must keep serving.
    publisher = await asyncio.create_subprocess_exec(
        pub,
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        "-u",
        DAEMON_USER,
        "-i",
        DAEMON_USER,
        "-P",
        passwords[DAEMON_USER],
        "-t",
        TOPIC,
        "-q",
        "1",
        "-l",
        stdin=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(120):
        await publisher.communicate(lines)
    await _wait(subscriber)
    return time.perf_counter() - started


async def _ours(port: int, passwords: dict[str, str], count: int) -> float:
    """The daemon's bus: seconds from the first publish until the subscriber has all messages."""
    connection = Connection(BrokerAddress("127.0.0.1", port, False, DAEMON_USER, passwords[DAEMON_USER]))
    running = asyncio.create_task(connection.run())
    async with asyncio.timeout(10):
        await connection.connected.wait()
    subscriber = _subscriber(port, passwords, count)
    await asyncio.sleep(SUBSCRIBED_S)
    started = time.perf_counter()
    for number in range(count):
        connection.publish(TOPIC, b'{"state":"ready","n":%d}' % number)
    await _wait(subscriber)
    elapsed = time.perf_counter() - started
    await cancel_and_wait(running)
    return elapsed


async def _measure(count: int, directory: Path) -> tuple[float, float, float]:
    """Seconds for: our bus via mosquitto, mosquitto_pub via mosquitto, our bus via the embedded broker."""
    # By default mosquitto drops QoS 1 messages beyond 1,000 queued for a subscriber that lags;
    # a throughput run must count every message, so the queue is unbounded here.
    with mosquitto(directory / "mosquitto", extra="max_queued_messages 0\n") as (files, _):
        passwords = {user: files.password_file(user).read_text().strip() for user in (DAEMON_USER, TUI_USER)}
        await asyncio.sleep(0.3)
        ours, floor = await _ours(files.port, passwords, count), await _floor(files.port, passwords, count)
    config = config_module.parse(f'data_dir = "{directory / "embedded"}"\n', "benchmark")
    passwd = ensure_embedded_credentials(config)
    passwords = {user: embedded_password_file(config, user).read_text().strip() for user in (DAEMON_USER, TUI_USER)}
    port = free_port()
    async with EmbeddedBroker(port, passwd, Topics.for_van("govan", "lg-01").base, config.mqtt.staff_slots):
        embedded = await _ours(port, passwords, count)
    return ours, floor, embedded


def main(size: int | None = None) -> None:
    count = size or 5000
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="govan-bench-broker-") as directory:
        ours, floor, embedded = asyncio.run(_measure(count, Path(directory)))
    print(f"{count} QoS 1 messages to one subscriber (mosquitto_sub -C {count})")
    print("floor: mosquitto_pub -l alone against the same mosquitto, same run")
    label = "mosquitto_pub alone via mosquitto"
    report(
        Figure(
            "bus_throughput_mosquitto",
            "bus: messages/s to one subscriber via mosquitto",
            count / ours,
            "msg/s",
            count / floor,
            label,
            note="the bus waits for each PUBACK before sending the next message, where mosquitto_pub keeps "
            "20 in flight; the daemon sends a few messages a second, so there is no goal, but a window "
            "of in-flight publishes would close the gap if ever needed",
        ),
        Figure(
            "bus_throughput_embedded",
            "bus: messages/s to one subscriber via the embedded broker",
            count / embedded,
            "msg/s",
            count / floor,
            label,
        ),
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
