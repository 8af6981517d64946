"""The captain opens today's trip (the stop, the mode, each person's window and categories, the desk's
keys 1…0), or changes the open trip's crew. flows.trip.TripSetup keeps the plan and opens it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Select

from core.problems import Problem
from flows.trip import DESK_KEYS, MODES, Action, Trip, TripSetup
from tui.i18n import N_, NC_, pt, t
from tui.names import name_of
from tui.problems import describe
from tui.screens.base import VanScreen
from tui.terms import ROLE_WORDS, TRIP_MODE_WORDS
from tui.widgets.ask_text import AskText
from tui.widgets.choose import Choose

NO_ITEM = ""  # the Choose value that leaves a key empty


class TripSetupScreen(VanScreen):
    BINDINGS = [
        Binding("w", "set_window", NC_("trip.key.window", "Window")),
        Binding("c", "set_categories", N_("Categories")),
        Binding("delete", "unseat", N_("Unseat")),
        Binding("k", "set_key", N_("Desk key")),
        Binding("plus", "move_key(-1)", N_("Up"), key_display="+"),
        Binding("minus", "move_key(1)", N_("Down"), key_display="-"),
        # One Ctrl+S: it opens a new trip, or applies the crew to the open one.
        Binding("ctrl+s", "open", N_("Open trip")),
        Binding("ctrl+s", "change_crew", N_("Save crew")),
        Binding("escape", "back", N_("Back")),
    ]
    DEFAULT_CSS = """
    TripSetupScreen #trip-form { height: auto; padding: 0 1; }
    TripSetupScreen #trip-form Horizontal { height: auto; }
    TripSetupScreen Select { width: 1fr; }
    TripSetupScreen #trip-theme { width: 1fr; }
    TripSetupScreen #trip-tables { height: 1fr; }
    TripSetupScreen #trip-crew { width: 2fr; height: 1fr; }
    TripSetupScreen #trip-keys { width: 1fr; height: 1fr; border-left: solid $primary-darken-2; }
    TripSetupScreen #trip-error { color: $error; padding: 0 1; height: auto; }
    """

    def __init__(self, trip: Trip | None = None) -> None:
        """Without a trip: plan and open today's; with the open trip: change its crew."""
        super().__init__()
        session = self.govan.session
        assert session is not None
        self.flow = TripSetup(self.van, session.staff, trip)

    def compose_body(self) -> ComposeResult:
        flow = self.flow
        with Vertical(id="trip-form"):
            if flow.trip is None:
                yield Label(
                    t(
                        "Open today's trip ({date}): stop, mode, and each person's window and categories",
                        date=self.van.now().date().isoformat(),
                    )
                )
                with Horizontal():
                    yield Select(
                        [(stop.name, stop.id) for stop in flow.stops],
                        prompt=t("Stop"),
                        id="trip-stop",
                        value=flow.stops[0].id if flow.stops else Select.NULL,
                    )
                    yield Select(
                        [(t(TRIP_MODE_WORDS[mode]), mode) for mode in MODES],
                        id="trip-mode",
                        value="fixed",
                        allow_blank=False,
                    )
                    yield Input(placeholder=t("Theme (optional)"), id="trip-theme")
            else:
                yield Label(
                    t(
                        "Change the crew: {stop} · {date}",
                        stop=flow.trip.stop_name,
                        date=flow.trip.trip_date.isoformat(),
                    )
                )
        with Horizontal(id="trip-tables"):
            yield DataTable(id="trip-crew", cursor_type="row")
            if flow.allowed(Action.DESK_KEYS):
                yield DataTable(id="trip-keys", cursor_type="row")
        yield Label("", id="trip-error")

    def on_mount(self) -> None:
        crew = self.query_one("#trip-crew", DataTable)
        crew.add_columns(pt("trip.col.name", "Name"), t("Role"), pt("trip.col.window", "Window"), t("Categories"))
        if self.flow.allowed(Action.DESK_KEYS):
            self.query_one("#trip-keys", DataTable).add_columns(t("Key"), t("Desk key item"))
        self._fill()
        crew.focus()

    def _fill(self) -> None:
        crew = self.query_one("#trip-crew", DataTable)
        row = crew.cursor_row
        crew.clear()
        for person in self.flow.people:
            seat = self.flow.seats.get(person.id)
            crew.add_row(
                person.name,
                t(ROLE_WORDS[person.role]),
                seat.window if seat else "—",
                " ".join(seat.categories) if seat else "—",
                key=str(person.id),
            )
        if self.flow.people:
            crew.move_cursor(row=min(row, len(self.flow.people) - 1))
        if self.flow.allowed(Action.DESK_KEYS):
            self._fill_keys()

    def _fill_keys(self, row: int | None = None) -> None:
        keys = self.query_one("#trip-keys", DataTable)
        row = keys.cursor_row if row is None else row
        keys.clear()
        for key, code in zip(DESK_KEYS, self.flow.desk_keys, strict=True):
            item = self.flow.items.get(code) if code is not None else None
            keys.add_row(key, name_of(item), key=key)
        keys.move_cursor(row=row)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("set_key", "move_key"):
            return self.flow.allowed(Action.DESK_KEYS)
        if action == "open":
            return self.flow.allowed(Action.OPEN)
        if action == "change_crew":
            return self.flow.allowed(Action.CHANGE_CREW)
        if action in ("set_window", "set_categories", "unseat"):
            return self.flow.allowed(Action.SEAT)
        return True

    def _current(self) -> int | None:
        people = self.flow.people
        if not people:
            return None
        return people[self.query_one("#trip-crew", DataTable).cursor_row].id

    def _say(self, problem: Problem | None) -> None:
        self.query_one("#trip-error", Label).update(describe(problem) if problem is not None else "")
        self._fill()

    def action_set_window(self) -> None:
        person = self._current()
        if person is None:
            return
        seat = self.flow.seats.get(person)

        def done(answer: str | None) -> None:
            if answer is not None:
                self._say(self.flow.seat_at(person, answer))

        self.app.push_screen(AskText(t("Window number (empty: not seated)"), seat.window if seat else ""), done)

    def action_set_categories(self) -> None:
        person = self._current()
        if person is None:
            return
        seat = self.flow.seats.get(person)
        known = " ".join(self.flow.known_categories)

        def done(answer: str | None) -> None:
            if answer is not None:
                self._say(self.flow.serve(person, answer))

        self.app.push_screen(
            AskText(
                t("Queue letters served (choose from {known})", known=known), " ".join(seat.categories) if seat else ""
            ),
            done,
        )

    def action_unseat(self) -> None:
        person = self._current()
        if person is not None:
            self.flow.unseat(person)
            self._say(None)

    def action_set_key(self) -> None:
        index = self.query_one("#trip-keys", DataTable).cursor_row
        choices = [(t("(none)"), NO_ITEM)] + [
            (f"{name_of(item)}  {item.code}", item.code) for item in self.flow.items.values()
        ]

        def done(code: str | None) -> None:
            if code is not None:
                self.flow.set_desk_key(index, code or None)
                self._fill_keys(index)

        self.app.push_screen(Choose(t("Which item key {key} issues tickets for", key=DESK_KEYS[index]), choices), done)

    def action_move_key(self, step: int) -> None:
        keys = self.query_one("#trip-keys", DataTable)
        self._fill_keys(self.flow.move_desk_key(keys.cursor_row, step))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_change_crew(self) -> None:
        changed = self.flow.change_crew()
        if isinstance(changed, Problem):
            self._say(changed)
            return
        self.app.pop_screen()

    def action_open(self) -> None:
        stop = self.query_one("#trip-stop", Select).value
        opened = self.flow.open(
            None if stop is Select.NULL else int(stop),  # type: ignore[arg-type]
            str(self.query_one("#trip-mode", Select).value),
            self.query_one("#trip-theme", Input).value,
        )
        if isinstance(opened, Problem):
            self.query_one("#trip-error", Label).update(t("Cannot open the trip: {reason}", reason=describe(opened)))
            return
        self.govan.route()
