"""The weight of govan web's pages: every byte a browser fetches for the board, a phone page and the tablet.

Fetched from a running `govan web` as a browser would (the page, then each stylesheet and script
it names), uncompressed, with nothing from anywhere else: the van is often offline. Beside it:
the data the page shows (its JSON state), the least any page that shows it must carry.
Goal: ≤ 100 KB each.

    python bench/hall_page_weight.py
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
import urllib.request
from pathlib import Path

from bench.figures import Figure, report
from bench.hall_van import hall_running
from flows.hall import ticket_page_url

GOAL_KB = 100.0
ASSETS = re.compile(r'(?:src|href)="(/[^"]+)"')


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read()


def weigh(base: str, path: str) -> tuple[int, list[str]]:
    page = fetch(base + path)
    assets = ASSETS.findall(page.decode())
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', page.decode())
    return len(page) + sum(len(fetch(base + asset)) for asset in assets), external


async def measure() -> dict[str, tuple[float, float, list[str]]]:
    with tempfile.TemporaryDirectory(prefix="govan-bench-weight-") as directory:
        async with hall_running(Path(directory)) as hall:
            ticket = hall.issue()
            await asyncio.sleep(0.5)
            token_url = ticket_page_url(hall.store, hall.van.config, ticket.id) or ""
            path = token_url.removeprefix(hall.url)
            pages = {
                "board": ("/board", "/api/board/state"),
                "phone": (path, path.replace("/t/", "/api/ticket/")),
                "tablet": ("/rate/1", "/api/rate/1"),
            }
            weights = {}
            for name, (page, data) in pages.items():
                total, external = await asyncio.to_thread(weigh, hall.url, page)
                weights[name] = (total / 1024, len(await asyncio.to_thread(fetch, hall.url + data)) / 1024, external)
    return weights


def main(size: int | None = None) -> None:
    weights = asyncio.run(measure())
    figures = []
    for name, (kb, data_kb, external) in weights.items():
        met = kb <= GOAL_KB and not external
        print(
            f"{name}: {kb:.1f} KB with its styles and scripts; its data {data_kb:.2f} KB; external: {external or 'none'}"
        )
        figures.append(
            Figure(
                f"hall_page_weight_{name}",
                f"govan web: {name} page with its styles and scripts",
                kb,
                "KB",
                data_kb,
                "the JSON it shows",
                goal=f"≤ {GOAL_KB:g} KB, nothing external",
                met=met,
                note="" if met else f"fetches {external}" if external else "too heavy",
            )
        )
    report(*figures)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
