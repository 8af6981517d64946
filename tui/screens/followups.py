"""差评 follow-ups (回访、整改、反馈): open ones by deadline, the overdue ones in red.

Every 差评 gets a callback (100% for named ratings, shown as a figure), a fix and a report
back, within the configured working days. B records the callback, X the fix, R the report
back (which closes it); each asks what was done. A named 差评 is called back first; P shows
the number to call (an audited read). flows.followup says what may be recorded, and by whom.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from core.problems import Code, Problem
from flows.followup import Action, FollowUpFlow, FollowUpLine
from tui import figure_format as fmt
from tui.i18n import N_, t
from tui.problems import describe
from tui.screens.base import VanScreen
from tui.terms import FOLLOWUP_ASK_WORDS, FOLLOWUP_DONE_WORDS, FOLLOWUP_STATE_WORDS, RATING_LEVEL_WORDS
from tui.widgets.ask_text import AskText

STATE_STYLE = {"open": "red", "called_back": "yellow", "fixed": "cyan", "closed": "green"}
# Refusals that no turn of the follow-up changes: their keys leave the footer rather than dim.
NOT_YOURS = (Code.CAPTAIN_ONLY, Code.FOLLOW_UP_OWN_RATING)


class FollowUpsScreen(VanScreen):
    BINDINGS = [
        Binding("b", "step('callback')", N_("Callback")),
        Binding("x", "step('fix')", N_("Fix")),
        Binding("r", "step('report')", N_("Report back")),
        Binding("p", "phone", N_("Phone")),
        Binding("a", "toggle_closed", N_("Show closed")),
        Binding("escape", "back", N_("Back")),
    ]
    DEFAULT_CSS = """
    FollowUpsScreen #followups-figure { height: auto; padding: 0 1; background: $boost; }
    FollowUpsScreen #followups-table { height: 1fr; }
    FollowUpsScreen #followups-detail { height: auto; max-height: 8; padding: 0 1;
                                        border-top: solid $primary-darken-2; }
    """

    def __init__(self) -> None:
        super().__init__()
        session = self.govan.session
        assert session is not None
        self.flow = FollowUpFlow(self.van, session.staff)

    def compose_body(self) -> ComposeResult:
        with Vertical():
            yield Static(id="followups-figure")
            yield DataTable(id="followups-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="followups-detail")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key in (N_("Due"), N_("Ticket"), N_("State"), N_("Rating"), N_("Named"), N_("Staff"), N_("Trip")):
            table.add_column(t(key), key=key)
        self.refresh_view()
        table.focus()

    def refresh_view(self) -> None:
        flow = self.flow
        today = flow.today
        self.query_one("#followups-figure", Static).update(self._figure())
        table = self.query_one(DataTable)
        table.clear()
        for line in flow.lines:
            overdue = line.overdue(today)
            late = "bold red" if overdue else ""
            deadline = line.follow_up.deadline.isoformat() + (" " + t("overdue") if overdue else "")
            state = line.follow_up.status
            table.add_row(
                Text(deadline, style=late),
                Text(line.ticket, style=late),
                Text(t(FOLLOWUP_STATE_WORDS[state]), style=STATE_STYLE[state]),
                f"{line.score}★",  # its level in words is in the detail: the words would push Trip off at 80 columns
                t("yes") if line.named else t("no"),
                line.staff_name or "—",
                line.trip_date.isoformat(),
                key=str(line.follow_up.id),
            )
        if flow.selected is not None:
            table.move_cursor(row=flow.lines.index(flow.selected))
        self._show_detail()
        self.refresh_bindings()

    def _figure(self) -> Text:
        """How many are open and overdue, then the named-差评 callback rule as a figure, for this year so far.

        The counts first: where 80 columns are too few, the rule's sentence wraps, not the counts."""
        rule = self.flow.callback_rule()
        today = self.flow.today
        open_lines = [line for line in self.flow.lines if line.follow_up.status != "closed"]
        overdue = sum(1 for line in open_lines if line.overdue(today))
        text = Text(
            t("{open} open, {overdue} overdue", open=len(open_lines), overdue=overdue),
            style="bold red" if overdue else "",
        )
        text.append("   ").append(
            t(
                "Named bad reviews called back in {year}: {called}/{named} = {rate} (the rule is 100%)",
                year=rule.year,
                called=rule.called_back,
                named=rule.named,
                rate=fmt.rate(rule.rate),
            ),
            style="bold green" if rule.kept else "bold red",
        )
        return text

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.flow.select(int(event.row_key.value))
        self._show_detail()
        self.refresh_bindings()

    def _show_detail(self) -> None:
        line = self.flow.selected
        detail = self.query_one("#followups-detail", Static)
        if line is None:
            detail.update(Text(t("No bad reviews to follow up"), style="dim"))
            return
        tz = self.van.config.tz
        f = line.follow_up
        text = Text(
            t(
                "{ticket} ({stop}) rated {score} ({level}); comment: {comment}",
                ticket=line.ticket,
                stop=line.stop_name,
                score=line.score,
                level=t(RATING_LEVEL_WORDS[str(line.score)]),
                comment=line.comment or "—",
            )
            + "\n"
        )
        text.append_text(self._phone(line)).append("\n")
        for step, at, by, note in (
            ("callback", f.callback_at, line.callback_by_name, f.callback_note),
            ("fix", f.fix_at, line.fix_by_name, f.fix_note),
            ("report", f.report_at, line.report_by_name, f.report_note),
        ):
            if at:
                text.append(
                    t(
                        FOLLOWUP_DONE_WORDS[step],
                        time=fmt.stored_time(at, tz, "%m-%d %H:%M"),
                        by=by or "—",
                        note=note or "",
                    )
                    + "\n"
                )
        if f.status != "closed" and not line.overdue(self.flow.today):
            text.append(
                t(
                    "Due {deadline}: {days} working day(s) left",
                    deadline=f.deadline.isoformat(),
                    days=self.flow.working_days_left(line),
                ),
                style="dim",
            )
        refusal = self.flow.refusal(Action.CALLBACK)
        if refusal is not None and refusal.code in NOT_YOURS:
            text.append("\n").append(describe(refusal), style="yellow")
        detail.update(text)

    def _phone(self, line: FollowUpLine) -> Text:
        if not line.named:
            return Text(t("Anonymous: no number to call back"), style="dim")
        if line.masked_phone is None:
            return Text(t("No number on file to call back"), style="dim")
        if self.flow.phone is not None:
            return Text(
                t("Number to call back: {phone} (recorded in the audit log)", phone=self.flow.phone), style="bold"
            )
        return Text(
            t("Number to call back: {phone} (P shows it in full; the audit log records it)", phone=line.masked_phone)
        )

    def _allowed(self, action: Action) -> bool | None:
        """Shown and usable; shown dimmed while it is not the step's turn; gone when it is not this person's."""
        if not self.is_mounted:
            return None
        refusal = self.flow.refusal(action)
        if refusal is None:
            return True
        return False if refusal.code in NOT_YOURS else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "step":
            return self._allowed(Action(str(parameters[0])))
        if action == "phone":
            return self._allowed(Action.PHONE)
        return True

    def action_step(self, step: str) -> None:
        action = Action(step)
        line = self.flow.selected
        if line is None:
            return

        def done(note: str | None) -> None:
            if not note:
                return
            recorded = self.flow.record(action, note)
            if isinstance(recorded, Problem):
                self.notify(describe(recorded), title=t("Not recorded"), severity="error")
            self.refresh_view()

        self.app.push_screen(AskText(t(FOLLOWUP_ASK_WORDS[step], ticket=line.ticket)), done)

    def action_phone(self) -> None:
        phone = self.flow.read_phone()
        if isinstance(phone, Problem):
            self.notify(describe(phone), severity="error")
        self._show_detail()

    def action_toggle_closed(self) -> None:
        self.flow.toggle_closed()
        self.refresh_view()

    def action_back(self) -> None:
        self.app.pop_screen()
