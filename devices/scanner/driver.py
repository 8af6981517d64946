"""What the daemon needs from any scanner driver (serial or keyboard wedge)."""

from __future__ import annotations

from typing import Literal, Protocol

from core.devices import DeviceTrouble
from core.problems import Code, Problem
from devices.scanner.protocol import ScannerEvent


class ScannerUnavailable(DeviceTrouble):
    """The scanner cannot be used now: "offline" when it is not there, "error" when it is but fails."""

    def __init__(self, detail: str, problem: Problem, state: Literal["offline", "error"] = "offline") -> None:
        super().__init__(detail, problem)
        self.state = state


def unavailable(
    port: str, code: Code, words: str, state: Literal["offline", "error"] = "offline", **params: str
) -> ScannerUnavailable:
    """ "{port}: {words}", with its code, e.g. ("/dev/ttyACM0", DEVICE_UNPLUGGED, "device unplugged")."""
    return ScannerUnavailable(f"{port}: {words}", Problem(code, {"port": port, **params}), state)


class ScannerDriver(Protocol):
    @property
    def description(self) -> str:
        """Where the scanner is, for the device state, e.g. "/dev/ttyACM0 at 9600 baud"."""

    async def open(self) -> None:
        """Open the device; raise ScannerUnavailable when it cannot be opened."""

    async def read(self) -> list[ScannerEvent]:
        """Wait for the next scans or bad input; raise ScannerUnavailable when the device goes away."""

    def self_test(self) -> str:
        """Check the open device and say what was checked; raise ScannerUnavailable if it is gone."""

    async def close(self) -> None:
        """Release the device; safe to call more than once."""
