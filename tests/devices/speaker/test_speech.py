"""What a call sounds like before any audio: ticket digits one by one, other numbers as numbers, pinyin for espeak."""

from __future__ import annotations

import pytest

from core.problems import Code
from devices.speaker.errors import SpeakerError
from devices.speaker.speech import Pause, Syllable, number_words, pinyin_text, plan, syllables


def texts(text: str) -> str:
    return "".join(part.text if isinstance(part, Syllable) else "|" for part in plan(text))


def test_a_call_reads_the_ticket_digit_by_digit_and_the_window_as_a_number() -> None:
    assert texts("请A012号到3号窗口办理") == "请A零一二号到三号窗口办理"
    assert pinyin_text(plan("请A012号到3号窗口办理")) == (
        "qing3 A ling2 yi1 er4 hao4 dao4 san1 hao4 chuang1 kou3 ban4 li3"
    )
    assert texts("请B105号到12号窗口") == "请B一零五号到十二号窗口"


@pytest.mark.parametrize(
    ("value", "words"), [(0, "零"), (7, "七"), (10, "十"), (11, "十一"), (20, "二十"), (35, "三十五"), (99, "九十九")]
)
def test_numbers_up_to_99_are_read_as_numbers(value: int, words: str) -> None:
    assert number_words(value) == words
    assert texts(f"{value}号") == words + "号"


def test_every_number_up_to_99_has_its_tones() -> None:
    for value in range(100):
        for syllable in syllables(plan(str(value))):
            assert syllable.pinyin[:-1].isalpha() and syllable.tone in (1, 2, 3, 4), (value, syllable)


def test_a_long_number_is_read_digit_by_digit_and_letters_by_their_names() -> None:
    assert texts("12345") == "一二三四五"
    assert [part.pinyin for part in plan("x")] == ["X"]  # espeak's voices read a capital as its letter name


def test_punctuation_is_a_pause_and_the_unreadable_is_skipped() -> None:
    speech = plan("请A001号，到1号窗口！😀")
    assert isinstance(speech[6], Pause) and not isinstance(speech[-1], Pause)
    assert pinyin_text(speech).startswith("qing3 A ling2 ling2 yi1 hao4, dao4")


@pytest.mark.parametrize("text", ["", "😀！", "   ", "---"])
def test_nothing_to_say_is_a_clear_error(text: str) -> None:
    with pytest.raises(SpeakerError) as raised:
        plan(text)
    assert raised.value.problem.code is Code.SPEAKER_NOTHING_TO_SAY and raised.value.state is None
