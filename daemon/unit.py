"""What one device looks like inside the daemon.

A DeviceUnit wraps a driver from `devices/` (and, for `driver = "sim"`, the emulator
it talks to). The supervisor owns its life: `start` once, `run` again and again
with capped backoff while the device fails, `stop` once at shutdown. Commands run
through `execute`, one at a time, only while the device is ready.

Units never touch MQTT: they report through their UnitContext.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal, Protocol

from core.devices import DeviceStateName, DeviceTrouble
from core.problems import Code, Problem

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    import msgspec

    from govan.config import Config


class DeviceFault(DeviceTrouble):
    """The device cannot work now. `state` is "offline" (not there) or "error" (there, but failing).

    `detail` says why in words a person can act on, `problem` as a code the views translate.
    """

    def __init__(self, state: Literal["offline", "error"], detail: str, problem: Problem) -> None:
        super().__init__(detail, problem)
        self.state = state


class JobFailed(DeviceTrouble):
    """A command did not succeed; `detail` says why in words a person can act on, `problem` as a code."""


@dataclass
class JobOutcome:
    """What a successful command reports; the daemon adds job_id, state and time."""

    detail: str
    path: str | None = None
    sha256: str | None = None
    width: int | None = None
    height: int | None = None
    bytes: int | None = None
    warnings: list[str] | None = field(default=None)


class UnitContext(Protocol):
    """The daemon's side of a unit: how it reports to the outside world."""

    device: str
    driver: str
    config: Config
    data_dir: Path
    tz: ZoneInfo

    @property
    def state(self) -> DeviceStateName: ...

    def set_state(self, state: DeviceStateName, detail: str = "", problem: Problem | None = None) -> None:
        """Publish the device state (retained). Detail is for a person: "paper out"; problem is its code.

        Every state but ready and busy needs a problem; ready and busy have one for a warning
        (paper near end).
        """

    def event(self, kind: str, message: msgspec.Struct) -> None:
        """Publish an event on B/{device}/{kind}, e.g. kind="card"."""

    def error(self, detail: str, problem: Problem) -> None:
        """Publish B/{device}/error for a fault that did not change the state."""

    def now(self) -> datetime:
        """The current time in the configured time zone."""


class DeviceUnit(abc.ABC):
    # Seconds a single command may take before it fails as timed out.
    command_timeout_s: ClassVar[float] = 30.0
    # Longest wait between attempts to reopen a failed device.
    retry_cap_s: ClassVar[float] = 2.0

    def __init__(self, ctx: UnitContext) -> None:
        self.ctx = ctx

    async def start(self) -> None:
        """Once, before the first `run`: e.g. start the emulator of a sim device."""

    async def stop(self) -> None:
        """Once, at shutdown, after the last `run` has ended."""

    @abc.abstractmethod
    async def run(self) -> None:
        """Open the device, set it ready, and serve it until it fails.

        Raise DeviceFault when the device fails; the supervisor publishes that state
        and calls `run` again later. Release everything in `finally`: `run` is
        cancelled when the daemon stops.
        """

    async def execute(self, command: str, message: msgspec.Struct) -> JobOutcome:
        """Run one command ("print", "capture", "test") while the device is ready."""
        raise JobFailed(
            f"{self.ctx.device} does not support '{command}'",
            Problem(Code.COMMAND_UNSUPPORTED, {"device": self.ctx.device, "command": command}),
        )

    async def sim(self, action: str, payload: bytes) -> None:
        """Serve B/sim/{device}/{action}; only sim units override this."""
        raise JobFailed(
            f'{self.ctx.device} is not emulated (driver = "{self.ctx.driver}")',
            Problem(Code.SIM_NOT_EMULATED, {"device": self.ctx.device, "driver": self.ctx.driver}),
        )

    def sim_rejected(self, action: str, reason: str) -> JobFailed:
        """A sim action this unit cannot carry out, e.g. an unknown preset."""
        return JobFailed(reason, Problem(Code.SIM_REJECTED, {"action": action, "reason": reason}))
