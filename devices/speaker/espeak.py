"""The espeak driver's voice: espeak-ng's `cmn-latn-pinyin` voice, fed tone-numbered pinyin.

One `espeak-ng --stdout` process per saying; its WAV comes back on stdout. The plain `cmn`
voice is not used: it reads 号 as "hao" and then the English word "four" (espeak-ng #1236).
"""

from __future__ import annotations

import asyncio
import shutil
from typing import Literal

from core.problems import Code, Problem
from devices.speaker.errors import SpeakerError
from devices.speaker.pcm import Audio
from devices.speaker.speech import Speech, pinyin_text, plan

__all__ = ["ESPEAK", "EspeakVoice"]

ESPEAK = "espeak-ng"
TIMEOUT_S = 20.0


class EspeakVoice:
    def __init__(self, voice: str = "cmn-latn-pinyin", speed: int = 150) -> None:
        self.voice = voice
        self.speed = speed
        self.label = f"{ESPEAK} {voice}"

    async def check(self) -> None:
        """espeak-ng is there, has the voice (it falls back to another without a word), and says a syllable."""
        listed = await self._run("--voices")
        names = set()
        for line in listed.decode(errors="replace").splitlines()[1:]:
            columns = line.split()
            if len(columns) >= 5:
                names.update({columns[1].lower(), columns[4].lower(), columns[4].rsplit("/", 1)[-1].lower()})
        if self.voice.lower() not in names:
            raise _failed(f"no voice {self.voice!r} (espeak-ng --voices lists them)", "error")
        audio = await self.render(plan("零"))
        if audio.seconds < 0.1:
            raise SpeakerError(
                f"{ESPEAK} voice {self.voice!r} said nothing",
                Problem(Code.SPEAKER_SYNTHESIS_FAILED, {"reason": f"voice {self.voice} said nothing"}),
                "error",
            )

    async def render(self, speech: Speech) -> Audio:
        return await self.say(pinyin_text(speech))

    async def say(self, words: str) -> Audio:
        """espeak-ng's audio of `words` as given (pinyin and capital letters)."""
        wav = await self._run("-v", self.voice, "-s", str(self.speed), "--stdout", words)
        return Audio.from_wav(wav, ESPEAK)

    async def _run(self, *arguments: str) -> bytes:
        program = shutil.which(ESPEAK)
        if program is None:
            raise SpeakerError(
                f"{ESPEAK} not found: install the Debian package espeak-ng",
                Problem(Code.SPEAKER_PROGRAM_MISSING, {"program": ESPEAK, "package": "espeak-ng"}),
                "error",
            )
        process = await asyncio.create_subprocess_exec(
            program,
            *arguments,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            async with asyncio.timeout(TIMEOUT_S):
                output, errors = await process.communicate()
        except TimeoutError:
            process.kill()
            await process.wait()
            raise _failed(f"no answer within {TIMEOUT_S:g} s") from None
        reason = errors.decode(errors="replace").strip().splitlines()
        if process.returncode != 0 or not output:
            raise _failed(reason[-1] if reason else f"exit status {process.returncode}", "error")
        return output


def _failed(reason: str, state: Literal["offline", "error"] | None = None) -> SpeakerError:
    return SpeakerError(f"{ESPEAK}: {reason}", Problem(Code.SPEAKER_SYNTHESIS_FAILED, {"reason": reason}), state)
