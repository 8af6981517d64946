"""ID-card read latency: the emulator writes the last byte of the read reply → a subscriber has the card event.

Runs the real daemon in this process, on the embedded broker and on mosquitto, with the ID reader on
`sim`: the pty emulator answers the real driver over a real pty, the unit publishes
B/idreader/card, and a DaemonClient (as the TUI uses it) receives it. The span
covers the pty, frame decoding, card parsing, the event's JSON and the broker.

The floor is one broker traversal measured in the same run: a queue event padded
to the size of a card event, published by the client and delivered back to it.
Goal: p99 within 5 ms of the floor's p99.

The driver's find interval is cut from 300 ms to 50 ms so that 1,000 reads take
about a minute instead of five; the interval only decides when a read starts, which
is before the measured span.

    python bench/idreader_latency.py [reads]     # default 1000
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

from bench.figures import Figure, percentile, report
from bench.van import BROKERS, BrokerKind, broker, daemon_running, on_broker, van_config
from daemon.client import DaemonClient
from daemon.messages import CardEvent, QueueEvent, QueueTicket, encode
from daemon.service import Daemon
from daemon.units.idreader import IdReaderUnit
from devices.idcard import commands
from devices.idcard.driver import PollTimings
from devices.idcard.emulator import PtyReaderEmulator
from devices.idcard.frames import Command, Reply
from devices.idcard.presets import PRESETS
from govan.config import Config

WARMUP = 20
GOAL_ABOVE_FLOOR_MS = 5.0
BENCH_TIMINGS = PollTimings(find_interval_s=0.05)


async def _next_card(events: AsyncIterator[object]) -> tuple[CardEvent, float]:
    async for event in events:
        if isinstance(event, CardEvent):
            return event, time.perf_counter()
    raise SystemExit("the event stream ended")


async def _our_ping(events: AsyncIterator[object], number: str) -> float:
    async for event in events:
        if isinstance(event, QueueEvent) and event.type == "bench.ping" and event.ticket.number == number:
            return time.perf_counter()
    raise SystemExit("the event stream ended")


async def _measure(reads: int, data_dir: Path, kind: BrokerKind) -> dict[str, list[float]]:
    IdReaderUnit.timings = BENCH_TIMINGS
    with broker(kind, data_dir) as mqtt:
        config = van_config(data_dir / "van", {"idreader": "sim"}, mqtt=mqtt)
        async with daemon_running(config) as daemon:
            return await _measure_with(daemon, config, reads)


async def _measure_with(daemon: Daemon, config: Config, reads: int) -> dict[str, list[float]]:
    emulator: PtyReaderEmulator = daemon.runtimes["idreader"].unit.emulator  # type: ignore[union-attr]
    last_byte: list[float] = []

    def on_reply_sent(command: Command, reply: Reply, at: float) -> None:
        if command == commands.READ:
            last_byte.append(at)

    emulator.on_reply_sent = on_reply_sent
    names = list(PRESETS)  # consecutive cards differ, so none is taken for the one left lying
    samples: dict[str, list[float]] = {"card": [], "floor": []}
    async with DaemonClient(config) as client:
        if not await client.wait_for_daemon(10) or client.status.devices["idreader"].state != "ready":
            raise SystemExit(f"ID reader not ready: {client.status.devices['idreader']}")
        await client.claim("idreader", "bench")  # cards come to the terminal holding the reader
        events = client.events()
        warmup = min(WARMUP, reads)
        card_size = 0
        for number in range(1, warmup + reads + 1):
            last_byte.clear()
            emulator.place_preset(names[number % len(names)])
            async with asyncio.timeout(10):
                card, received = await _next_card(events)
            if len(last_byte) != 1:
                raise SystemExit(f"read {number}: expected one read reply, saw {len(last_byte)}")
            card_size = max(card_size, len(encode(card)))
            pad = max(0, len(encode(card)) - len(encode(_ping(number, ""))))
            hop = _ping(number, "x" * pad)
            started = time.perf_counter()
            client.publish(client.topics.queue_event, hop)
            async with asyncio.timeout(5):
                arrived = await _our_ping(events, str(number))
            if number > warmup:
                samples["card"].append((received - last_byte[0]) * 1000)
                samples["floor"].append((arrived - started) * 1000)
        print(f"card events up to {card_size} bytes of JSON; each floor ping padded to its card's size")
    return samples


def _ping(number: int, padding: str) -> QueueEvent:
    return QueueEvent(
        type="bench.ping", ticket=QueueTicket(number=str(number), category=padding or "A", window=None), at=""
    )


def _figures(samples: dict[str, list[float]], kind: BrokerKind) -> list[Figure]:
    card, floor = samples["card"], samples["floor"]
    floor_p99 = percentile(floor, 0.99)
    p99 = percentile(card, 0.99)
    limit = floor_p99 + GOAL_ABOVE_FLOOR_MS
    floor_label = "one broker hop, same run"
    return [
        Figure(
            *on_broker("idreader_latency_p50", "ID card: last byte of read reply → card event, p50", kind),
            percentile(card, 0.5),
            "ms",
            percentile(floor, 0.5),
            floor_label,
        ),
        Figure(
            *on_broker("idreader_latency_p99", "ID card: last byte of read reply → card event, p99", kind),
            p99,
            "ms",
            floor_p99,
            floor_label,
            goal=f"≤ floor + {GOAL_ABOVE_FLOOR_MS:g} ms",
            met=p99 <= limit,
            note="" if p99 <= limit else "the driver or the bus adds latency beyond one hop; profile the read path",
        ),
    ]


def main(size: int | None = None) -> None:
    reads = size or 1000
    logging.basicConfig(level=logging.WARNING)
    figures = []
    for kind in BROKERS:
        with tempfile.TemporaryDirectory(prefix="govan-bench-") as data_dir:
            samples = asyncio.run(_measure(reads, Path(data_dir), kind))
        print(
            f"ID-card read latency over {reads} reads (after warm-up) via {kind}, emulator on a pty; "
            f"floor: one broker traversal, mean {statistics.fmean(samples['floor']):.2f} ms"
        )
        figures += _figures(samples, kind)
    report(*figures)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
