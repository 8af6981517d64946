"""How python-escpos 3.1 prints Chinese, beside our encoder: why govan keeps its own (README's table).

Measured, not assumed: each test prints the same text through both and compares the bytes.
"""

from __future__ import annotations

import pytest
from escpos.printer import Dummy

from devices.printer import commands
from devices.printer.document import Document, TextBlock
from devices.printer.encoder import EncodeError, encode
from devices.printer.profile import Profile

FS_AMPERSAND = b"\x1c\x26"  # FS &: the printer's double-byte (Chinese) mode on
ESC_T = b"\x1bt"  # ESC t n: select a single-byte code page


def theirs(text: str) -> bytes:
    printer = Dummy()
    printer.text(text + "\n")
    return bytes(printer.output)


def ours(text: str) -> bytes:
    return encode(Document(blocks=[TextBlock(text=text)]), Profile.for_paper(80))


def test_both_encode_gb2312_chinese_with_its_fullwidth_punctuation_alike() -> None:
    text = "龙港市：请到3号窗口办理。（A012，稍候）"  # one printed line: ours wraps longer ones
    gb = text.encode("gb2312")
    assert theirs(text) == gb + b"\n"
    assert gb + b"\n" in ours(text)


def test_theirs_never_switches_the_printer_to_chinese_mode_ours_does() -> None:
    assert FS_AMPERSAND not in theirs("请")
    assert commands.KANJI_ON == FS_AMPERSAND and FS_AMPERSAND in ours("请")


def test_the_fullwidth_yen_sign_becomes_a_question_mark_in_theirs() -> None:
    assert theirs("￥12") == ESC_T + b"\x00?12\n"
    assert "￥12".encode("gb18030") in ours("￥12")


@pytest.mark.parametrize("symbol", ["¥", "€", "é", "·", "—"])
def test_theirs_sends_a_latin_symbol_as_one_byte_of_a_code_page_which_a_printer_in_chinese_mode_misreads(
    symbol: str,
) -> None:
    # A byte of 0x80 or more opens a double-byte character in Chinese mode: the next character is eaten too.
    sent = theirs(symbol)
    assert sent.startswith(ESC_T) and len(sent) == 5 and sent[3] >= 0x80
    # Ours sends the symbol's own two-byte GB code, in Chinese mode.
    assert ours(symbol).endswith(symbol.replace("¥", "￥").encode("gb18030") + b"\n")


@pytest.mark.parametrize("character", ["㐀", "鿐", "😀"])
def test_a_character_needing_four_byte_gb18030_is_a_silent_question_mark_there_and_refused_here(character: str) -> None:
    assert theirs(character).endswith(b"?\n")
    with pytest.raises(EncodeError, match=f"U\\+{ord(character):04X}"):
        ours(character)
