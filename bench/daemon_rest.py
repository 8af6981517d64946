"""The daemon at rest: RSS and CPU over a minute with every device on its emulator.

`govan daemon` runs as its own process against an external mosquitto (as in
production), with the ID reader, scanner, printer and camera all on `sim`: the
emulators run inside the daemon process, so their cost is counted too. Nothing is
asked of it; it only polls its devices. Beside it: mosquitto's own RSS and CPU
over the same window. Goals: RSS ≤ 35 MB and CPU ≤ 0.5% of one core.

    python bench/daemon_rest.py [seconds]     # default 60
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.figures import Figure, report
from bench.van import mosquitto, mosquitto_settings, rss_mb, van_config, wait_until_ready
from govan import config as config_module

GOAL_RSS_MB = 35.0
GOAL_CPU_PERCENT = 0.5
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def main(size: int | None = None) -> None:
    seconds = size or 60
    with (
        tempfile.TemporaryDirectory(prefix="govan-bench-rest-") as directory,
        mosquitto(Path(directory) / "mosquitto") as (files, broker),
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
            daemon_cpu, broker_cpu, started = cpu_seconds(daemon.pid), cpu_seconds(broker.pid), time.monotonic()
            time.sleep(seconds)
            elapsed = time.monotonic() - started
            daemon_percent = (cpu_seconds(daemon.pid) - daemon_cpu) / elapsed * 100
            broker_percent = (cpu_seconds(broker.pid) - broker_cpu) / elapsed * 100
            daemon_rss, broker_rss = rss_mb(daemon.pid), rss_mb(broker.pid)
        finally:
            daemon.terminate()
            daemon.wait(10)
    print(f"daemon at rest for {elapsed:.0f} s, all four devices on emulators, external mosquitto")
    report(
        Figure(
            "daemon_rest_rss",
            "daemon at rest: RSS",
            daemon_rss,
            "MB",
            broker_rss,
            "mosquitto's own RSS",
            goal=f"≤ {GOAL_RSS_MB:g} MB",
            met=daemon_rss <= GOAL_RSS_MB,
            note=""
            if daemon_rss <= GOAL_RSS_MB
            else (
                "CPython with aiomqtt/paho, msgspec, pyserial, Pillow (the camera emulator and pipeline) and "
                "the four in-process emulators; with real devices the emulators and their Pillow drawing "
                "are not loaded, and importing Pillow only on the first capture would save more"
            ),
        ),
        Figure(
            "daemon_rest_cpu",
            "daemon at rest: CPU, % of one core",
            daemon_percent,
            "%",
            broker_percent,
            "mosquitto's own CPU, same window",
            goal=f"≤ {GOAL_CPU_PERCENT:g} %",
            met=daemon_percent <= GOAL_CPU_PERCENT,
            note=""
            if daemon_percent <= GOAL_CPU_PERCENT
            else (
                "the ID reader's find-card poll every 300 ms (and the emulator answering it in the same "
                "process) and the printer's status poll every 2 s dominate; a slower poll when no card "
                "was seen for a while would cut it"
            ),
        ),
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
