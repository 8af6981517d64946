"""The ID number in intake's person form: one field, typed by hand or shown once filled in.

Shown (masked, or in full while the screen allows it) the field holds the text given and takes
neither focus nor keys; otherwise it is an empty line to type into. One widget for both, of a size
fixed by CSS, so a card that fills the number in needs a repaint only: two widgets, one hidden and
one displayed in turn, made every card cost two layouts of the whole screen (bench/intake_fill.py).
"""

from __future__ import annotations

from tui.widgets.field_input import FieldInput

__all__ = ["IdNumberField"]


class IdNumberField(FieldInput):
    DEFAULT_CSS = """
    IdNumberField.-shown { text-style: bold; }
    """

    shown: str | None = None  # the text shown in place of typing, else None

    def show_number(self, text: str | None) -> None:
        """`text` (the number as it may be seen) in place of typing; None to type one again, empty."""
        if text == self.shown:
            return
        self.shown = text
        self.set_class(text is not None, "-shown")
        self.value = text or ""
        if text is not None and self.has_focus:
            self.screen.set_focus(None)

    def allow_focus(self) -> bool:
        return self.shown is None

    def typed(self) -> str:
        """What was typed, nothing while a number is shown."""
        return "" if self.shown is not None else self.value
