"""The speaker's one error: trouble with a detail for the contract and a problem for the views."""

from __future__ import annotations

from typing import Literal

from core.devices import DeviceTrouble
from core.problems import Problem

__all__ = ["SpeakerError"]


class SpeakerError(DeviceTrouble):
    """The speaker cannot say it. `state` is what the device is now if this is not about one call:
    "offline" (no audio output), "error" (a program or a clip is missing), or None (this call only)."""

    def __init__(self, detail: str, problem: Problem, state: Literal["offline", "error"] | None = None) -> None:
        super().__init__(detail, problem)
        self.state = state
