"""The bus's errors, in a module with no MQTT library behind it, so a terminal can name them before it connects."""

from __future__ import annotations

__all__ = ["BrokerUnreachable", "BusError", "CommandTimeout"]


class BusError(Exception):
    """Base of what talking to the daemon over MQTT can raise."""


class BrokerUnreachable(BusError):
    """The broker did not accept a connection, or there is none now; the message names it and why."""


class CommandTimeout(BusError):
    """No result arrived for a command in time."""
