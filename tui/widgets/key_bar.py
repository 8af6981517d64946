"""The bottom line: the screen's most important keys that fit the width, and F1 for all of them.

Our own, not Textual's Footer: in Textual 8.2.8 the Footer recomposes its FooterKey widgets on
every refresh_bindings and leaks them (https://github.com/Textualize/textual/issues/6666); this
is one line of text, rendered again when the bindings change, with no children to leak. Keys
are listed in BINDINGS order, so a screen puts its most important keys first; what does not fit
is on the help screen (tui/screens/key_help.py), which F1 or ? opens.
"""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget

from tui.i18n import t
from tui.key_list import KeyEntry, fit, key_entries

__all__ = ["KeyBar"]

GAP = 2


class KeyBar(Widget, can_focus=False):
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        & > .key-bar--key { color: $footer-key-foreground; background: $footer-key-background; text-style: bold; }
        & > .key-bar--description { color: $footer-description-foreground; }
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Screen) -> None:
        self.refresh()

    def render(self) -> Text:
        help_entry = KeyEntry("f1", t("All keys"), enabled=True, shown=True)
        width = self.size.width - help_entry.width - GAP
        chosen = fit(key_entries(self.screen), max(width, 0), gap=GAP)
        return self._line([*chosen, help_entry])

    def _line(self, entries: list[KeyEntry]) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        line = Text(no_wrap=True, overflow="crop", end="")
        for index, entry in enumerate(entries):
            if index:
                line.append(" " * GAP)
            line.append(entry.keys, key_style).append(" ").append(entry.description, description_style)
        return line
