"""Several codes to tick on one line, each worded for staff: Tab moves between them, Space or Enter ticks.

The row holds codes and gives them back (`codes`); what each box says is the caller's translated word.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.widgets import Checkbox

__all__ = ["CheckRow"]


class CheckRow(HorizontalGroup):
    DEFAULT_CSS = """
    CheckRow { height: 1; width: 1fr; }
    CheckRow > Checkbox { width: auto; height: 1; }
    """

    def __init__(self, choices: list[tuple[str, str]], *, id: str | None = None, classes: str | None = None) -> None:
        """`choices` are (code, word) pairs, in the order shown."""
        super().__init__(id=id, classes=classes)
        self.choices = choices

    def compose(self) -> ComposeResult:
        for code, word in self.choices:
            yield Checkbox(word, compact=True, name=code)

    @property
    def codes(self) -> list[str]:
        """The ticked codes, in the order shown."""
        return [str(box.name) for box in self.query(Checkbox) if box.value]
