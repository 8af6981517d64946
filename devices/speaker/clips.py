"""The clips driver's voice: a folder of recorded clips, so a real voice can replace the synthetic one.

Each clip is a PCM WAV file named after what it says: `请.wav`, `A.wav`, `零.wav`, `号.wav`.
A clip may say several syllables (`窗口.wav`, `号窗口办理.wav`): the longest one that fits is
used first. `chime.wav`, if present, replaces the built-in chime. A piece with no clip fails
the call and names the piece, so the folder can be completed.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from core.problems import Code, Problem
from devices.speaker.errors import SpeakerError
from devices.speaker.pcm import Audio, silence
from devices.speaker.speech import DIGITS, Pause, Speech, Syllable

__all__ = ["CHIME_CLIP", "REQUIRED", "ClipVoice"]

CHIME_CLIP = "chime"
# What every call needs whatever the template says: the digits and 十 (window numbers up to 99).
REQUIRED = (*DIGITS, "十")
LONGEST_CLIP = 8  # syllables


class ClipVoice:
    def __init__(self, folder: str | Path, must_say: str = "") -> None:
        self.folder = Path(folder)
        self.label = f"clips in {self.folder}"
        self.must_say = must_say  # a sample call, checked at start: every piece of it has a clip

    def _clips(self) -> dict[str, Path]:
        try:
            return {path.stem: path for path in self.folder.iterdir() if path.suffix.lower() == ".wav"}
        except OSError as error:
            reason = error.strerror or str(error)
            raise SpeakerError(
                f"clips folder {self.folder}: {reason}",
                Problem(Code.SPEAKER_CLIPS_FOLDER, {"folder": str(self.folder), "reason": reason}),
                "error",
            ) from None

    async def check(self) -> None:
        from devices.speaker.speech import plan

        clips = await asyncio.to_thread(self._clips)
        missing = [piece for piece in REQUIRED if piece not in clips]
        if self.must_say:
            try:
                self._pieces(plan(self.must_say), clips)
            except SpeakerError as error:
                missing.append(str(error.problem.params["piece"]))
        if missing:
            pieces = " ".join(dict.fromkeys(missing))
            raise SpeakerError(
                f"clips folder {self.folder} has no clip for {pieces}",
                Problem(Code.SPEAKER_CLIP_MISSING, {"folder": str(self.folder), "piece": pieces}),
                "error",
            )

    async def render(self, speech: Speech) -> Audio:
        return await asyncio.to_thread(self._render, speech)

    def chime(self) -> Audio | None:
        """chime.wav from the folder, or None to use the built-in chime."""
        path = self._clips().get(CHIME_CLIP)
        return None if path is None else Audio.from_wav(self._read(path), path.name)

    @staticmethod
    def _read(path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError as error:
            reason = error.strerror or str(error)
            raise SpeakerError(
                f"clip {path.name}: {reason}",
                Problem(Code.SPEAKER_CLIP_UNREADABLE, {"clip": path.name, "reason": reason}),
            ) from None

    def _render(self, speech: Speech) -> Audio:
        clips = self._clips()
        audio = silence(0)
        for piece in self._pieces(speech, clips):
            if isinstance(piece, Pause):
                audio += silence(piece.seconds)
                continue
            path = clips[piece]
            audio += Audio.from_wav(self._read(path), path.name)
        return audio

    def _pieces(self, speech: Speech, clips: dict[str, Path]) -> list[str | Pause]:
        """The clip names that say `speech`, longest first, with its pauses."""
        pieces: list[str | Pause] = []
        run: list[Syllable] = []

        def flush() -> None:
            start = 0
            while start < len(run):
                for end in range(min(len(run), start + LONGEST_CLIP), start, -1):
                    name = "".join(syllable.text for syllable in run[start:end])
                    if name in clips:
                        pieces.append(name)
                        start = end
                        break
                else:
                    piece = run[start].text
                    raise SpeakerError(
                        f"clips folder {self.folder} has no clip for {piece}",
                        Problem(Code.SPEAKER_CLIP_MISSING, {"folder": str(self.folder), "piece": piece}),
                    )
            run.clear()

        for part in speech:
            if isinstance(part, Pause):
                flush()
                pieces.append(part)
            else:
                run.append(part)
        flush()
        return pieces
