"""The evaluation (考评) of staff or windows over a period, ranked by the configured weights.

P sets the period (this month so far to begin with), W switches between staff and
windows (departments), Ctrl+E writes the ranking as CSV under data_dir/exports/.
The ranking is flows.evaluation's: db.metrics.evaluate with the weights of [evaluation].
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from core.problems import Problem
from flows.evaluation import EvaluationFlow
from tui import figure_format as fmt
from tui.i18n import N_, NC_, t
from tui.names import name_of
from tui.problems import describe
from tui.screens.base import VanScreen
from tui.terms import EVALUATION_BY_WORDS
from tui.widgets.ask_text import AskText

COLUMNS = (
    N_("Rank"),
    NC_("evaluation.col.name", "Name"),
    NC_("evaluation.col.trips", "Trips"),
    N_("Cases"),
    N_("Done %"),
    N_("Satisf."),
    N_("Praise"),
    N_("Coop."),
    N_("Score"),
)


class EvaluationScreen(VanScreen):
    BINDINGS = [
        Binding("p", "period", N_("Period")),
        Binding("w", "switch", N_("Staff/windows")),
        Binding("ctrl+e", "export", N_("Export CSV")),
        Binding("escape", "back", N_("Back")),
    ]
    DEFAULT_CSS = """
    EvaluationScreen #evaluation-head { height: auto; padding: 0 1; background: $boost; }
    EvaluationScreen #evaluation-table { height: 1fr; }
    EvaluationScreen #evaluation-outcome { height: auto; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.flow = EvaluationFlow(self.van)

    def compose_body(self) -> ComposeResult:
        with Vertical():
            yield Static(id="evaluation-head")
            yield DataTable(id="evaluation-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="evaluation-outcome")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key in COLUMNS:
            table.add_column(t(key), key=key)
        self.show(self.flow.refresh())
        table.focus()

    def show(self, problem: Problem | None = None) -> None:
        """The ranking as the flow has it, and what went wrong getting it, if anything."""
        flow = self.flow
        w = flow.weights
        head = Text().append(
            t(
                "Evaluation ({by}): {start} to {end}",
                by=t(EVALUATION_BY_WORDS[flow.by]),
                start=flow.date_from.isoformat(),
                end=flow.date_to.isoformat(),
            )
            + "\n",
            style="bold",
        )
        head.append(
            t(
                "Weights: trips {trips} · cases {cases} · completion {completion} · satisfaction {satisfaction} · praise {praise} · cooperation {cooperation}",
                trips=w.trips,
                cases=w.cases,
                completion=w.completion,
                satisfaction=w.satisfaction,
                praise=w.praise,
                cooperation=w.cooperation,
            ),
            style="dim",
        )
        self.query_one("#evaluation-head", Static).update(head)
        table = self.query_one(DataTable)
        table.clear()
        for e in flow.ranking:
            table.add_row(
                str(e.rank),
                name_of(e),  # a department's name in the staff's language; a person's as it is
                str(e.trips),
                str(e.cases),
                fmt.rate(e.completion_rate),
                fmt.rate(e.satisfaction_rate),
                fmt.rate(e.praise_rate),
                "—" if e.cooperation is None else f"{e.cooperation:.1f}",
                Text(f"{e.score:.1f}", style="bold"),
                key=str(e.key),
            )
        if problem is not None:
            self._say(Text(describe(problem), style="bold red"))
        elif not flow.ranking:
            self._say(Text(t("No trips in this period"), style="dim"))
        else:
            self._say(Text(""))

    def _say(self, text: Text) -> None:
        self.query_one("#evaluation-outcome", Static).update(text)

    def action_period(self) -> None:
        def done(answer: str | None) -> None:
            if answer is not None:
                self.show(self.flow.set_period(answer))

        current = f"{self.flow.date_from.isoformat()} {self.flow.date_to.isoformat()}"
        self.app.push_screen(AskText(t("Period: first and last day (e.g. 2026-11-01 2026-11-30)"), current), done)

    def action_switch(self) -> None:
        self.show(self.flow.switch())

    def action_export(self) -> None:
        path = self.flow.export(name_of)  # a department's name in the staff's language
        if isinstance(path, Problem):
            self._say(Text(t("Export failed: {detail}", detail=describe(path)), style="bold red"))
            return
        self._say(Text(t("Exported {path}", path=str(path)), style="green"))

    def action_back(self) -> None:
        self.app.pop_screen()
