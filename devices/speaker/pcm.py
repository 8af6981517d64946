"""Audio as 16-bit mono samples at one rate: WAV in and out, silence, the chime, a whole call.

Everything a voice makes is brought to RATE (espeak-ng's own), so pieces join without a
resampler in the player. Pure Python: a call is a few hundred thousand samples.
"""

from __future__ import annotations

import io
import math
import wave
from array import array
from dataclasses import dataclass
from functools import cache

from core.problems import Code, Problem
from devices.speaker.errors import SpeakerError

__all__ = ["RATE", "Audio", "call", "chime", "silence", "tone"]

RATE = 22050
REPEAT_GAP_S = 0.7  # between the sayings of one call
CHIME_GAP_S = 0.3  # after the chime


@dataclass(frozen=True)
class Audio:
    samples: array  # signed 16-bit, mono, at RATE

    @property
    def seconds(self) -> float:
        return len(self.samples) / RATE

    def __add__(self, other: Audio) -> Audio:
        return Audio(self.samples + other.samples)

    def to_wav(self) -> bytes:
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(self.samples.tobytes())
        return buffer.getvalue()

    @classmethod
    def from_wav(cls, data: bytes, name: str) -> Audio:
        """A PCM WAV file (8 or 16 bit, mono or stereo, any rate) at RATE; SpeakerError naming `name` if not."""
        try:
            with wave.open(io.BytesIO(data)) as source:
                channels, width, rate = source.getnchannels(), source.getsampwidth(), source.getframerate()
                frames = source.readframes(source.getnframes())
        except (wave.Error, EOFError) as error:
            raise _unreadable(name, f"not a PCM WAV file ({error})") from None
        if width == 1:
            samples = array("h", ((byte - 128) << 8 for byte in frames))
        elif width == 2:
            samples = array("h")
            samples.frombytes(frames[: len(frames) // 2 * 2])
        else:
            raise _unreadable(name, f"{width * 8}-bit samples; use 16-bit PCM")
        if channels > 1:
            samples = array("h", (sum(samples[i : i + channels]) // channels for i in range(0, len(samples), channels)))
        if rate <= 0:
            raise _unreadable(name, "no sample rate")
        return cls(_resampled(samples, rate))


def _unreadable(name: str, reason: str) -> SpeakerError:
    return SpeakerError(
        f"clip {name}: {reason}", Problem(Code.SPEAKER_CLIP_UNREADABLE, {"clip": name, "reason": reason})
    )


def _resampled(samples: array, rate: int) -> array:
    """Linear interpolation to RATE: enough for speech clips."""
    if rate == RATE or not samples:
        return samples
    count = max(1, round(len(samples) * RATE / rate))
    step = (len(samples) - 1) / max(1, count - 1)
    out = array("h")
    for index in range(count):
        position = index * step
        low = int(position)
        high = min(low + 1, len(samples) - 1)
        fraction = position - low
        out.append(int(samples[low] + (samples[high] - samples[low]) * fraction))
    return out


def silence(seconds: float) -> Audio:
    return Audio(array("h", bytes(2 * round(seconds * RATE))))


def tone(frequencies: list[float], seconds: float, *, volume: float = 0.3, decay: float = 0.0) -> Audio:
    """A tone whose pitch glides through `frequencies` (Hz), faded in and out, optionally decaying."""
    count = round(seconds * RATE)
    fade = min(count // 2, round(0.01 * RATE))
    samples = array("h", bytes(2 * count))
    phase = 0.0
    for index in range(count):
        where = index / max(1, count - 1) * (len(frequencies) - 1)
        low = int(where)
        high = min(low + 1, len(frequencies) - 1)
        frequency = frequencies[low] + (frequencies[high] - frequencies[low]) * (where - low)
        phase += 2 * math.pi * frequency / RATE
        envelope = min(1.0, index / fade, (count - index) / fade) if fade else 1.0
        if decay:
            envelope *= math.exp(-decay * index / RATE)
        samples[index] = int(32767 * volume * envelope * math.sin(phase))
    return Audio(samples)


@cache
def chime() -> Audio:
    """Ding-dong: two bell-like notes, E5 then C5, about 0.9 s."""

    def bell(frequency: float) -> Audio:
        first, overtone = (
            tone([frequency], 0.45, volume=0.3, decay=5.0),
            tone([frequency * 2.76], 0.45, volume=0.08, decay=9.0),
        )
        return Audio(array("h", (a + b for a, b in zip(first.samples, overtone.samples, strict=True))))

    return bell(659.25) + bell(523.25)


def call(saying: Audio, *, repeat: int, ring: Audio | None) -> Audio:
    """The whole announcement: `ring` (a chime) if given, then `saying` `repeat` times with a gap between."""
    audio = ring + silence(CHIME_GAP_S) if ring is not None else silence(0)
    for index in range(repeat):
        if index:
            audio += silence(REPEAT_GAP_S)
        audio += saying
    return audio
