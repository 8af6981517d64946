"""Which characters the printer can print, their stand-ins, and wrapping by display width."""

import pytest

from devices.printer.text import STAND_INS, UnprintableCharacter, encode_char, encode_line, wrap


def test_chinese_with_ascii_digit_encodes_to_the_gb_bytes():
    assert encode_line("请到3号窗口", "gb18030") == bytes.fromhex("c7 eb b5 bd 33 ba c5 b4 b0 bf da")
    assert encode_line("请到3号窗口", "gbk") == bytes.fromhex("c7 eb b5 bd 33 ba c5 b4 b0 bf da")


@pytest.mark.parametrize("chinese", ["gb18030", "gbk"])
@pytest.mark.parametrize(("original", "stand_in"), sorted(STAND_INS.items()))
def test_every_stand_in_encodes_in_one_or_two_bytes(chinese, original, stand_in):
    encoded = encode_char(original, chinese)
    assert encoded == stand_in.encode(chinese)
    assert len(encoded) in (1, 2)


def test_yen_sign_prints_as_fullwidth_yen():
    assert encode_line("¥5", "gb18030") == bytes.fromhex("a3 a4 35")


def test_fullwidth_punctuation_is_two_bytes_not_question_marks():
    assert encode_line("：（）。", "gb18030") == bytes.fromhex("a3 ba a3 a8 a3 a9 a1 a3")


@pytest.mark.parametrize(
    ("character", "code"),
    [("😀", "U+1F600"), ("𠀀", "U+20000"), ("©", "U+00A9"), ("\x07", "U+0007"), ("\ue000", "U+E000")],
)
def test_unprintable_character_is_named_with_its_code_point(character, code):
    with pytest.raises(UnprintableCharacter) as caught:
        encode_line(f"号码{character}", "gb18030")
    assert code in str(caught.value)
    assert caught.value.character == character


def test_euro_has_a_two_byte_code_in_gb18030_but_not_in_gbk():
    assert encode_char("€", "gb18030") == bytes.fromhex("a2 e3")
    with pytest.raises(UnprintableCharacter, match=r"U\+20AC"):
        encode_char("€", "gbk")


def test_chinese_counts_two_columns_and_is_never_split():
    assert wrap("请到3号窗口", 5, "gb18030") == ["请到3", "号窗", "口"]


def test_latin_words_break_at_spaces_dropping_one_space():
    assert wrap("please go to window three", 12, "gb18030") == ["please go to", "window three"]


def test_a_word_longer_than_the_line_is_broken_anywhere():
    assert wrap("ABCDEFGHIJ", 4, "gb18030") == ["ABCD", "EFGH", "IJ"]


def test_a_space_that_ends_a_full_line_leaves_no_empty_line():
    assert wrap("ABCD ", 4, "gb18030") == ["ABCD"]


def test_empty_paragraph_is_one_empty_line():
    assert wrap("", 32, "gb18030") == [""]
