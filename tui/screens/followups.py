"""差评 follow-ups (回访、整改、反馈): open ones by deadline, the overdue ones in red.

Every 差评 gets a callback (100% for named ratings, shown as a figure), a fix and a
report back, within the configured working days. B records the callback, X the fix,
R the report back (which closes it); each asks what was done.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from db import clock, followups, metrics, ratings
from db.errors import StoreError
from db.followups import FollowUpLine
from tui import figure_format as fmt
from tui.i18n import t
from tui.problems import describe
from tui.screens.base import VanScreen
from tui.widgets.ask_text import AskText

STEPS = {
    "callback": (ratings.record_callback, ("open",)),
    "fix": (ratings.record_fix, ("open", "called_back")),
    "report": (ratings.report_back, ("fixed",)),
}
STATE_STYLE = {"open": "red", "called_back": "yellow", "fixed": "cyan", "closed": "green"}


class FollowUpsScreen(VanScreen):
    BINDINGS = [
        Binding("b", "step('callback')", "followups.key.callback"),
        Binding("x", "step('fix')", "followups.key.fix"),
        Binding("r", "step('report')", "followups.key.report"),
        Binding("a", "toggle_closed", "followups.key.all"),
        Binding("escape", "back", "key.back"),
    ]
    DEFAULT_CSS = """
    FollowUpsScreen #followups-figure { height: auto; padding: 0 1; background: $boost; }
    FollowUpsScreen #followups-table { height: 1fr; }
    FollowUpsScreen #followups-detail { height: auto; max-height: 7; padding: 0 1;
                                        border-top: solid $primary-darken-2; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.show_closed = False
        self.lines: list[FollowUpLine] = []

    @property
    def today(self) -> date:
        return clock.local_date(clock.utc_now(), self.govan.config.tz)

    def compose_body(self) -> ComposeResult:
        with Vertical():
            yield Static(id="followups-figure")
            yield DataTable(id="followups-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="followups-detail")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key in ("followups.col.deadline", "followups.col.ticket", "followups.col.state", "followups.col.rating",
                    "followups.col.named", "followups.col.staff", "followups.col.trip"):
            table.add_column(t(key), key=key)
        self.refresh_view()
        table.focus()

    def refresh_view(self) -> None:
        store, today = self.govan.store, self.today
        self.lines = followups.list_lines(store, open_only=not self.show_closed)
        self.query_one("#followups-figure", Static).update(self._figure(today))
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for line in self.lines:
            overdue = line.overdue(today)
            late = "bold red" if overdue else ""
            deadline = line.follow_up.deadline.isoformat() + (" " + t("summary.overdue") if overdue else "")
            state = line.follow_up.status
            table.add_row(
                Text(deadline, style=late), Text(line.ticket, style=late),
                Text(t("followups.state." + state), style=STATE_STYLE[state]), f"{line.score} {line.level}",
                t("summary.yes") if line.named else t("summary.no"), line.staff_name or "—",
                line.trip_date.isoformat(), key=str(line.follow_up.id))
        if self.lines:
            table.move_cursor(row=min(row, len(self.lines) - 1))
        self._show_detail()
        self.refresh_bindings()

    def _figure(self, today: date) -> Text:
        """The named-差评 callback rule as a figure, for this year so far."""
        year = metrics.figures(self.govan.store, "overall", date_from=date(today.year, 1, 1), date_to=today)
        overall = year[0].figures if year else None
        named = overall.named_bad_reviews if overall else 0
        called = overall.named_bad_called_back if overall else 0
        rate = overall.named_bad_callback_rate if overall else None
        text = Text(t("followups.rule", year=today.year, called=called, named=named, rate=fmt.rate(rate)),
                    style="bold green" if rate in (None, 1.0) else "bold red")
        open_lines = [line for line in self.lines if line.follow_up.status != "closed"]
        overdue = sum(1 for line in open_lines if line.overdue(today))
        text.append("   " + t("followups.counts", open=len(open_lines), overdue=overdue),
                    style="bold red" if overdue else "")
        return text

    def _current(self) -> FollowUpLine | None:
        if not self.lines:
            return None
        return self.lines[min(self.query_one(DataTable).cursor_row, len(self.lines) - 1)]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()
        self.refresh_bindings()

    def _show_detail(self) -> None:
        line = self._current()
        detail = self.query_one("#followups-detail", Static)
        if line is None:
            detail.update(Text(t("followups.none"), style="dim"))
            return
        tz = self.govan.config.tz
        f = line.follow_up
        text = Text(t("followups.comment", ticket=line.ticket, stop=line.stop_name, comment=line.comment or "—") + "\n")
        for step, at, note in (("callback", f.callback_at, f.callback_note), ("fix", f.fix_at, f.fix_note),
                               ("report", f.report_at, f.report_note)):
            if at:
                text.append(t("followups.done." + step, time=fmt.stored_time(at, tz, "%m-%d %H:%M"), note=note or "")
                            + "\n")
        detail.update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "step":
            # A step that does not fit now stays in the footer, dimmed, so people learn the keys.
            line = self._current() if self.is_mounted else None
            return True if line is not None and line.follow_up.status in STEPS[str(parameters[0])][1] else None
        return True

    def action_step(self, step: str) -> None:
        line = self._current()
        session = self.govan.session
        if line is None or session is None:
            return
        record, _ = STEPS[step]

        def done(note: str | None) -> None:
            if not note:
                return
            try:
                record(self.govan.store, line.follow_up.id, session.staff.id, note)
            except StoreError as error:
                self.notify(describe(error.problem), title=t("followups.cannot"), severity="error")
            self.refresh_view()

        self.app.push_screen(AskText(t("followups.ask." + step, ticket=line.ticket)), done)

    def action_toggle_closed(self) -> None:
        self.show_closed = not self.show_closed
        self.refresh_view()

    def action_back(self) -> None:
        self.app.pop_screen()
