"""What every voice does: check it can speak, and render a plan as audio."""

from __future__ import annotations

from typing import Protocol

from devices.speaker.pcm import Audio
from devices.speaker.speech import Speech

__all__ = ["Voice"]


class Voice(Protocol):
    label: str  # for the device state's detail, e.g. "espeak-ng cmn-latn-pinyin"

    async def check(self) -> None:
        """Raise SpeakerError (with a state) when this voice cannot speak at all."""

    async def render(self, speech: Speech) -> Audio:
        """The audio of one saying; SpeakerError (no state) when this text cannot be said."""
