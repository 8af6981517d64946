"""The govan Textual app: keyboard first, 80×24 and up, Chinese by default.

Screens (one per module in tui/screens/):
- login → no open trip (captain: open one) → the desk (取号) or the window (叫号) by seat;
- F2 desk, F3 window, F4 captain's views; the window opens intake (受理) for a called ticket.

`govan tui --board` is another app, tui.board_app.BoardApp: it needs no store.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual.binding import Binding

from govan.config import Config
from tui.app_keys import HELP_BINDINGS, AppKeys
from tui.i18n import N_, NC_, language, t
from tui.link import DaemonLink
from tui.messages import DeviceFaulted, DevicesChanged

if TYPE_CHECKING:
    from sqlite_utils import Database

    from flows.incidents import IncidentRecorder
    from flows.session import Session, Staff
    from flows.van import Van


class GovanApp(AppKeys):
    # Absolute, so that subclasses defined elsewhere (benchmarks, tests) still find it.
    CSS_PATH = Path(__file__).parent / "app.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", N_("Quit"), priority=True),
        Binding("f2", "desk", N_("Tickets")),
        Binding("f3", "window", NC_("key.window", "Window")),
        Binding("f4", "captain", N_("Captain")),
        Binding("ctrl+o", "sign_out", N_("Sign out")),
        Binding("ctrl+p", "command_palette", N_("Search"), show=False, priority=True),
        *HELP_BINDINGS,
    ]

    def __init__(self, config: Config, *, connect: bool = True, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__()
        # The language `t` uses in this app (tui.i18n): no module-wide locale.
        self.language = language(config.locale)
        self.add_class(f"-locale-{config.locale}")  # for the few styles a language needs (app.tcss)
        self.config = config
        self.connect = connect
        # Whenever this terminal reaches the broker, the board is rebuilt from the store (defect 10).
        self.link = DaemonLink(self, config, on_connected=self._rebuild_board)
        self.clock = clock or (lambda: datetime.now(config.tz))  # tests pass one
        # The store is opened when first needed, after the login screen's first paint (its staff list
        # is filled then): the store stack's imports and the open need not delay the first screen.
        self._van: Van | None = None
        self._incidents: IncidentRecorder | None = None
        self.session: Session | None = None
        self.title = self.language.t("Longgang Mobile Government Service")

    def on_mount(self) -> None:
        if self.connect:
            # After the first paint: the MQTT client need not delay the first screen.
            self.call_after_refresh(
                lambda: self.run_worker(self.link.run, name="daemon-link", group="daemon", exclusive=True)
            )
        from tui.screens.login import LoginScreen

        self.push_screen(LoginScreen())

    @property
    def van(self) -> Van:
        """What the flows work with: this terminal's store, config, bus and clock."""
        if self._van is None:
            from flows.van import Van, open_store

            self._van = Van(open_store(self.config), self.config, self.link, clock=self.clock)
        return self._van

    @property
    def incidents(self) -> IncidentRecorder:
        """Device trouble heard while this terminal is open goes into the trip summary."""
        if self._incidents is None:
            from flows.incidents import IncidentRecorder

            self._incidents = IncidentRecorder(self.van.store)
        return self._incidents

    def now(self) -> datetime:
        return self.clock().astimezone(self.config.tz)

    def _rebuild_board(self) -> None:
        from flows.announce import Announcer

        Announcer(self.van).board()

    def on_devices_changed(self, message: DevicesChanged) -> None:
        self.incidents.status(message.status)

    def on_device_faulted(self, message: DeviceFaulted) -> None:
        self.incidents.fault(message.error)

    @property
    def store(self) -> Database:
        """This terminal's store connection (the views never call it: flows do; tests read it)."""
        return self.van.store

    def on_unmount(self) -> None:
        if self._van is not None:
            self._van.store.close()

    # Who is here, and which screen they work on.
    def sign_in(self, staff: Staff) -> None:
        from flows.session import session_for

        self.session = session_for(self.van, staff)
        self.route()

    def action_sign_out(self) -> None:
        self.sign_out()

    def sign_out(self) -> None:
        self.session = None
        from tui.screens.login import LoginScreen

        self._replace_stack(LoginScreen())

    def route(self) -> None:
        """Show the screen that fits the session: no trip, the window, or the desk."""
        if self.session is None:
            return
        from flows.session import session_for

        self.session = session_for(self.van, self.session.staff)
        self.sub_title = self._session_line()
        if self.session.trip is None:
            from tui.screens.no_trip import NoTripScreen

            self._replace_stack(NoTripScreen())
        elif self.session.seat is not None:
            from tui.screens.window import WindowScreen

            self._replace_stack(WindowScreen())
        else:
            from tui.screens.desk import DeskScreen

            self._replace_stack(DeskScreen())

    def _session_line(self) -> str:
        assert self.session is not None
        name, trip, seat = self.session.staff.name, self.session.trip, self.session.seat
        if trip is None:
            return t("{name} · no open trip", name=name)
        if seat is not None:
            return t("{name} · window {window} · {stop}", name=name, window=seat.window, stop=trip.stop_name)
        return t("{name} · {stop}", name=name, stop=trip.stop_name)

    def _replace_stack(self, screen: object) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(screen)  # type: ignore[arg-type]

    # Switching between working screens.
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        session = self.session
        working = session is not None and session.trip is not None
        if action == "desk":
            return working
        if action == "window":
            return working and session.seat is not None  # type: ignore[union-attr]
        if action == "captain":
            # Follow-ups, evaluation and past summaries need no open trip.
            return session is not None and session.is_captain
        if action == "sign_out":
            return session is not None
        return True

    def action_desk(self) -> None:
        from tui.screens.desk import DeskScreen

        self._replace_stack(DeskScreen())

    def action_window(self) -> None:
        from tui.screens.window import WindowScreen

        self._replace_stack(WindowScreen())

    def action_captain(self) -> None:
        from tui.screens.captain import CaptainScreen

        self._replace_stack(CaptainScreen())

    def open_intake(self, ticket_id: int) -> None:
        """The window's "start service": intake (受理) for this ticket, on top of the window."""
        from tui.screens.intake import IntakeScreen

        self.push_screen(IntakeScreen(ticket_id))


def run_app(config: Config) -> int:
    GovanApp(config).run()
    return 0
