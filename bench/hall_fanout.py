"""200 phone pages on server-sent events: govan web's memory and CPU, and how fast a queue change reaches them all.

`govan web` runs as its own process; 200 tickets wait in one queue and each has its page's
event stream open (an h11 client per page, as a browser's EventSource holds one connection).
Then a window calls numbers through the flows; every page's place changes with each call.
Measured from the call to each page's new place: the fan-out time, p99 over all pages and calls.
Beside it, in the same run: the board message's hop to a plain MQTT subscriber; govan web's
RSS before the pages connected; its CPU for the same calls with no page connected.
Goals: RSS ≤ 80 MB, fan-out p99 ≤ 500 ms.

    python bench/hall_fanout.py [pages]     # default 200
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import h11

from bench.figures import Figure, percentile, report
from bench.hall_van import Hall, hall_running
from daemon.messages import QueueBoard
from flows.hall import ticket_page_url

GOAL_RSS_MB, GOAL_FANOUT_MS = 80.0, 500.0
CALLS = 10
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


class Page:
    """One phone page's event stream: the time each new place arrived, by how many are ahead."""

    def __init__(self, url: str) -> None:
        self.url = urlsplit(url)
        self.arrived: dict[int, float] = {}
        self.connected = asyncio.Event()

    async def follow(self) -> None:
        reader, writer = await asyncio.open_connection(self.url.hostname, self.url.port)
        connection = h11.Connection(h11.CLIENT)
        writer.write(
            connection.send(
                h11.Request(
                    method="GET",
                    target=self.url.path,
                    headers=[("Host", self.url.netloc), ("Accept", "text/event-stream")],
                )
            )
        )
        writer.write(connection.send(h11.EndOfMessage()))
        buffer = ""
        try:
            while True:
                event = connection.next_event()
                if event is h11.NEED_DATA:
                    data = await reader.read(65536)
                    connection.receive_data(data)
                    if not data:
                        return
                    continue
                if isinstance(event, h11.Response):
                    self.connected.set()
                elif isinstance(event, h11.Data):
                    buffer += bytes(event.data).decode().replace("\r\n", "\n")
                    while "\n\n" in buffer:
                        message, buffer = buffer.split("\n\n", 1)
                        self._message(message)
                elif isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
                    return
        finally:
            writer.close()

    def _message(self, message: str) -> None:
        fields = dict(line.split(": ", 1) for line in message.splitlines() if ": " in line)
        if fields.get("event") == "place":
            place = json.loads(fields["data"])
            self.arrived.setdefault(place["ahead"] if place["status"] == "waiting" else -1, time.time())


async def calls(hall: Hall, count: int, hops: list[float]) -> list[float]:
    """Call `count` numbers at window 1; the start time of each, with the board's hop to a subscriber."""
    boards = hall.van.bus.events()
    started_at = []
    for _ in range(count):
        await asyncio.sleep(0.3)
        started = time.time()
        called = hall.call("1")
        started_at.append(started)
        async for event in boards:
            if isinstance(event, QueueBoard) and event.calling and event.calling[0].number == called.label:
                hops.append((time.time() - started) * 1000)
                break
        hall.finish(called)
    await asyncio.sleep(1.0)
    return started_at


async def measure(pages: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="govan-bench-fanout-") as directory:
        async with hall_running(Path(directory)) as hall:
            issued = [hall.issue() for _ in range(pages + 2 * CALLS + 1)]
            await asyncio.sleep(3.0)  # govan web has heard every issue before anything is measured
            pid = hall.web.pid
            rss_alone = rss_mb(pid)
            hops: list[float] = []
            cpu = cpu_seconds(pid)
            await calls(hall, CALLS, hops)
            cpu_alone = cpu_seconds(pid) - cpu
            followed = issued[2 * CALLS + 1 :][:pages]  # the pages further back than every call reaches
            urls = [ticket_page_url(hall.store, hall.van.config, ticket.id) for ticket in followed]
            watchers = [Page(url.replace("/t/", "/api/ticket/") + "/events") for url in urls if url]
            tasks = [asyncio.create_task(watcher.follow()) for watcher in watchers]
            async with asyncio.timeout(60):
                await asyncio.gather(*(watcher.connected.wait() for watcher in watchers))
            await asyncio.sleep(1.0)
            cpu, elapsed = cpu_seconds(pid), time.monotonic()
            started_at = await calls(hall, CALLS, hops)
            cpu_pages, elapsed = cpu_seconds(pid) - cpu, time.monotonic() - elapsed
            rss_pages = rss_mb(pid)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    fanout = []
    for watcher in watchers:
        ahead = sorted(watcher.arrived, reverse=True)  # the first place heard, then one less per call
        for call, started in enumerate(started_at):
            wanted = ahead[0] - call - 1 if ahead else None
            if wanted in watcher.arrived:
                fanout.append((watcher.arrived[wanted] - started) * 1000)
    missing = len(watchers) * len(started_at) - len(fanout)
    return {
        "rss_alone": rss_alone,
        "rss_pages": rss_pages,
        "cpu_alone": cpu_alone / elapsed * 100,
        "cpu_pages": cpu_pages / elapsed * 100,
        "fanout_p50": percentile(fanout, 0.5),
        "fanout_p99": percentile(fanout, 0.99),
        "hop_p99": percentile(hops, 0.99),
        "missing": missing,
        "pages": len(watchers),
    }


def main(size: int | None = None) -> None:
    pages = size or 200
    got = asyncio.run(measure(pages))
    print(
        f"{got['pages']:.0f} pages, {CALLS} calls: fan-out p50 {got['fanout_p50']:.0f} ms, p99 "
        f"{got['fanout_p99']:.0f} ms ({got['missing']:.0f} updates missing); RSS {got['rss_pages']:.1f} MB"
    )
    rss_met, fan_met = got["rss_pages"] <= GOAL_RSS_MB, got["fanout_p99"] <= GOAL_FANOUT_MS and not got["missing"]
    report(
        Figure(
            "hall_fanout_rss",
            f"govan web: RSS with {pages} phone pages on SSE",
            got["rss_pages"],
            "MB",
            got["rss_alone"],
            "govan web's own RSS before the pages connected",
            goal=f"≤ {GOAL_RSS_MB:g} MB",
            met=rss_met,
            note="" if rss_met else "see the script's docstring",
        ),
        Figure(
            "hall_fanout_cpu",
            f"govan web: CPU while {CALLS} calls reach {pages} pages, % of one core",
            got["cpu_pages"],
            "%",
            got["cpu_alone"],
            "the same calls with no page connected",
        ),
        Figure(
            "hall_fanout_p99",
            f"govan web: call → new place on all {pages} pages, p99",
            got["fanout_p99"],
            "ms",
            got["hop_p99"],
            "the board message to a plain subscriber, p99",
            goal=f"≤ {GOAL_FANOUT_MS:g} ms",
            met=fan_met,
            note=""
            if fan_met
            else f"{got['missing']:.0f} updates missing"
            if got["missing"]
            else "see the script's docstring",
        ),
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
