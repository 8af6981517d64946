"""Closing the trip (收车): what still blocks it, the crew's cooperation marks, the notes, then close.

flows.trip.TripClose closes it, stores the summary, queues it for the back office and tells
every terminal; this screen then shows the summary, which prints the short version and
writes the export files. The captain marks everyone's cooperation but their own.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from core.problems import Problem
from flows.session import session_for
from flows.trip import Action, TripClose
from tui.i18n import N_, pt, t
from tui.problems import describe
from tui.screens.base import VanScreen
from tui.widgets.choose import Choose

MARKS = "12345"


class TripCloseScreen(VanScreen):
    BINDINGS = [
        Binding("1", "mark(1)", N_("Cooperation mark"), key_display="1…5"),
        *[Binding(mark, f"mark({mark})", show=False) for mark in MARKS[1:]],
        Binding("n", "notes", N_("Notes")),
        Binding("ctrl+s", "close", N_("Close and summarise")),
        Binding("escape", "back", N_("Back")),
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
        session = self.govan.session
        assert session is not None
        self.flow = TripClose(self.van, session.staff, trip_id)

    def compose_body(self) -> ComposeResult:
        with Vertical(id="close-form"):
            yield Static(id="close-title")
            yield Static(id="close-check")
            yield Static(t("Crew cooperation (pick a person, press 1–5)"))
            yield DataTable(id="close-crew", cursor_type="row")
            yield Static(id="close-notes")
            yield Static("", id="close-error")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            pt("trip.col.window", "Window"), pt("trip.col.name", "Name"), t("Categories"), t("Cooperation")
        )
        self.refresh_view()
        table.focus()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self.is_mounted:
            self.flow.refresh()
            self.refresh_view()

    def refresh_view(self) -> None:
        flow = self.flow
        trip, blockers = flow.trip, flow.blockers
        self.query_one("#close-title", Static).update(
            t("Close the trip: {stop} · {date}", stop=trip.stop_name, date=trip.trip_date.isoformat())
        )
        check = Text()
        if blockers.serving:
            check.append(t("{count} being served: finish them first", count=blockers.serving) + "\n", style="bold red")
        if blockers.unrecorded:
            check.append(
                t("{count} case(s) without an outcome: record them first", count=blockers.unrecorded) + "\n",
                style="bold red",
            )
        if blockers.pending:
            check.append(
                t("{count} ticket(s) still waiting or called: they become no-shows", count=blockers.pending) + "\n",
                style="yellow",
            )
        if not blockers.blocked:
            check.append(t("Ready: Ctrl+S closes the trip and makes the summary"), style="green")
        self.query_one("#close-check", Static).update(check)
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for member in trip.crew:
            mark = "—" if member.cooperation is None else "★" * member.cooperation
            if member.staff_id == flow.captain.id:
                mark = t("the captain")
            table.add_row(member.window, member.name, " ".join(member.categories), mark, key=str(member.staff_id))
        if trip.crew:
            table.move_cursor(row=min(row, len(trip.crew) - 1))
        self._select()
        self.query_one("#close-notes", Static).update(
            Text(
                t("Notes: {notes}", notes=flow.notes) if flow.notes else t("No captain's notes yet (N to write them)"),
                style="" if flow.notes else "dim",
            )
        )

    def _select(self) -> None:
        """The flow marks whoever the cursor is on; the footer offers 1…5 only for someone it may mark."""
        crew = self.flow.trip.crew
        row = self.query_one(DataTable).cursor_row
        self.flow.select(crew[row].staff_id if crew and 0 <= row < len(crew) else None)
        self.refresh_bindings()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._select()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "mark":
            return self.flow.allowed(Action.MARK)
        if action == "close":
            return self.flow.allowed(Action.CLOSE)
        if action == "notes":
            return self.flow.allowed(Action.NOTES)
        return True

    def _error(self, text: str) -> None:
        self.query_one("#close-error", Static).update(text)

    def action_mark(self, mark: int) -> None:
        problem = self.flow.mark(mark)
        self._error(describe(problem) if problem is not None else "")
        self.refresh_view()

    def action_notes(self) -> None:
        from tui.screens.trip_notes import TripNotesScreen

        def saved(_saved: bool | None) -> None:
            self.flow.refresh()
            self.refresh_view()

        self.app.push_screen(TripNotesScreen(self.flow.trip_id), saved)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_close(self) -> None:
        self.flow.refresh()
        self.refresh_view()
        if not self.flow.allowed(Action.CLOSE):
            return
        pending = self.flow.blockers.pending
        if not pending:
            self.close_trip(abandon_waiting=False)
            return

        def done(choice: str | None) -> None:
            if choice == "yes":
                self.close_trip(abandon_waiting=True)

        self.app.push_screen(
            Choose(
                t("{count} ticket(s) not served: close and mark them no-show?", count=pending),
                [(t("Close, mark them no-show"), "yes"), (t("Not yet"), "no")],
            ),
            done,
        )

    def close_trip(self, *, abandon_waiting: bool) -> None:
        from tui.screens.summary import SummaryScreen

        closed = self.flow.close(abandon_waiting=abandon_waiting)
        if isinstance(closed, Problem):
            self._error(t("Cannot close the trip: {reason}", reason=describe(closed)))
            self.refresh_view()
            return
        app = self.govan
        app.session = session_for(self.van, self.flow.captain)
        app.sub_title = t("{name} · no open trip", name=self.flow.captain.name)
        # The live view underneath is of a trip that is over: the app opens the captain's view
        # afresh, now the list of trips (the app owns that way, so this screen, which the
        # captain's view opens, does not import it back), and the summary on top.
        app.action_captain()
        app.push_screen(SummaryScreen(self.flow.trip_id, just_closed=True))
