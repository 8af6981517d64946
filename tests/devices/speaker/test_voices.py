"""The voices make real audio: the sim's tones, recorded clips, and espeak-ng where it is installed."""

from __future__ import annotations

import asyncio
import io
import math
import wave
from array import array
from pathlib import Path

import pytest

from core.problems import Code
from devices.speaker.clips import ClipVoice
from devices.speaker.errors import SpeakerError
from devices.speaker.espeak import EspeakVoice
from devices.speaker.pcm import RATE, Audio, call, chime
from devices.speaker.speech import DIGITS, plan, syllables
from devices.speaker.tones import SYLLABLES_PER_S, ToneVoice
from tests.support.hall import require_espeak

CALL = "请A012号到3号窗口办理"


def bursts(audio: Audio, *, floor: int = 1500, gap_s: float = 0.03) -> int:
    """Stretches of sound separated by at least `gap_s` of near-silence: one per syllable, one per chime note."""
    window = int(RATE * 0.005)
    quiet_needed = int(gap_s / 0.005)
    count, quiet, sounding = 0, quiet_needed, False
    samples = audio.samples
    for start in range(0, len(samples), window):
        loud = max((abs(value) for value in samples[start : start + window]), default=0) > floor
        if loud and not sounding and quiet >= quiet_needed:
            count += 1
        sounding = loud
        quiet = 0 if loud else quiet + 1
    return count


def test_the_sim_voice_says_each_syllable_at_its_pace() -> None:
    speech = plan(CALL)
    audio = asyncio.run(ToneVoice().render(speech))
    assert bursts(audio) == len(syllables(speech)) == 13
    assert audio.seconds == pytest.approx(13 / SYLLABLES_PER_S, rel=0.2)


def test_a_whole_call_is_the_chime_then_the_saying_twice_and_survives_a_wav_file() -> None:
    saying = asyncio.run(ToneVoice().render(plan(CALL)))
    whole = call(saying, repeat=2, ring=chime())
    again = Audio.from_wav(whole.to_wav(), "call.wav")
    assert again.samples == whole.samples
    with wave.open(io.BytesIO(whole.to_wav())) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, RATE)
    assert bursts(whole) == 2 + 2 * 13  # two chime notes, then thirteen syllables twice


def _clip(path: Path, frequency: float, rate: int = 16000) -> None:
    """A 0.2 s recording at another rate than ours, as a person's clips would be."""
    samples = array("h", (int(8000 * math.sin(2 * math.pi * frequency * n / rate)) for n in range(rate // 5)))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())


def test_recorded_clips_say_a_call_longest_clip_first_and_name_a_missing_piece(tmp_path: Path) -> None:
    for name in (*DIGITS, "十", "请", "A", "号", "到", "窗口", "办理"):
        _clip(tmp_path / f"{name}.wav", 300)
    voice = ClipVoice(tmp_path, must_say=CALL)
    asyncio.run(voice.check())
    audio = asyncio.run(voice.render(plan(CALL)))
    # 请 A 零 一 二 号 到 三 号 窗口 办理: eleven clips of 0.2 s, resampled from 16 kHz.
    assert audio.seconds == pytest.approx(11 * 0.2, rel=0.05)
    with pytest.raises(SpeakerError) as raised:
        asyncio.run(voice.render(plan("请B012号")))
    assert raised.value.problem.code is Code.SPEAKER_CLIP_MISSING and raised.value.problem.params["piece"] == "B"
    (tmp_path / "五.wav").unlink()
    with pytest.raises(SpeakerError) as raised:
        asyncio.run(voice.check())
    assert raised.value.state == "error" and "五" in raised.value.detail


def test_a_clip_that_is_not_a_wav_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "请.wav").write_bytes(b"not a wav")
    with pytest.raises(SpeakerError) as raised:
        asyncio.run(ClipVoice(tmp_path).render(plan("请")))
    assert raised.value.problem.code is Code.SPEAKER_CLIP_UNREADABLE and "请.wav" in raised.value.detail


def test_a_missing_clips_folder_is_a_device_error(tmp_path: Path) -> None:
    with pytest.raises(SpeakerError) as raised:
        asyncio.run(ClipVoice(tmp_path / "nowhere").check())
    assert raised.value.state == "error" and raised.value.problem.code is Code.SPEAKER_CLIPS_FOLDER


def _spoken(audio: Audio) -> bool:
    return audio.seconds > 0.15 and max(abs(value) for value in audio.samples) > 1000


def test_espeak_says_every_digit_letter_and_number_up_to_99() -> None:
    require_espeak()
    voice = EspeakVoice()

    async def all_of_them() -> dict[str, Audio]:
        said = {}
        for text in [*"0123456789", *"ABCDEFGHIJKLMNOPQRSTUVWXYZ", *(f"{n}号" for n in range(10, 100))]:
            said[text] = await voice.render(plan(text))
        return said

    said = asyncio.run(all_of_them())
    silent = [text for text, audio in said.items() if not _spoken(audio)]
    assert silent == []
    # A two-digit number is longer than one digit: it is read as a number, not cut short.
    assert said["99号"].seconds > said["9"].seconds


def test_espeak_says_a_whole_call_and_an_unknown_voice_is_a_clear_error() -> None:
    require_espeak()
    audio = asyncio.run(EspeakVoice().render(plan(CALL)))
    assert 2.0 < audio.seconds < 8.0 and _spoken(audio)
    with pytest.raises(SpeakerError) as raised:
        asyncio.run(EspeakVoice(voice="no-such-voice").check())
    assert raised.value.state == "error" and raised.value.problem.code is Code.SPEAKER_SYNTHESIS_FAILED
