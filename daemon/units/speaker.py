"""The hall's speaker inside the daemon: `B/speaker/say` → a chime and the call, said `repeat` times.

Drivers: espeak (espeak-ng's pinyin voice) | clips (a folder of recordings) | sim (a tone
voice, written as WAV files under the data directory) | none. espeak and clips play through
ALSA (`aplay`); at start, and after a failed call, the unit plays 50 ms of silence to know
the output works, so "no audio device" shows as the speaker's state, not as lost calls.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

import msgspec

from daemon.messages import SayCommand, SelfTestCommand
from daemon.unit import DeviceFault, DeviceUnit, JobFailed, JobOutcome, UnitContext
from devices.speaker.clips import ClipVoice
from devices.speaker.errors import SpeakerError
from devices.speaker.espeak import EspeakVoice
from devices.speaker.output import AlsaOutput, Output, WavFolder
from devices.speaker.pcm import Audio, call, chime
from devices.speaker.speech import plan, syllables
from devices.speaker.tones import ToneVoice
from devices.speaker.voice import Voice

SELF_TEST_TEXT = "扬声器自检：A012"
_TIMES = {1: "once", 2: "twice", 3: "three times"}


class SpeakerUnit(DeviceUnit):
    # A call is said up to three times; synthesis and playback together stay well inside this.
    command_timeout_s: ClassVar[float] = 90.0
    # Without an audio device the output is tried again at this pace, not every two seconds.
    retry_cap_s: ClassVar[float] = 30.0

    def __init__(self, ctx: UnitContext, voice: Voice, output: Output) -> None:
        super().__init__(ctx)
        self.voice = voice
        self.output = output
        self._broken: asyncio.Event = asyncio.Event()
        self._fault: DeviceFault | None = None

    async def run(self) -> None:
        try:
            await self.voice.check()
            await self.output.check()
        except SpeakerError as error:
            raise DeviceFault(error.state or "error", error.detail, error.problem) from None
        self._broken.clear()
        self.ctx.set_state("ready", f"{self.voice.label} → {self.output.label}")
        await self._broken.wait()
        assert self._fault is not None
        raise self._fault

    async def execute(self, command: str, message: msgspec.Struct) -> JobOutcome:
        if command == "say" and isinstance(message, SayCommand):
            return await self._say(message.text, message.repeat, message.chime, message.job_id)
        if command == "test" and isinstance(message, SelfTestCommand):
            outcome = await self._say(SELF_TEST_TEXT, 1, True, message.job_id)
            return JobOutcome(
                detail=f"self-test: {outcome.detail}", path=outcome.path, sha256=outcome.sha256, bytes=outcome.bytes
            )
        return await super().execute(command, message)

    async def _say(self, text: str, repeat: int, with_chime: bool, job_id: str) -> JobOutcome:
        try:
            speech = plan(text)
            saying = await self.voice.render(speech)
            audio = call(saying, repeat=repeat, ring=self._chime() if with_chime else None)
            played = await self.output.play(audio, job_id)
        except SpeakerError as error:
            if error.state is not None:  # the device, not this call: run() finds out when it is back
                self._fault = DeviceFault(error.state, error.detail, error.problem)
                self._broken.set()
            raise JobFailed(error.detail, error.problem) from None
        count = len(syllables(speech))
        chimed = "a chime, then " if with_chime else ""
        detail = f"said {chimed}{count} syllables {_TIMES[repeat]} ({audio.seconds:.1f} s); {played.detail}"
        return JobOutcome(detail=detail, path=played.path, sha256=played.sha256, bytes=played.bytes)

    def _chime(self) -> Audio:
        """A recorded chime (chime.wav among the clips) if there is one, else the built-in one."""
        recorded = self.voice.chime() if isinstance(self.voice, ClipVoice) else None
        return recorded or chime()


def create(ctx: UnitContext) -> DeviceUnit:
    settings = ctx.config.devices.speaker
    match ctx.driver:
        case "sim":
            return SpeakerUnit(ctx, ToneVoice(), WavFolder(ctx.data_dir / "speaker-sim"))
        case "espeak":
            return SpeakerUnit(ctx, EspeakVoice(settings.voice, settings.speed), AlsaOutput(settings.output))
        case "clips" if settings.clips:
            sample = settings.template.format(number="A012", window="3")
            return SpeakerUnit(ctx, ClipVoice(settings.clips, must_say=sample), AlsaOutput(settings.output))
    raise ValueError(f"speaker driver {ctx.driver!r} needs its settings in [devices.speaker]")
