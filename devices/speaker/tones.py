"""The sim driver's voice: a short tone per syllable, its pitch following the Mandarin tone.

Deterministic and needs nothing installed, so `govan demo` and the tests hear (as WAV files)
a call with the shape of the real one: a chime, then each syllable at SYLLABLES_PER_S, the
whole saying repeated.
"""

from __future__ import annotations

from functools import cache

from devices.speaker.pcm import Audio, silence, tone
from devices.speaker.speech import Pause, Speech

__all__ = ["SYLLABLES_PER_S", "ToneVoice"]

SYLLABLE_S = 0.27
SYLLABLE_GAP_S = 0.08
SYLLABLES_PER_S = 1 / (SYLLABLE_S + SYLLABLE_GAP_S)
# Pitch contours of the four tones, the neutral tone and a letter (Hz), after Chao's tone letters.
_CONTOURS = {
    1: [300.0, 300.0],
    2: [220.0, 300.0],
    3: [210.0, 170.0, 250.0],
    4: [320.0, 180.0],
    5: [230.0, 230.0],
    0: [260.0, 260.0],
}


class ToneVoice:
    label = "tones (sim)"

    async def check(self) -> None:
        return None

    async def render(self, speech: Speech) -> Audio:
        audio = silence(0)
        for part in speech:
            audio += (
                silence(part.seconds) if isinstance(part, Pause) else _syllable(part.tone) + silence(SYLLABLE_GAP_S)
            )
        return audio


@cache
def _syllable(tone_number: int) -> Audio:
    return tone(_CONTOURS[tone_number], SYLLABLE_S, volume=0.35)
