"""7 周计划: the week on one screen, half-days down, vans across. Keys draft, publish and edit the cell."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from core.plan import WEEKDAY_NAMES, week_of
from planning import desk, week
from planning.solver import Draft
from tui.central.plan_screen import PlanScreen
from tui.i18n import t


class WeekScreen(PlanScreen):
    page = "week"
    BINDINGS = [
        Binding("left_square_bracket", "shift(-1)", "plan.key.prev"),
        Binding("right_square_bracket", "shift(1)", "plan.key.next"),
        Binding("d", "draft", "plan.key.draft"),
        Binding("p", "publish", "plan.key.publish"),
        Binding("s", "cell('stop')", "plan.key.stop"),
        Binding("f", "cell('free')", "plan.key.free"),
        Binding("h", "cell('home_visits')", "plan.key.home"),
        Binding("o", "cell('off')", "plan.key.off"),
    ]

    def __init__(self, week_name: str) -> None:
        super().__init__(name="week")
        self.week = week_name
        self.grid: desk.WeekGrid | None = None

    def compose(self) -> ComposeResult:
        yield self.head()
        yield Static(t("central.loading"), id="central-note")
        yield DataTable(id="central-table", cursor_type="cell")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def reload(self, note: str = "") -> None:
        self.call_store(lambda conn: desk.week_grid(conn, self.week), lambda grid: self.show(grid, note))

    def show(self, grid: desk.WeekGrid, note: str = "") -> None:
        self.grid = grid
        table: DataTable[str] = self.query_one("#central-table", DataTable)
        cursor = table.cursor_coordinate
        table.clear(columns=True)
        table.add_columns(t("plan.col.slot"), *grid.vans)
        for half_day, cells in grid.rows:
            label = f"{half_day.day:%m-%d} {WEEKDAY_NAMES[half_day.day.weekday()]}{t('plan.' + half_day.half)}"
            table.add_row(label, *(self._cell(cell) for cell in cells))
        if grid.rows and grid.vans:
            table.cursor_coordinate = cursor if cursor.column > 0 else cursor._replace(column=1)
        states = "  ".join(t("plan.van_state", van=van, state=self._state(grid, van)) for van in grid.vans)
        head = t("plan.week_head", week=grid.week, deadline=grid.deadline.isoformat())
        app: Any = self.app
        if grid.overdue(datetime.now(app.config.tz).date()):
            head += " " + t("plan.overdue")
        self.note(f"{head}  {states}" + (f"  {note}" if note else ""))

    @staticmethod
    def _cell(cell: desk.Cell) -> str:
        if not cell.kind:
            return t("plan.kind.none")
        text = t(f"plan.kind.{cell.kind}") + (f" {cell.label}" if cell.label else "")
        return (t("plan.edited") if cell.source == "dispatcher" else "") + text[:18]

    @staticmethod
    def _state(grid: desk.WeekGrid, van: str) -> str:
        version = grid.versions.get(van)
        if version is None:
            return t("plan.never_published")
        return t("plan.changed") if grid.changed.get(van) else t("plan.published", version=version)

    def action_shift(self, weeks: int) -> None:
        self.week = week_of(week.monday_of(self.week) + timedelta(weeks=weeks))
        self.reload()

    def action_draft(self) -> None:
        app: Any = self.app
        today = datetime.now(app.config.tz).date()
        self.call_store(lambda conn: week.draft(conn, self.week, today=today), self._drafted)

    def _drafted(self, result: Draft) -> None:
        self.reload(t("plan.drafted", trips=len(result.assignments), ms=f"{result.wall_s * 1000:.0f}",
                      optimal=t("plan.optimal") if result.optimal else ""))

    def action_publish(self) -> None:
        self.call_store(lambda conn: week.publish(conn, self.week, now=datetime.now(UTC)), self._published)

    def _published(self, done: list[week.Published]) -> None:
        if not done:
            self.reload(t("plan.nothing_changed"))
            return
        self.reload(t("plan.published_note", vans="、".join(f"{item.van_id} v{item.version}" for item in done)))

    def action_cell(self, action: str) -> None:
        grid = self.grid
        table: DataTable[str] = self.query_one("#central-table", DataTable)
        if grid is None or not grid.vans:
            return
        row, column = table.cursor_coordinate.row, max(1, table.cursor_coordinate.column)
        half_day, van = grid.rows[row][0], grid.vans[column - 1]
        self.call_store(lambda conn: desk.set_cell(conn, self.week, van, half_day, action), lambda _: self.reload())
