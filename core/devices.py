"""The van's devices and the states the daemon publishes for each (CONTRACT.md, "Availability")."""

from __future__ import annotations

from typing import Literal, get_args

__all__ = ["DEVICES", "DEVICE_STATES", "DeviceName", "DeviceStateName"]

DeviceName = Literal["idreader", "scanner", "printer", "camera"]
DEVICES: tuple[DeviceName, ...] = get_args(DeviceName)

DeviceStateName = Literal["ready", "busy", "offline", "error", "disabled"]
DEVICE_STATES: tuple[DeviceStateName, ...] = get_args(DeviceStateName)
