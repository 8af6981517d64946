"""The centre's plan as the captain sees it (P from the captain's screen): what changed since last looked
(A marks it seen), this week and next, and today's bookings with the home visits' addresses."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from rich.cells import cell_len, set_cell_size
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from flows.plan import PlanView, plan_view, seen
from tui.i18n import N_, pt, t
from tui.names import name_of
from tui.screens.base import VanScreen
from tui.terms import BOOKING_KIND_WORDS, HALF_DAY_WORDS, NEED_WORDS, PLAN_VIEW_KIND_WORDS, WEEKDAY_WORDS

GROUP_CELLS = 12  # a group's name is long ("新城工业园某企业新入职员工"): the address beside it matters more


def _clip(text: str, cells: int) -> str:
    return text if cell_len(text) <= cells else set_cell_size(text, cells - 1) + "…"


def _slot_text(slot: dict[str, Any] | None) -> str:
    if slot is None:
        return pt("plan.slot", "(none)")
    kind: str = slot["kind"]
    what = t(PLAN_VIEW_KIND_WORDS[kind])
    where = slot.get("session") or slot.get("stop") or ""
    return f"{what} {where}".strip()


class PlanScreen(VanScreen):
    BINDINGS = [
        Binding("a", "seen", N_("Seen")),
        Binding("escape", "back", N_("Back")),
    ]
    DEFAULT_CSS = """
    PlanScreen #plan-changes { height: auto; max-height: 6; padding: 0 1; background: $boost; }
    PlanScreen #plan-week { height: 1fr; }
    PlanScreen #plan-bookings { height: auto; max-height: 7; border-top: solid $primary-darken-2; }
    """

    def compose_body(self) -> ComposeResult:
        with Vertical():
            yield Static(id="plan-changes")
            yield DataTable(id="plan-week", cursor_type="row", zebra_stripes=True)
            yield DataTable(id="plan-bookings", cursor_type="row")

    def on_mount(self) -> None:
        week_table: DataTable[str] = self.query_one("#plan-week", DataTable)
        week_table.add_columns(
            pt("plan.col", "Day"), pt("plan.col", "Time"), pt("plan.col", "Plan"), pt("plan.col", "Note")
        )
        bookings: DataTable[str] = self.query_one("#plan-bookings", DataTable)
        bookings.add_columns(
            pt("plan.col", "Time"),
            pt("plan.col", "Kind"),
            pt("plan.col", "Who"),
            pt("plan.col", "Needs"),
            pt("plan.col", "Address"),
            pt("plan.col", "Items"),  # last: at 80 columns what is cut is the items' tail, not where to go
        )
        self.show(plan_view(self.van))

    def show(self, view: PlanView) -> None:
        self.view = view
        if view.changes:
            lines = [t("The centre changed the plan (A: seen):")] + [
                t(
                    "{day} {half}: {before} → {after}",
                    day=change.day[5:],
                    half=t(HALF_DAY_WORDS[change.half]),
                    before=_slot_text(change.before),
                    after=_slot_text(change.after),
                )
                for _, change in view.changes[:5]
            ]
        elif view.unseen:
            weeks = pt("list separator", ", ").join(plan.week for plan in view.unseen)
            lines = [t("New week plan received: {weeks} (A: seen)", weeks=weeks)]
        else:
            lines = [t("Nothing new in the plan")]
        self.query_one("#plan-changes", Static).update("\n".join(lines))
        week_table: DataTable[str] = self.query_one("#plan-week", DataTable)
        week_table.clear()
        for plan in view.weeks:
            for slot in plan.slots:
                day = slot["day"]
                weekday = t(WEEKDAY_WORDS[date.fromisoformat(day).weekday()])
                week_table.add_row(
                    f"{day[5:]} {weekday}", f"{slot['start']}–{slot['end']}", _slot_text(slot), slot.get("note") or ""
                )
        bookings: DataTable[str] = self.query_one("#plan-bookings", DataTable)
        bookings.clear()
        for booking in view.bookings:
            local = datetime.fromisoformat(booking.scheduled_at).astimezone(self.van.config.tz)
            bookings.add_row(
                f"{local:%H:%M}",
                t(BOOKING_KIND_WORDS[booking.kind]),
                _clip(booking.group_name, GROUP_CELLS) if booking.group_name else booking.who,
                pt("list separator", ", ").join(
                    t(NEED_WORDS[need]) if need in NEED_WORDS else need for need in booking.needs
                ),
                booking.address or "",
                pt("list separator", ", ").join(
                    item if isinstance(item, str) else name_of(item) for item in view.items_of(booking)
                ),
            )

    def action_seen(self) -> None:
        seen(self.van, self.view)
        self.show(plan_view(self.van))

    def action_back(self) -> None:
        self.app.pop_screen()
