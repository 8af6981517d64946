"""7 周计划: the week on one screen, half-days down, vans across. Keys draft, publish and edit the cell."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from core.plan import week_of
from planning import desk, week
from planning.solver import Draft
from tui.central.plan_screen import PlanScreen, head
from tui.i18n import N_, NC_, pt, t
from tui.terms import HALF_DAY_WORDS, PLAN_KIND_WORDS, WEEKDAY_WORDS
from tui.widgets.key_bar import KeyBar


class WeekScreen(PlanScreen):
    page = "week"
    BINDINGS = [
        Binding("left_square_bracket", "shift(-1)", N_("prev week")),
        Binding("right_square_bracket", "shift(1)", N_("next week")),
        Binding("d", "draft", N_("draft")),
        Binding("p", "publish", NC_("plan.key", "publish")),
        Binding("s", "cell('stop')", N_("next stop")),
        Binding("f", "cell('free')", NC_("plan.key", "free")),
        Binding("h", "cell('home_visits')", NC_("plan.key", "home visits")),
        Binding("o", "cell('off')", N_("day off")),
    ]

    def __init__(self, week_name: str) -> None:
        super().__init__(name="week")
        self.week = week_name
        self.grid: desk.WeekGrid | None = None

    def compose(self) -> ComposeResult:
        yield head(self.page)
        yield Static(t("Loading…"), id="central-note")
        yield DataTable(id="central-table", cursor_type="cell")
        yield KeyBar()

    def on_mount(self) -> None:
        self.reload()

    def reload(self, note: str = "") -> None:
        self.call_store(lambda conn: desk.week_grid(conn, self.week), lambda grid: self.show(grid, note))

    def show(self, grid: desk.WeekGrid, note: str = "") -> None:
        self.grid = grid
        table: DataTable[str] = self.query_one("#central-table", DataTable)
        cursor = table.cursor_coordinate
        table.clear(columns=True)
        table.add_columns(pt("plan.col", "Half-day"), *grid.vans)
        for half_day, cells in grid.rows:
            weekday, half = WEEKDAY_WORDS[half_day.day.weekday()], HALF_DAY_WORDS[half_day.half]
            label = pt(
                "plan.slot", "{date} {weekday} {half}", date=f"{half_day.day:%m-%d}", weekday=t(weekday), half=t(half)
            )
            table.add_row(label, *(self._cell(cell) for cell in cells))
        if grid.rows and grid.vans:
            table.cursor_coordinate = cursor if cursor.column > 0 else cursor._replace(column=1)
        states = "  ".join(t("{van}: {state}", van=van, state=self._state(grid, van)) for van in grid.vans)
        head = t("{week}  publish by {deadline}", week=grid.week, deadline=grid.deadline.isoformat())
        app: Any = self.app
        if grid.overdue(datetime.now(app.config.tz).date()):
            head += " " + t("[red]past the deadline[/red]")
        self.note(f"{head}  {states}" + (f"  {note}" if note else ""))

    @staticmethod
    def _cell(cell: desk.Cell) -> str:
        if not cell.kind:
            return "—"
        text = t(PLAN_KIND_WORDS[cell.kind]) + (f" {cell.label}" if cell.label else "")
        return ("✎" if cell.source == "dispatcher" else "") + text[:18]

    @staticmethod
    def _state(grid: desk.WeekGrid, van: str) -> str:
        version = grid.versions.get(van)
        if version is None:
            return t("not published")
        return (
            t("changed since published") if grid.changed.get(van) else t("version {version} published", version=version)
        )

    def action_shift(self, weeks: int) -> None:
        self.week = week_of(week.monday_of(self.week) + timedelta(weeks=weeks))
        self.reload()

    def action_draft(self) -> None:
        app: Any = self.app
        today = datetime.now(app.config.tz).date()
        self.call_store(lambda conn: week.draft(conn, self.week, today=today), self._drafted)

    def _drafted(self, result: Draft) -> None:
        self.reload(
            t(
                "Drafted: {trips} stop trips, {ms} ms{optimal}",
                trips=len(result.assignments),
                ms=f"{result.wall_s * 1000:.0f}",
                optimal=t(" (optimal)") if result.optimal else "",
            )
        )

    def action_publish(self) -> None:
        self.call_store(lambda conn: week.publish(conn, self.week, now=datetime.now(UTC)), self._published)

    def _published(self, done: list[week.Published]) -> None:
        if not done:
            self.reload(t("No van's week changed; nothing to publish"))
            return
        self.reload(t("Published: {vans}", vans="、".join(f"{item.van_id} v{item.version}" for item in done)))

    def action_cell(self, action: str) -> None:
        grid = self.grid
        table: DataTable[str] = self.query_one("#central-table", DataTable)
        if grid is None or not grid.vans:
            return
        row, column = table.cursor_coordinate.row, max(1, table.cursor_coordinate.column)
        half_day, van = grid.rows[row][0], grid.vans[column - 1]
        self.call_store(lambda conn: desk.set_cell(conn, self.week, van, half_day, action), lambda _: self.reload())
