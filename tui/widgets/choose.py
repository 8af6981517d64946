"""A short list to pick one from, in a modal: Enter picks, Escape cancels (None)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.i18n import N_


class Choose(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]
    DEFAULT_CSS = """
    Choose { align: center middle; }
    Choose > Vertical { width: 60; height: auto; max-height: 80%; border: round $accent; padding: 0 1; background: $panel; }
    Choose OptionList { height: auto; max-height: 14; }
    Choose Label { width: 100%; }
    """

    def __init__(self, title: str, choices: list[tuple[str, str]]) -> None:
        """`choices` are (label, value) pairs."""
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text)
            yield OptionList(*[Option(label, id=value) for label, value in self.choices])

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        if self.choices:
            options.highlighted = 0

    @on(OptionList.OptionSelected)
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
