"""What a terminal says when no trip is open, offering only what makes sense."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label

from tui.i18n import N_, t
from tui.messages import QueueChanged
from tui.screens.base import VanScreen


class NoTripScreen(VanScreen):
    BINDINGS = [
        Binding("f5", "refresh", N_("Refresh")),
        Binding("o", "open_trip", N_("Open trip")),
    ]
    DEFAULT_CSS = """
    NoTripScreen #no-trip { margin: 1 2; height: auto; }
    NoTripScreen .title { text-style: bold; }
    """

    def compose_body(self) -> ComposeResult:
        captain = self.govan.session is not None and self.govan.session.is_captain
        with Vertical(id="no-trip"):
            yield Label(t("No trip is open today"), classes="title")
            yield Label(
                t("Press O to open today's trip: the stop, the mode, and each person's window and categories.")
                if captain
                else t("Ask the captain to sign in and open today's trip, then press F5.")
            )

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
