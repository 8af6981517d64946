"""Text for a Chinese ESC/POS printer: which characters it can print, and line wrapping.

In Chinese (Kanji) mode the printer reads bytes below 0x80 as single-byte characters
and any byte from 0x81 on as the first of a two-byte GB code. Many printers know only
the two-byte part of GB18030, so a character that needs four bytes (emoji, 𠀀, even ¥)
prints as garbage. Such a character is refused, unless a common look-alike exists
that encodes in two bytes.

A printed character takes one column per byte: ASCII is 12 dots wide and a two-byte
character is a 24-dot glyph, whatever script it belongs to.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from devices.printer.profile import ChineseMode

# Look-alikes for characters that need four bytes in GB18030 (or have none in GBK).
# Each replacement encodes in one or two bytes in both GB18030 and GBK (tested).
STAND_INS: dict[str, str] = {
    "\u00a5": "\uffe5",  # ¥ → ￥ fullwidth yen
    "\u00a2": "\uffe0",  # ¢ → ￠
    "\u00a3": "\uffe1",  # £ → ￡
    "\u2022": "\u00b7",  # • bullet → · middle dot
    "\u2027": "\u00b7",  # ‧ hyphenation point → ·
    "\u2219": "\u00b7",  # ∙ bullet operator → ·
    "\u30fb": "\u00b7",  # ・ katakana middle dot → ·
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u00a0": " ",  # no-break space
    "\u2713": "\u221a",  # ✓ → √
    "\u2714": "\u221a",  # ✔ → √
    "\u00b5": "\u03bc",  # µ micro sign → μ
}


class UnprintableCharacter(ValueError):
    """A character the printer has no two-byte code for. Names the character, never the text."""

    def __init__(self, character: str, reason: str) -> None:
        name = unicodedata.name(character, "unnamed")
        shown = character if character.isprintable() else ""
        label = f'"{shown}" ' if shown else ""
        super().__init__(f"cannot print {label}U+{ord(character):04X} {name}: {reason}")
        self.character = character


def encode_char(character: str, chinese: ChineseMode) -> bytes:
    """The printer bytes for one character: one ASCII byte or one two-byte GB code."""
    character = STAND_INS.get(character, character)
    code = ord(character)
    if 0x20 <= code < 0x7F:
        return bytes((code,))
    category = unicodedata.category(character)
    if category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
        raise UnprintableCharacter(character, "a control or unassigned character")
    try:
        encoded = character.encode(chinese)
    except UnicodeEncodeError:
        raise UnprintableCharacter(character, f"it has no {chinese.upper()} code") from None
    if len(encoded) != 2 or encoded[0] < 0x81:
        raise UnprintableCharacter(character, "it needs a 4-byte GB18030 code the printer cannot print")
    return encoded


def encode_line(line: str, chinese: ChineseMode) -> bytes:
    return b"".join(encode_char(character, chinese) for character in line)


def check_printable(text: str, chinese: ChineseMode) -> None:
    """Raise UnprintableCharacter for the first character of `text` the printer cannot print."""
    for paragraph in paragraphs(text):
        encode_line(paragraph, chinese)


def paragraphs(text: str) -> list[str]:
    """Explicit line breaks in a text block; "\\r\\n" counts as one."""
    return text.replace("\r\n", "\n").split("\n")


def wrap(paragraph: str, columns: int, chinese: ChineseMode) -> list[str]:
    """Break a paragraph into lines of at most `columns` byte-columns.

    Never splits a character. A line that overflows inside a run of non-space
    characters breaks at the last space on it, so Latin words stay whole; Chinese
    text, having no spaces, breaks anywhere. Exactly one space is dropped at a
    break that falls on a space; nothing else is ever lost.
    """
    if columns < 2:
        raise ValueError("a line must hold at least one Chinese character (2 columns)")
    # Wrap what will be printed: a no-break space prints as a space, and breaks like one.
    paragraph = "".join(STAND_INS.get(character, character) for character in paragraph)
    lines: list[str] = []
    current: list[str] = []
    used = 0
    for character, width in _widths(paragraph, chinese):
        if used + width > columns:
            if character == " ":
                lines.append("".join(current))
                current, used = [], 0
                continue
            space = _last_space(current)
            if space is not None and space > 0:
                lines.append("".join(current[:space]))
                current = current[space + 1 :]
            else:
                lines.append("".join(current))
                current = []
            used = sum(len(encode_char(kept, chinese)) for kept in current)
        current.append(character)
        used += width
    if current or not lines:  # a space that broke the last line leaves nothing behind
        lines.append("".join(current))
    return lines


def _widths(paragraph: str, chinese: ChineseMode) -> Iterator[tuple[str, int]]:
    for character in paragraph:
        yield character, len(encode_char(character, chinese))


def _last_space(characters: list[str]) -> int | None:
    for index in range(len(characters) - 1, -1, -1):
        if characters[index] == " ":
            return index
    return None
