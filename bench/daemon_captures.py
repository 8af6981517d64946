"""The daemon's memory after captures: its RSS 30 s after 100 document captures.

`govan daemon` runs as its own process against an external mosquitto with all four devices
on their emulators, as in bench/daemon_rest.py. It takes 100 document captures one after
another: the emulated camera draws a 5-megapixel photo of a page for each, and document
mode straightens it and writes the JPEG. Then it idles for 30 s, and the figure is its RSS,
together with any worker process it still has. The floor is the same daemon at rest before
the first capture. Goal: ≤ 60 MB. Capture latency (command → result) is printed beside it.

    python bench/daemon_captures.py [captures]     # default 100
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.figures import Figure, percentile, report
from bench.van import children, mosquitto, mosquitto_settings, rss_mb, van_config, wait_until_ready
from daemon.client import DaemonClient
from daemon.messages import CaptureCommand
from govan import config as config_module

GOAL_RSS_MB = 60.0
SETTLE_S = 30.0
CAPTURE_TIMEOUT_S = 60.0


async def _capture(config_path: Path, captures: int) -> list[float]:
    """Seconds from each capture command to its result."""
    config = config_module.load(config_path)
    latencies = []
    async with DaemonClient(config) as client:
        await client.wait_for_daemon(30)
        for number in range(captures):
            started = time.perf_counter()
            command = CaptureCommand(job_id=f"bench-{number}", mode="document")
            result = await client.command("camera", "capture", command, timeout=CAPTURE_TIMEOUT_S)
            latencies.append(time.perf_counter() - started)
            if result.state != "done":
                raise SystemExit(f"capture {number} failed: {result.detail}")
    return latencies


def main(size: int | None = None) -> None:
    captures = size or 100
    settle_s = min(SETTLE_S, 5.0 * captures)  # a tiny run (the smoke test) waits less
    with (
        tempfile.TemporaryDirectory(prefix="govan-bench-captures-") as directory,
        mosquitto(Path(directory) / "mosquitto") as (files, _),
    ):
        devices = dict.fromkeys(("idreader", "scanner", "printer", "camera"), "sim")
        config = van_config(Path(directory) / "data", devices, mosquitto_settings(files))
        config_path = Path(directory) / "govan.toml"
        config_path.write_text(config_module.to_toml(config), encoding="utf-8")
        daemon = subprocess.Popen(
            [sys.executable, "-m", "govan", "daemon", "--config", str(config_path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(0.5)
            asyncio.run(wait_until_ready(config_path))
            time.sleep(2)  # let start-up work (imports, first polls) settle
            rest = rss_mb(daemon.pid)
            latencies = asyncio.run(_capture(config_path, captures))
            right_after = rss_mb(daemon.pid), [rss_mb(pid) for pid in children(daemon.pid)]
            time.sleep(settle_s)
            workers = [rss_mb(pid) for pid in children(daemon.pid)]
            after = rss_mb(daemon.pid) + sum(workers)
        finally:
            daemon.terminate()
            daemon.wait(10)
    print(
        f"{captures} document captures on the emulated 5 MP camera, all four devices on emulators, external mosquitto"
    )
    print(
        f"capture latency (command → result): median {statistics.median(latencies) * 1000:.0f} ms, "
        f"p90 {percentile(latencies, 0.9) * 1000:.0f} ms, first {latencies[0] * 1000:.0f} ms"
    )
    print(
        f"right after the last capture: daemon {right_after[0]:.1f} MB, worker processes "
        f"{', '.join(f'{worker:.1f} MB' for worker in right_after[1]) or 'none'}"
    )
    print(f"{settle_s:g} s later: daemon {after - sum(workers):.1f} MB, {len(workers)} worker processes left")
    report(
        Figure(
            "daemon_captures_rss",
            f"daemon: RSS {settle_s:g} s after {captures} captures",
            after,
            "MB",
            rest,
            "the same daemon at rest before them",
            goal=f"≤ {GOAL_RSS_MB:g} MB",
            met=after <= GOAL_RSS_MB,
            note=""
            if after <= GOAL_RSS_MB
            else (
                "the imaging runs in a worker process that ends 10 s after its last task; what is left is the "
                "daemon's own share: Pillow's modules and the buffers of the last picture and JPEG"
            ),
        ),
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
