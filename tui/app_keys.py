"""What every govan app does with the keys Textual gives an app, so none of its English shows.

- F1 and ? open the list of every key of the screen (tui/screens/key_help.py);
- the item picker (Ctrl+P, F8) lists what the screen offers (its COMMANDS) and nothing of
  Textual's own (Keys, Quit, Screenshot, Theme): choosing Quit there ended a case half done;
- Ctrl+C, which Textual answers with "Do you want to quit? Press ctrl+q", says it in the
  staff's language.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from tui.i18n import N_, t
from tui.key_list import all_key_entries

__all__ = ["HELP_BINDINGS", "AppKeys"]

HELP_BINDINGS = [
    Binding("f1", "key_help", N_("All keys"), show=False),
    Binding("question_mark", "key_help", N_("All keys"), show=False),
]


class AppKeys(App[int]):
    """Base of the govan apps: the help screen, the item picker, Ctrl+C."""

    def action_key_help(self) -> None:
        from tui.screens.key_help import KeyHelp

        if not isinstance(self.screen, KeyHelp):
            self.push_screen(KeyHelp(all_key_entries(self.screen)))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        return ()

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(
                CommandPalette(
                    placeholder=t("Search service items by name or pinyin initials…"), id="--command-palette"
                )
            )

    def action_help_quit(self) -> None:
        self.notify(t("Press Ctrl+Q to quit"))
