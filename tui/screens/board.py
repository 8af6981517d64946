"""The display board for an external screen: numbers being called, with windows, the last calls
(so someone who missed theirs can check), and waiting counts.

Driven only by the retained B/queue/board message; it reads nothing else.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from daemon.messages import QueueBoard
from tui.i18n import pt, t
from tui.messages import BoardChanged, DevicesChanged
from tui.widgets.big_text import BigText

SHOWN_LARGE = 3


class BoardScreen(Screen):
    DEFAULT_CSS = """
    BoardScreen { layout: vertical; }
    BoardScreen #board-title { height: 1; content-align: center middle; text-style: bold; background: $primary; width: 100%; }
    BoardScreen #board-calls { height: 1fr; padding: 1 2; }
    BoardScreen .board-call { height: 4; }
    BoardScreen .board-call BigText { margin-right: 2; }
    BoardScreen .board-arrow { width: 4; height: 3; content-align: center middle; text-style: bold; }
    BoardScreen .board-window { height: 3; width: auto; content-align: left middle; text-style: bold; }
    BoardScreen #board-recent { height: auto; padding: 0 2; }
    BoardScreen #board-waiting { height: auto; padding: 0 2; background: $boost; }
    BoardScreen #board-status { height: 1; padding: 0 2; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.board: QueueBoard | None = None

    def compose(self) -> ComposeResult:
        yield Static(t("Longgang Mobile Government Service · Now calling"), id="board-title")
        yield VerticalScroll(id="board-calls")
        yield Static(id="board-recent")
        yield Static(id="board-waiting")
        yield Static(t("Waiting for queue data…"), id="board-status")

    def on_board_changed(self, message: BoardChanged) -> None:
        self.show(message.board)

    def on_devices_changed(self, message: DevicesChanged) -> None:
        status = message.status
        note = "" if status.broker_connected else t("Disconnected: this may not be current")
        self.query_one("#board-status", Static).update(note)

    def show(self, board: QueueBoard) -> None:
        self.board = board
        calls = self.query_one("#board-calls", VerticalScroll)
        calls.remove_children()
        rows = []
        for index, call in enumerate(board.calling):
            if index < SHOWN_LARGE:
                rows.append(
                    Horizontal(
                        BigText(call.number, style="bold yellow" if index == 0 else "bold"),
                        Static("→", classes="board-arrow"),
                        BigText(call.window, style="bold"),
                        Static(t("window"), classes="board-window"),
                        classes="board-call",
                    )
                )
            else:
                rows.append(Static(t("{number} to window {window}", number=call.number, window=call.window)))
        if not rows:
            rows.append(Static(Text(t("Nobody called yet"), style="dim")))
        calls.mount_all(rows)
        calling = {call.number for call in board.calling}
        earlier = [call for call in board.recent if call.number not in calling]
        recent = Text()
        if earlier:
            recent.append(t("Called before") + "  ", style="bold")
            recent.append(
                "   ".join(t("{number}→window {window}", number=call.number, window=call.window) for call in earlier)
            )
        self.query_one("#board-recent", Static).update(recent)
        waiting = Text(pt("board.waiting", "Waiting") + "  ", style="bold")
        for letter, count in board.waiting.items():
            waiting.append(t("{letter}: {count}", letter=letter, count=count) + "   ")
        if not board.waiting:
            waiting.append(t("nobody"), style="dim")
        self.query_one("#board-waiting", Static).update(waiting)
        self.query_one("#board-status", Static).update("")
