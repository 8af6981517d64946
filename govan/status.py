"""`govan status`: the daemon and device states, read from MQTT, for someone on SSH."""

from __future__ import annotations

import asyncio
import json

import msgspec

from daemon.client import DaemonClient, Status
from govan.config import Config

# Retained states arrive right after subscribing; this is how long to wait for them.
LISTEN_S = 2.0
EXIT_ONLINE, EXIT_OFFLINE = 0, 1


async def read_status(config: Config) -> Status:
    async with DaemonClient(config) as client:
        await client.wait_for_daemon(LISTEN_S)
        return client.status


def format_status(status: Status) -> str:
    """One line for the daemon, then one per device (a window's readers too), with who holds it."""
    width = max(len("daemon"), *(len(device) for device in status.devices)) + 1
    daemon = status.daemon
    if status.daemon_online and daemon is not None:
        head = f"{'daemon':<{width}} {'online':<9} version {daemon.version or '?'}, since {daemon.since or '?'}"
    else:
        head = f"{'daemon':<{width}} {'offline':<9} " + ("no daemon state published" if daemon is None else "")
    lines = [head.rstrip()]
    for device, state in status.devices.items():
        holder = status.holders.get(device)
        held = f" [held by {holder.label or holder.terminal}]" if holder is not None and holder.terminal else ""
        lines.append(f"{device:<{width}} {state.state:<9} {state.driver or '-':<7} {state.detail}{held}".rstrip())
    return "\n".join(lines)


def run_status(config: Config, *, as_json: bool) -> int:
    status = asyncio.run(read_status(config))
    if as_json:
        print(
            json.dumps(
                {
                    "daemon": msgspec.to_builtins(status.daemon) if status.daemon else None,
                    "online": status.daemon_online,
                    "devices": {name: msgspec.to_builtins(state) for name, state in status.devices.items()},
                    "holders": {name: msgspec.to_builtins(holder) for name, holder in status.holders.items()},
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(format_status(status))
    return EXIT_ONLINE if status.daemon_online else EXIT_OFFLINE
