"""What the daemon needs from any camera source: V4L2, a folder, or the emulator."""

from __future__ import annotations

from typing import Literal, Protocol

Mode = Literal["document", "id_photo"]


class CameraUnavailable(Exception):
    """The camera cannot be used now: "offline" when it is not there, "error" when it is but fails."""

    def __init__(self, detail: str, state: Literal["offline", "error"] = "offline") -> None:
        super().__init__(detail)
        self.detail = detail
        self.state = state


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


class CaptureError(Exception):
    """The capture cannot be turned into a file; `detail` says why in words a person can act on."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail
