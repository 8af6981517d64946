"""Sending a command to a device and getting its one result, or the true reason there is none.

Before anything is sent, a daemon that is not running or a device that is offline is
named at once: a terminal never waits out a timeout for what it already knows
("设备服务未运行", not "打印机无应答" fifteen seconds later).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from core.problems import Code, Problem
from daemon.errors import BrokerUnreachable, CommandTimeout
from daemon.messages import JobResult

if TYPE_CHECKING:  # only a type here: the store stack is not loaded with the views that use these
    from flows.van import Van

__all__ = ["send", "unavailable"]

# States in which a device takes commands; a busy one queues them.
TAKES_COMMANDS = ("ready", "busy")


def unavailable(van: Van, device: str) -> Problem | None:
    """Why `device` cannot take a command now, or None when it can."""
    status = van.bus.status
    if not status.broker_connected:
        return Problem(Code.DAEMON_NO_BROKER, {"reason": ""})
    if not status.daemon_online:
        return Problem(Code.DAEMON_OFFLINE)
    state = status.devices.get(device)
    if state is None or state.state not in TAKES_COMMANDS:
        if state is not None and state.problem is not None:
            return state.problem
        return Problem(Code.DEVICE_NOT_READY, {"device": device, "state": state.state if state else "offline"})
    return None


async def send(van: Van, device: str, name: str, message: msgspec.Struct, *, timeout: float) -> JobResult | Problem:
    """The command's result when it was done, otherwise the problem: a device's own, or no answer."""
    problem = unavailable(van, device)
    if problem is not None:
        return problem
    try:
        result = await van.bus.command(device, name, message, timeout=timeout)
    except CommandTimeout:
        return Problem(Code.COMMAND_NO_RESULT, {"device": device, "seconds": round(timeout)})
    except BrokerUnreachable:
        return Problem(Code.DAEMON_NO_BROKER, {"reason": ""})
    if result.state == "done":
        return result
    return result.problem or Problem(Code.COMMAND_FAILED, {"device": device})
