"""Scan burst: 1,000 scans in one second through the serial scanner emulator.

The emulator writes the codes to its pty at an even pace over one second; the real
serial driver reads them, the daemon publishes each as B/scanner/scan, and a
client (as the TUI has it) receives them. Goal: none lost, all in order. The
floor is the same number of plain messages published and received over the same
broker in the same run.

    python bench/scan_burst.py [scans]     # default 1000
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import tempfile
import time
from pathlib import Path

from bench.figures import Figure, report
from bench.van import BROKERS, BrokerKind, broker, daemon_running, on_broker, van_config
from daemon.client import DaemonClient
from daemon.messages import QueueEvent, QueueTicket, ScanEvent
from govan.config import Config

WINDOW_S = 1.0


async def _collect(client: DaemonClient, kind: type, count: int, arrived: list) -> None:
    async for event in client.events():
        if isinstance(event, kind):
            arrived.append(event)
            if len(arrived) == count:
                return


async def _measure(scans: int, data_dir: Path, kind: BrokerKind) -> tuple[list[str], list[str], float, float]:
    with broker(kind, data_dir) as mqtt:
        config = van_config(data_dir / "van", {"scanner": "sim"}, mqtt=mqtt)
        return await _measure_with(config, scans)


async def _measure_with(config: Config, scans: int) -> tuple[list[str], list[str], float, float]:
    codes = [f"BURST{number:06d}" for number in range(scans)]
    async with daemon_running(config) as daemon, DaemonClient(config) as client:
        if not await client.wait_for_daemon(10):
            raise SystemExit("the daemon did not come online")
        await client.claim("scanner", "bench")  # scans come to the terminal holding the scanner
        emulator = daemon.runtimes["scanner"].unit.emulator  # type: ignore[union-attr]
        scanned: list[ScanEvent] = []
        receiving = asyncio.create_task(_collect(client, ScanEvent, scans, scanned))
        await asyncio.sleep(0.1)
        started = time.perf_counter()
        for number, code in enumerate(codes):
            await emulator.scan(code)
            # An even pace over the window, not a single write of everything.
            await asyncio.sleep(max(0.0, started + (number + 1) * WINDOW_S / scans - time.perf_counter()))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(30):
                await receiving
        scan_s = time.perf_counter() - started

        pings: list[QueueEvent] = []
        receiving = asyncio.create_task(_collect(client, QueueEvent, scans, pings))
        await asyncio.sleep(0.1)
        started = time.perf_counter()
        for number in range(scans):
            client.publish(
                client.topics.queue_event,
                QueueEvent(type="bench.ping", ticket=QueueTicket(number=str(number), category="A", window=None), at=""),
            )
            await asyncio.sleep(max(0.0, started + (number + 1) * WINDOW_S / scans - time.perf_counter()))
        async with asyncio.timeout(30):
            await receiving
        floor_s = time.perf_counter() - started
    return codes, [event.code for event in scanned], scan_s, floor_s


def main(size: int | None = None) -> None:
    scans = size or 1000
    logging.basicConfig(level=logging.WARNING)
    figures = []
    for kind in BROKERS:
        with tempfile.TemporaryDirectory(prefix="govan-bench-scan-") as directory:
            sent, received, scan_s, floor_s = asyncio.run(_measure(scans, Path(directory), kind))
        lost = len(sent) - len(received)
        in_order = received == sent[: len(received)]
        print(
            f"scan burst via {kind}: {scans} codes written to the emulator's pty over {WINDOW_S:g} s; "
            f"{len(received)} received in {scan_s:.2f} s, {'in order' if in_order else 'OUT OF ORDER'}; "
            f"floor: as many plain messages at the same pace, last one after {floor_s:.2f} s"
        )
        figures += [
            Figure(
                *on_broker(
                    "scan_burst_delivered", f"scanner: {scans} scans in {WINDOW_S:g} s, delivered in order", kind
                ),
                float(len(received) if in_order else 0),
                "scans",
                float(scans),
                "scans sent",
                goal=f"all {scans}, in order",
                met=lost == 0 and in_order,
                note=""
                if lost == 0 and in_order
                else "scans were lost or reordered between the pty and the subscriber",
            ),
            Figure(
                *on_broker("scan_burst_seconds", "scanner: first code written → last scan event received", kind),
                scan_s * 1000,
                "ms",
                floor_s * 1000,
                "as many plain messages at the same pace, same broker",
            ),
        ]
    report(*figures)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
