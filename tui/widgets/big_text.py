"""Large, three-row text for ticket numbers on the window screen and the display board.

Digits and A–F come from Textual's own Digits font; the other letters are drawn here
in the same box-drawing style, so every queue letter can be shown large.
"""

from __future__ import annotations

from rich.text import Text
from textual.renderables.digits import DIGITS, DIGITS3X3
from textual.widgets import Static

LETTERS = {
    "G": ("╭─╴", "│╶╮", "╰─╯"),
    "H": ("╷ ╷", "├─┤", "╵ ╵"),
    "I": ("╶┬╴", " │ ", "╶┴╴"),
    "J": ("╶─┐", "  │", "╰─╯"),
    "K": ("│ ╱", "├┤ ", "│ ╲"),
    "L": ("╷  ", "│  ", "╰─╴"),
    "M": ("╭┬╮", "│││", "╵╵╵"),
    "N": ("╭─╮", "│ │", "╵ ╵"),
    "O": ("╭─╮", "│ │", "╰─╯"),
    "P": ("┌─╮", "├─╯", "╵  "),
    "Q": ("╭─╮", "│ │", "╰─┼"),
    "R": ("┌─╮", "├┬╯", "╵╰╴"),
    "S": ("╭─╴", "╰─╮", "╶─╯"),
    "T": ("╶┬╴", " │ ", " ╵ "),
    "U": ("╷ ╷", "│ │", "╰─╯"),
    "V": ("╷ ╷", "╲ ╱", " ╵ "),
    "W": ("╷╷╷", "│││", "╰┴╯"),
    "X": ("╲ ╱", " ╳ ", "╱ ╲"),
    "Y": ("╷ ╷", "╰┬╯", " ╵ "),
    "Z": ("╶─╮", " ╱ ", "╰─╴"),
}


def glyph(character: str) -> tuple[str, str, str]:
    if character in LETTERS:
        return LETTERS[character]
    if character in DIGITS:
        start = DIGITS.index(character) * 3
        return tuple(row.ljust(3) for row in DIGITS3X3[start : start + 3])  # type: ignore[return-value]
    return ("   ", f" {character}"[:3].ljust(3), "   ")


def big_text(text: str, style: str = "") -> Text:
    rows = ["", "", ""]
    for character in text.upper():
        for index, part in enumerate(glyph(character)):
            rows[index] += part + " "
    return Text("\n".join(row[:-1] for row in rows), style=style)


class BigText(Static):
    """A Static that shows its text three rows high."""

    DEFAULT_CSS = "BigText { height: 3; width: auto; }"

    def __init__(self, text: str = "", *, style: str = "", **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._text = text
        self._style = style

    def on_mount(self) -> None:
        self.update(big_text(self._text, self._style))

    def show(self, text: str, style: str = "") -> None:
        if (text, style) == (self._text, self._style):
            return  # the same number: a redraw would cost the screen's layout for nothing (issue 17)
        self._text, self._style = text, style
        self.update(big_text(text, style))
