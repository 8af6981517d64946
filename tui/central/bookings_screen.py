"""8 预约: the week's bookings with their tailored plan, the vans' requests, and the booking form.

Tab moves between the list and the form's fields: Enter opens a choice (kind, half-day) and the
arrows pick in it, Space ticks a need. ctrl+b books what the form says, ctrl+y confirms the selected
request at the form's day and half-day, ctrl+t moves the selected booking there, ctrl+x cancels it,
ctrl+r shows its half-day's home-visit run in driving order.
"""

from __future__ import annotations

from datetime import UTC, datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from planning import desk
from tui.central.plan_screen import PlanScreen
from tui.i18n import N_, NC_, pt, t
from tui.terms import BOOKING_KIND_WORDS, BOOKING_STATUS_WORDS, HALF_DAY_WORDS

FIELDS = ("kind", "van", "day", "half", "items", "head_count", "group", "name", "phone", "address", "point", "needs")


class BookingsScreen(PlanScreen):
    page = "bookings"
    BINDINGS = [
        Binding("ctrl+b", "book", N_("book"), priority=True),
        Binding("ctrl+y", "confirm", N_("confirm request"), priority=True),
        Binding("ctrl+t", "reschedule", N_("reschedule"), priority=True),
        Binding("ctrl+x", "cancel_booking", NC_("plan.key", "cancel"), priority=True),
        Binding("ctrl+r", "run", N_("home-visit run"), priority=True),
    ]

    def __init__(self, week_name: str) -> None:
        super().__init__(name="bookings")
        self.week = week_name
        self.rows: list[desk.BookingRow] = []

    def compose(self) -> ComposeResult:
        yield from self.compose_list_and_form(
            [
                pt("plan.col", "Day"),
                pt("plan.col", "Van"),
                pt("plan.col", "Kind"),
                pt("plan.col", "Who"),
                pt("plan.col", "Items"),
                pt("plan.col", "Status"),
                pt("plan.col", "Tailored plan"),
            ],
            FIELDS,
        )

    def on_mount(self) -> None:
        self.reload()

    def form(self) -> dict[str, str]:
        return self.form_values(FIELDS)

    def reload(self, note: str = "") -> None:
        self.call_store(lambda conn: desk.booking_rows(conn, self.week), lambda rows: self.show(rows, note))

    def show(self, rows: list[desk.BookingRow], note: str = "") -> None:
        self.rows = rows
        table: DataTable[str] = self.query_one("#plan-list", DataTable)
        table.clear()
        for row in rows:
            when = f"{row.day:%m-%d}{t(HALF_DAY_WORDS[row.half])}" if row.day and row.half else "-"
            plan = " ".join(
                t("{department} {minutes} min, {staff}", department=d, minutes=m, staff=s) for d, m, s in row.plan
            )
            table.add_row(
                when,
                row.van_id,
                t(BOOKING_KIND_WORDS[row.kind]),
                row.who[:8],
                pt("list separator", ", ").join(row.items)[:24],
                t(BOOKING_STATUS_WORDS[row.status]),
                plan or "-",
            )
        self.note(note or (t("Nothing yet") if not rows else self.week))

    def selected(self) -> desk.BookingRow | None:
        table: DataTable[str] = self.query_one("#plan-list", DataTable)
        return self.rows[table.cursor_row] if self.rows and 0 <= table.cursor_row < len(self.rows) else None

    def _booked(self, booked: desk.Booked) -> None:
        plan = " ".join(
            t("{department} {minutes} min, {staff}", department=name, minutes=minutes, staff=staff)
            for name, minutes, staff in booked.plan
        )
        self.reload(
            t(
                "Booked #{booking}, code {code}; needs: {plan}",
                booking=booked.booking.booking_id,
                code=booked.booking.checkin_code,
                plan=plan,
            )
        )

    def action_run(self) -> None:
        row = self.selected()
        if row is not None:
            self.call_store(lambda conn: desk.home_visit_run(conn, row), self._run)

    def _run(self, legs: list[tuple[str, float]]) -> None:
        # Each leg translated on its own: pybabel does not extract a t() nested in another's arguments.
        stops = [t("{who} ({minutes} min)", who=who[:1] + "*", minutes=f"{minutes:.0f}") for who, minutes in legs]
        self.note(t("Run: {stops}", stops=" → ".join(stops)))

    def action_book(self) -> None:
        form = self.form()
        self.call_store(lambda conn: desk.book_from_form(conn, form, now=datetime.now(UTC)), self._booked)

    def action_confirm(self) -> None:
        row, form = self.selected(), self.form()
        if row is not None:
            self.call_store(
                lambda conn: desk.confirm_request_from_form(conn, row, form, now=datetime.now(UTC)), self._booked
            )

    def action_reschedule(self) -> None:
        row, form = self.selected(), self.form()
        if row is not None:
            self.call_store(
                lambda conn: desk.reschedule_from_form(conn, row, form, now=datetime.now(UTC)),
                lambda booked: self.reload(
                    t(
                        "Booking #{booking} moved to {day} {half}",
                        booking=booked.booking.booking_id,
                        day=f"{booked.booking.day:%m-%d}",
                        half=t(HALF_DAY_WORDS[booked.booking.half]),
                    )
                ),
            )

    def action_cancel_booking(self) -> None:
        row = self.selected()
        if row is not None:
            self.call_store(
                lambda conn: desk.cancel_booking(conn, row, now=datetime.now(UTC)),
                lambda _: self.reload(pt("plan.note", "Cancelled")),
            )
