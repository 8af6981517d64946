"""`govan tui --board`: the display board for an external screen, as an app of its own.

Driven by MQTT alone (the retained B/queue/board): no store, no session, no sign-in. Its
own small app, so that GovanApp always has a store and this one never opens the database.
"""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding

from govan.config import Config
from tui.app_keys import AppKeys
from tui.i18n import N_, language
from tui.link import DaemonLink
from tui.screens.board import BoardScreen


class BoardApp(AppKeys):
    CSS_PATH = Path(__file__).parent / "app.tcss"
    # A hall screen has nothing to search and nobody signed in: quitting is the only key.
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+q", "quit", N_("Quit"), priority=True)]

    def __init__(self, config: Config, *, connect: bool = True) -> None:
        super().__init__()
        # The language `t` uses in this app (tui.i18n): no module-wide locale.
        self.language = language(config.service.citizen_locale)
        self.config = config
        self.connect = connect
        self.link = DaemonLink(self, config)
        self.title = self.language.t("Longgang Mobile Government Service")

    def on_mount(self) -> None:
        if self.connect:
            # After the first paint, as in GovanApp: the board shows "waiting for data" at once.
            self.call_after_refresh(
                lambda: self.run_worker(self.link.run, name="daemon-link", group="daemon", exclusive=True)
            )
        self.push_screen(BoardScreen())


def run_board(config: Config) -> int:
    BoardApp(config).run()
    return 0
