"""What a terminal says when no trip is open, offering only what makes sense."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label

from tui.i18n import t
from tui.messages import QueueChanged
from tui.screens.base import VanScreen


class NoTripScreen(VanScreen):
    BINDINGS = [
        Binding("f5", "refresh", "key.refresh"),
        Binding("o", "open_trip", "key.open_trip"),
    ]
    DEFAULT_CSS = """
    NoTripScreen #no-trip { margin: 1 2; height: auto; }
    NoTripScreen .title { text-style: bold; }
    """

    def compose_body(self) -> ComposeResult:
        captain = self.govan.session is not None and self.govan.session.is_captain
        with Vertical(id="no-trip"):
            yield Label(t("notrip.title"), classes="title")
            yield Label(t("notrip.captain") if captain else t("notrip.staff"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_trip":
            return self.govan.session is not None and self.govan.session.is_captain
        return True

    def action_refresh(self) -> None:
        self.govan.route()

    def on_queue_changed(self, message: QueueChanged) -> None:
        if message.event.type == "trip.opened":
            self.govan.route()  # opened on another terminal: to the desk or the window

    def action_open_trip(self) -> None:
        from tui.screens.trip_setup import TripSetupScreen

        self.app.push_screen(TripSetupScreen())
