"""The captain opens today's trip: the stop, the mode, and each person's window and categories."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Select

from db import catalogue, trips
from db import staff as staff_store
from db.errors import StoreError
from tui.i18n import t
from tui.problems import describe
from tui.screens.base import VanScreen
from tui.widgets.ask_text import AskText

MODES = ("fixed", "appointment", "off_hours", "themed")


class TripSetupScreen(VanScreen):
    BINDINGS = [
        Binding("w", "set_window", "trip.key.window"),
        Binding("c", "set_categories", "trip.key.categories"),
        Binding("delete", "unseat", "trip.key.unseat"),
        Binding("ctrl+s", "open", "key.open_trip"),
        Binding("escape", "back", "key.back"),
    ]
    DEFAULT_CSS = """
    TripSetupScreen #trip-form { height: auto; padding: 0 1; }
    TripSetupScreen #trip-form Horizontal { height: auto; }
    TripSetupScreen Select { width: 1fr; }
    TripSetupScreen #trip-theme { width: 1fr; }
    TripSetupScreen #trip-crew { height: 1fr; }
    TripSetupScreen #trip-error { color: $error; padding: 0 1; height: auto; }
    """

    def __init__(self) -> None:
        super().__init__()
        store = self.govan.store
        self.stops = trips.list_stops(store)
        self.people = [person for person in staff_store.list_staff(store) if person.role != "dispatcher"]
        self.letters = {d.code: d.queue_letter for d in catalogue.list_departments(store)}
        # staff id → (window, categories); everyone with a department starts seated at their own letter
        self.seats: dict[int, tuple[str, tuple[str, ...]]] = {}
        window = 1
        for person in self.people:
            if person.department in self.letters:
                self.seats[person.id] = (str(window), (self.letters[person.department],))
                window += 1

    def compose_body(self) -> ComposeResult:
        with Vertical(id="trip-form"):
            yield Label(t("trip.title", date=datetime.now(self.govan.config.tz).date().isoformat()))
            with Horizontal():
                yield Select([(stop.name, stop.id) for stop in self.stops], prompt=t("trip.stop"), id="trip-stop",
                             value=self.stops[0].id if self.stops else Select.NULL)
                yield Select([(t("trip.mode." + mode), mode) for mode in MODES], id="trip-mode",
                             value="fixed", allow_blank=False)
                yield Input(placeholder=t("trip.theme"), id="trip-theme")
        table: DataTable = DataTable(id="trip-crew", cursor_type="row")
        yield table
        yield Label("", id="trip-error")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(t("trip.col.name"), t("trip.col.role"), t("trip.col.window"), t("trip.col.categories"))
        self._fill()
        table.focus()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for person in self.people:
            window, categories = self.seats.get(person.id, ("", ()))
            table.add_row(person.name, t("role." + person.role), window or "—", " ".join(categories) or "—",
                          key=str(person.id))
        if self.people:
            table.move_cursor(row=min(row, len(self.people) - 1))

    def _current(self) -> int | None:
        table = self.query_one(DataTable)
        if not self.people:
            return None
        return self.people[table.cursor_row].id

    def _error(self, text: str) -> None:
        self.query_one("#trip-error", Label).update(text)

    def action_set_window(self) -> None:
        person = self._current()
        if person is None:
            return
        window, categories = self.seats.get(person, ("", ()))

        def done(answer: str | None) -> None:
            if answer is None:
                return
            if answer and any(seat[0] == answer for other, seat in self.seats.items() if other != person):
                self._error(t("trip.window_taken", window=answer))
                return
            if answer:
                self.seats[person] = (answer, categories or tuple(sorted(set(self.letters.values())))[:1])
            else:
                self.seats.pop(person, None)
            self._error("")
            self._fill()

        self.app.push_screen(AskText(t("trip.ask_window"), window), done)

    def action_set_categories(self) -> None:
        person = self._current()
        if person is None:
            return
        window, categories = self.seats.get(person, ("", ()))
        known = sorted(set(self.letters.values()))

        def done(answer: str | None) -> None:
            if answer is None:
                return
            chosen = tuple(dict.fromkeys(letter for letter in answer.upper() if letter.isalpha()))
            unknown = [letter for letter in chosen if letter not in known]
            if unknown or not chosen:
                self._error(t("trip.bad_categories", known=" ".join(known)))
                return
            if not window:
                self._error(t("trip.window_first"))
                return
            self.seats[person] = (window, chosen)
            self._error("")
            self._fill()

        self.app.push_screen(AskText(t("trip.ask_categories", known=" ".join(known)), " ".join(categories)), done)

    def action_unseat(self) -> None:
        person = self._current()
        if person is not None:
            self.seats.pop(person, None)
            self._fill()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_open(self) -> None:
        stop = self.query_one("#trip-stop", Select).value
        mode = self.query_one("#trip-mode", Select).value
        theme = self.query_one("#trip-theme", Input).value.strip() or None
        if stop is Select.NULL:
            self._error(t("trip.choose_stop"))
            return
        if not self.seats:
            self._error(t("trip.no_crew"))
            return
        session = self.govan.session
        assert session is not None
        store = self.govan.store
        try:
            trip = trips.plan_trip(store, datetime.now(self.govan.config.tz).date(), int(stop), session.staff.id,
                                   str(mode), theme=theme)
            for staff_id, (window, categories) in self.seats.items():
                trip = trips.set_crew(store, trip.id, staff_id, window, categories)
            trips.open_trip(store, trip.id)
        except StoreError as error:
            self._error(t("trip.cannot_open", reason=describe(error.problem)))
            return
        self.govan.route()
