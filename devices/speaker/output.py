"""Where a call goes: the sound card through ALSA's `aplay`, or (sim) a WAV file in the data directory."""

from __future__ import annotations

import asyncio
import hashlib
import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from core.problems import Code, Problem
from devices.speaker.errors import SpeakerError
from devices.speaker.pcm import Audio, silence

__all__ = ["APLAY", "AlsaOutput", "Output", "Played", "WavFolder"]

APLAY = "aplay"
PLAY_SLACK_S = 10.0  # beyond the call's own length


@dataclass(frozen=True)
class Played:
    detail: str  # where it went, for the result
    path: str | None = None
    sha256: str | None = None
    bytes: int | None = None


class Output(Protocol):
    label: str

    async def check(self) -> None:
        """Raise SpeakerError (with a state) when nothing can be played now."""

    async def play(self, audio: Audio, name: str) -> Played: ...


class AlsaOutput:
    """`aplay -D <output>`: the van's sound card, whatever ALSA calls it ("default", "plughw:1,0")."""

    def __init__(self, device: str = "default") -> None:
        self.device = device
        self.label = f"ALSA {device}"

    async def check(self) -> None:
        """Play 50 ms of silence: the same path a call takes, without a sound in the hall."""
        await self._aplay(silence(0.05), offline_on_failure=True)

    async def play(self, audio: Audio, name: str) -> Played:
        await self._aplay(audio, offline_on_failure=False)
        return Played(detail=f"played on {self.label}")

    async def _aplay(self, audio: Audio, *, offline_on_failure: bool) -> None:
        program = shutil.which(APLAY)
        if program is None:
            raise SpeakerError(
                f"{APLAY} not found: install the Debian package alsa-utils",
                Problem(Code.SPEAKER_PROGRAM_MISSING, {"program": APLAY, "package": "alsa-utils"}),
                "error",
            )
        process = await asyncio.create_subprocess_exec(
            program,
            "-q",
            "-D",
            self.device,
            "-t",
            "wav",
            "-",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            async with asyncio.timeout(audio.seconds + PLAY_SLACK_S):
                _, errors = await process.communicate(audio.to_wav())
        except TimeoutError:
            process.kill()
            await process.wait()
            reason = f"still playing {PLAY_SLACK_S:g} s after the end of the call"
            raise SpeakerError(
                f"{self.label}: {reason}",
                Problem(Code.SPEAKER_PLAYBACK_FAILED, {"output": self.device, "reason": reason}),
                "error",
            ) from None
        if process.returncode == 0:
            return
        reason = _reason(errors.decode(errors="replace"), process.returncode)
        if offline_on_failure or "audio open error" in errors.decode(errors="replace"):
            raise SpeakerError(
                f"no audio output: ALSA cannot open {self.device!r} ({reason})",
                Problem(Code.SPEAKER_NO_AUDIO_DEVICE, {"output": self.device, "reason": reason}),
                "offline",
            )
        raise SpeakerError(
            f"{self.label}: {reason}",
            Problem(Code.SPEAKER_PLAYBACK_FAILED, {"output": self.device, "reason": reason}),
            "error",
        )


def _reason(stderr: str, status: int | None) -> str:
    """aplay's own last words, without its source location ("aplay: main:831: audio open error: …")."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if not lines:
        return f"aplay exit status {status}"
    last = re.sub(r"^aplay: [a-z_]+:\d+: ", "", lines[-1])
    if any("no soundcards found" in line or "cannot find card" in line for line in lines):
        last += "; no sound card found"
    return last


class WavFolder:
    """The sim driver's output: each call a WAV file, named by time and job, in a folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.label = f"WAV files in {folder}"

    async def check(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            reason = error.strerror or str(error)
            raise SpeakerError(
                f"{self.folder}: {reason}",
                Problem(Code.SPEAKER_PLAYBACK_FAILED, {"output": str(self.folder), "reason": reason}),
                "error",
            ) from None

    async def play(self, audio: Audio, name: str) -> Played:
        stamp = datetime.now().astimezone().strftime("%Y%m%dT%H%M%S%f")
        path = self.folder / f"{stamp}-{re.sub(r'[^A-Za-z0-9_.-]', '_', name)[:80]}.wav"
        data = audio.to_wav()
        await self.check()
        await asyncio.to_thread(path.write_bytes, data)
        return Played(
            detail=f"wrote {path.name}", path=str(path), sha256=hashlib.sha256(data).hexdigest(), bytes=len(data)
        )
