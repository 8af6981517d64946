"""What the daemon needs from any camera source: V4L2, a folder, or the emulator."""

from __future__ import annotations

from typing import Literal, Protocol

from core.devices import DeviceTrouble
from core.problems import Code, Param, Problem

Mode = Literal["document", "id_photo"]


class CameraUnavailable(DeviceTrouble):
    """The camera cannot be used now: "offline" when it is not there, "error" when it is but fails."""

    def __init__(self, detail: str, problem: Problem, state: Literal["offline", "error"] = "offline") -> None:
        super().__init__(detail, problem)
        self.state = state


def unavailable(
    port: str, code: Code, words: str, state: Literal["offline", "error"] = "offline", **params: Param
) -> CameraUnavailable:
    """ "{port}: {words}", with its code, e.g. ("/dev/video0", DEVICE_UNPLUGGED, "device unplugged")."""
    return CameraUnavailable(f"{port}: {words}", Problem(code, {"port": port, **params}), state)


class CameraSource(Protocol):
    @property
    def description(self) -> str:
        """Which camera this is, for the device state and self-test."""

    @property
    def self_test_captures(self) -> bool:
        """Whether the self-test may take a picture without a person (not for a folder)."""

    def check(self) -> str:
        """Open or look at the camera; say what was found, or raise CameraUnavailable. May block briefly."""

    def present(self) -> None:
        """A cheap check that the camera is still there; raise CameraUnavailable if not."""

    async def capture(self, mode: Mode) -> bytes:
        """The next picture, as the file bytes the camera produced. May wait for ever: callers time it out."""


class CaptureError(DeviceTrouble):
    """The capture cannot be turned into a file; `detail` says why in words a person can act on."""
