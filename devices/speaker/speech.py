"""What a call sounds like, before any audio: text → syllables and pauses (sans-I/O).

espeak-ng's Mandarin voice reads 号 as "hao" followed by the English word "four"
(espeak-ng #1236), so the espeak driver is given tone-numbered pinyin, from pypinyin, for
its `cmn-latn-pinyin` voice. The rules a hall's call needs:

- a ticket number, a letter and two or more digits ("A012"), is read letter first and then
  digit by digit: A 零 一 二;
- any other number up to 99 is read as a number ("3号窗口" → 三, "12" → 十二); a longer one
  digit by digit;
- a Latin letter is one syllable, its letter name (espeak's voices know them);
- punctuation is a short pause; anything else (emoji, symbols) is not read.

Each syllable keeps the text it stands for ("零"), which is what the clips driver looks up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin

from core.problems import Code, Problem
from devices.speaker.errors import SpeakerError

__all__ = ["DIGITS", "Pause", "Speech", "Syllable", "digit_words", "number_words", "pinyin_text", "plan", "syllables"]

DIGITS = "零一二三四五六七八九"
# The numerals' own readings, fixed: pypinyin's phrase dictionary must not change a digit's tone.
_NUMERAL_PINYIN = {
    "零": "ling2",
    "一": "yi1",
    "二": "er4",
    "三": "san1",
    "四": "si4",
    "五": "wu3",
    "六": "liu4",
    "七": "qi1",
    "八": "ba1",
    "九": "jiu3",
    "十": "shi2",
}
_TOKENS = re.compile(
    r"(?P<ticket>[A-Za-z][0-9]{2,})"
    r"|(?P<number>[0-9]+)"
    r"|(?P<letter>[A-Za-z])"
    r"|(?P<han>[\u3400-\u4dbf\u4e00-\u9fff]+)"
    r"|(?P<pause>[，。、；：！？,.;:!?]+)"
)
PAUSE_S = 0.3


@dataclass(frozen=True)
class Syllable:
    text: str  # what it stands for: "请", "A", "零"
    pinyin: str  # tone-numbered ("qing3"), or the capital letter itself ("A")

    @property
    def tone(self) -> int:
        """1-4, 5 for the neutral tone, 0 for a letter."""
        return int(self.pinyin[-1]) if self.pinyin[-1].isdigit() else 0


@dataclass(frozen=True)
class Pause:
    seconds: float = PAUSE_S


Speech = tuple[Syllable | Pause, ...]


def number_words(value: int) -> str:
    """A number up to 99 in Chinese numerals: 3 → 三, 12 → 十二, 20 → 二十, 99 → 九十九."""
    if not 0 <= value <= 99:
        raise ValueError(f"{value} is not between 0 and 99")
    tens, ones = divmod(value, 10)
    if tens == 0:
        return DIGITS[ones]
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


def digit_words(digits: str) -> str:
    """Digits read one by one: "012" → 零一二."""
    return "".join(DIGITS[int(digit)] for digit in digits)


def plan(text: str) -> Speech:
    """The syllables and pauses of `text`; SpeakerError when nothing in it can be read aloud."""
    parts: list[Syllable | Pause] = []
    for match in _TOKENS.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind == "ticket":
            parts.append(_letter(value[0]))
            parts.extend(_han(digit_words(value[1:])))
        elif kind == "number":
            parts.extend(_han(number_words(int(value)) if len(value) <= 2 else digit_words(value)))
        elif kind == "letter":
            parts.append(_letter(value))
        elif kind == "han":
            parts.extend(_han(value))
        elif parts and not isinstance(parts[-1], Pause):
            parts.append(Pause())
    while parts and isinstance(parts[-1], Pause):
        parts.pop()
    if not parts:
        raise SpeakerError("nothing in the text can be read aloud", Problem(Code.SPEAKER_NOTHING_TO_SAY))
    return tuple(parts)


def syllables(speech: Speech) -> list[Syllable]:
    return [part for part in speech if isinstance(part, Syllable)]


def pinyin_text(speech: Speech) -> str:
    """What espeak-ng's cmn-latn-pinyin voice is given: "qing3 A ling2 yi1 er4 hao4, …"."""
    words: list[str] = []
    for part in speech:
        if isinstance(part, Pause):
            if words:
                words[-1] += ","
        else:
            words.append(part.pinyin)
    return " ".join(words)


def _letter(letter: str) -> Syllable:
    return Syllable(letter.upper(), letter.upper())


def _han(run: str) -> list[Syllable]:
    readings = lazy_pinyin(run, style=Style.TONE3, neutral_tone_with_five=True)
    if len(readings) != len(run):  # one reading per character is what pypinyin gives Han text
        readings = [lazy_pinyin(char, style=Style.TONE3, neutral_tone_with_five=True)[0] for char in run]
    return [Syllable(char, _NUMERAL_PINYIN.get(char, reading)) for char, reading in zip(run, readings, strict=True)]
