"""Every key of the screen beneath, with what it does: F1 or ? opens it, Escape closes it.

The key bar shows what fits the width; this lists them all, including those not usable now
(dimmed) and those kept off the bar.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.i18n import N_, t
from tui.key_list import KeyEntry

__all__ = ["KeyHelp"]


class KeyHelp(ModalScreen[None]):
    DEFAULT_CSS = """
    KeyHelp { align: center middle; }
    KeyHelp > VerticalScroll { width: auto; max-width: 90%; height: auto; max-height: 90%; border: round $accent;
                               padding: 0 1; background: $panel; }
    KeyHelp Static { width: auto; }
    """
    BINDINGS = [
        Binding("escape", "dismiss", N_("Close")),
        Binding("f1", "dismiss", N_("Close"), show=False),
        Binding("question_mark", "dismiss", N_("Close"), show=False),
    ]

    def __init__(self, entries: list[KeyEntry]) -> None:
        super().__init__()
        self.entries = entries

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="key-help"):
            yield Static(Text(t("Keys on this screen (Esc closes)"), style="bold"), id="key-help-title")
            yield Static(self._table(), id="key-help-keys")

    def _table(self) -> Text:
        width = max((len(entry.keys) for entry in self.entries), default=0)
        text = Text()
        for entry in self.entries:
            text.append(f"{entry.keys:>{width}}  ", style="bold" if entry.enabled else "bold dim")
            if entry.enabled:
                text.append(entry.description)
            else:
                text.append(t("{what} (not now)", what=entry.description), style="dim")
            text.append("\n")
        text.rstrip()
        return text
