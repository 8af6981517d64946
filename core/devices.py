"""The van's devices, the states the daemon publishes for each (CONTRACT.md, "Availability"),
and the trouble a device reports.

The speaker (v2, the hall's voice) is a device like the others. It is the one a van may go
without: views leave it out while it is disabled (OPTIONAL).

Beside the contract's devices there may be an ID reader per window, configured as
`[devices.idreaders.w2]` and named `idreader-w2` on the bus: a device of kind "idreader".
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from core.problems import Problem

__all__ = [
    "CLAIMABLE",
    "DEVICES",
    "DEVICE_STATES",
    "OPTIONAL",
    "READER_KEY_PATTERN",
    "DeviceName",
    "DeviceStateName",
    "DeviceTrouble",
    "kind_of",
    "window_reader",
]

DeviceName = Literal["idreader", "scanner", "printer", "camera", "speaker"]
DEVICES: tuple[DeviceName, ...] = get_args(DeviceName)
# Devices a van may not have at all: a view shows them only when they are configured.
OPTIONAL: tuple[DeviceName, ...] = ("speaker",)

DeviceStateName = Literal["ready", "busy", "offline", "error", "disabled"]
DEVICE_STATES: tuple[DeviceStateName, ...] = get_args(DeviceStateName)

# What a terminal claims: a card read or a scan is meant for one terminal (DESIGN.md).
CLAIMABLE: tuple[DeviceName, ...] = ("idreader", "scanner")

# The key of a window's own reader in the config, `w2` in [devices.idreaders.w2]: one topic level.
READER_KEY_PATTERN = r"[a-z0-9]{1,16}"
_READER_PREFIX = "idreader-"


def window_reader(key: str) -> str:
    """The device name of the extra ID reader configured under `key`: "w2" → "idreader-w2"."""
    return _READER_PREFIX + key


def kind_of(device: str) -> DeviceName | None:
    """Which kind a device name is ("idreader-w2" → "idreader"), or None if none."""
    if device in DEVICES:
        return device
    if device.startswith(_READER_PREFIX) and len(device) > len(_READER_PREFIX):
        return "idreader"
    return None


class DeviceTrouble(Exception):
    """Trouble a device or a command reports, twice: `detail`, the English line the contract
    publishes ("paper out"), and `problem`, its code and parameters, for the views to translate.
    """

    def __init__(self, detail: str, problem: Problem) -> None:
        super().__init__(detail)
        self.detail = detail
        self.problem = problem

    def __reduce__(self) -> tuple[Any, ...]:
        # Subclasses take other arguments than (detail,), so rebuild from the attributes: the
        # camera's imaging raises these in a worker process and they are pickled back.
        return _rebuilt, (type(self), self.args, self.__dict__)


def _rebuilt(cls: type[DeviceTrouble], args: tuple[Any, ...], attributes: dict[str, Any]) -> DeviceTrouble:
    trouble = cls.__new__(cls, *args)
    trouble.args = args
    trouble.__dict__.update(attributes)
    return trouble
