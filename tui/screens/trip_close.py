"""Closing the trip (收车): what still blocks it, the crew's cooperation marks, the notes, then close.

Closing stores the summary and queues it for the back office (db.trip_close), then
shows the summary, which prints the short version and writes the export files.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from db import cases, report, tickets, trip_close, trips
from db.errors import StoreError
from db.trips import Trip
from tui.i18n import t
from tui.problems import describe
from tui.screens.base import VanScreen
from tui.session import Session
from tui.widgets.choose import Choose

MARKS = "12345"


class TripCloseScreen(VanScreen):
    BINDINGS = [
        Binding("1", "mark(1)", "close.key.mark", key_display="1…5"),
        *[Binding(mark, f"mark({mark})", show=False) for mark in MARKS[1:]],
        Binding("n", "notes", "captain.key.notes"),
        Binding("ctrl+s", "close", "close.key.close"),
        Binding("escape", "back", "key.back"),
    ]
    DEFAULT_CSS = """
    TripCloseScreen #close-form { height: 1fr; padding: 0 1; }
    TripCloseScreen #close-title { text-style: bold; height: auto; }
    TripCloseScreen #close-check { height: auto; margin: 1 0; }
    TripCloseScreen #close-crew { height: auto; max-height: 12; }
    TripCloseScreen #close-notes { height: auto; margin-top: 1; }
    TripCloseScreen #close-error { color: $error; height: auto; }
    """

    def __init__(self, trip_id: int) -> None:
        super().__init__()
        self.trip_id = trip_id
        self.pending = 0  # waiting or called: will be marked no-show
        self.blocked = True

    @property
    def trip(self) -> Trip:
        return trips.get_trip(self.govan.store, self.trip_id)

    def compose_body(self) -> ComposeResult:
        with Vertical(id="close-form"):
            yield Static(id="close-title")
            yield Static(id="close-check")
            yield Static(t("close.crew_help"))
            yield DataTable(id="close-crew", cursor_type="row")
            yield Static(id="close-notes")
            yield Static("", id="close-error")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(t("trip.col.window"), t("trip.col.name"), t("trip.col.categories"), t("close.col.mark"))
        self.refresh_view()
        table.focus()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self.is_mounted:
            self.refresh_view()

    def refresh_view(self) -> None:
        store, trip = self.govan.store, self.trip
        self.query_one("#close-title", Static).update(
            t("close.title", stop=trip.stop_name, date=trip.trip_date.isoformat()))
        queue = tickets.list_tickets(store, trip.id)
        serving = sum(1 for ticket in queue if ticket.status == "serving")
        self.pending = sum(1 for ticket in queue if ticket.status in ("waiting", "called"))
        unrecorded = sum(1 for case in cases.list_cases(store, trip_id=trip.id) if case.outcome is None)
        check = Text()
        if serving:
            check.append(t("close.serving", count=serving) + "\n", style="bold red")
        if unrecorded:
            check.append(t("close.unrecorded", count=unrecorded) + "\n", style="bold red")
        if self.pending:
            check.append(t("close.pending", count=self.pending) + "\n", style="yellow")
        self.blocked = bool(serving or unrecorded)
        if not self.blocked:
            check.append(t("close.ready"), style="green")
        self.query_one("#close-check", Static).update(check)
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for member in trip.crew:
            table.add_row(member.window, member.name, " ".join(member.categories),
                          "—" if member.cooperation is None else "★" * member.cooperation, key=str(member.staff_id))
        if trip.crew:
            table.move_cursor(row=min(row, len(trip.crew) - 1))
        notes = report.notes(store, trip.id)
        self.query_one("#close-notes", Static).update(
            Text(t("close.notes", notes=notes) if notes else t("close.no_notes"), style="" if notes else "dim"))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close":
            return not self.blocked
        return True

    def _error(self, text: str) -> None:
        self.query_one("#close-error", Static).update(text)

    def action_mark(self, mark: int) -> None:
        crew = self.trip.crew
        if not crew:
            return
        member = crew[self.query_one(DataTable).cursor_row]
        try:
            trips.rate_cooperation(self.govan.store, self.trip_id, member.staff_id, mark)
        except StoreError as error:
            self._error(describe(error.problem))
            return
        self._error("")
        self.refresh_view()

    def action_notes(self) -> None:
        from tui.screens.trip_notes import TripNotesScreen

        self.app.push_screen(TripNotesScreen(self.trip_id), lambda _saved: self.refresh_view())

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_close(self) -> None:
        self.refresh_view()
        if self.blocked:
            return
        if not self.pending:
            self.close_trip(abandon_waiting=False)
            return

        def done(choice: str | None) -> None:
            if choice == "yes":
                self.close_trip(abandon_waiting=True)

        self.app.push_screen(Choose(t("close.confirm_pending", count=self.pending),
                                    [(t("close.confirm_yes"), "yes"), (t("close.confirm_no"), "no")]), done)

    def close_trip(self, *, abandon_waiting: bool) -> None:
        from tui.screens.summary import SummaryScreen

        app = self.govan
        session = app.session
        assert session is not None
        try:
            trip_close.close_with_report(app.store, self.trip_id, closed_by=session.staff.id,
                                         abandon_waiting=abandon_waiting, tz=app.config.tz)
        except StoreError as error:
            self._error(t("close.cannot", reason=describe(error.problem)))
            self.refresh_view()
            return
        app.session = Session(session.staff, trips.current_trip(app.store))
        app.sub_title = t("session.no_trip", name=session.staff.name)
        # The live view underneath is of a trip that is over: the app opens the captain's view
        # afresh, now the list of trips (the app owns that way, so this screen, which the
        # captain's view opens, does not import it back), and the summary on top.
        app.action_captain()
        app.push_screen(SummaryScreen(self.trip_id, just_closed=True))
