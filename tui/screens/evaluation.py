"""The evaluation (考评) of staff or windows over a period, ranked by the configured weights.

P sets the period (this month so far to begin with), W switches between staff and
windows (departments), Ctrl+E writes the ranking as CSV under data_dir/exports/.
The score is db.metrics.evaluate with the weights of [evaluation] in govan.toml.
"""

from __future__ import annotations

from datetime import date

import msgspec
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from db import clock, metrics, report_export
from db.errors import StoreError
from db.metrics import Evaluation, EvaluationWeights
from tui import figure_format as fmt
from tui.i18n import t
from tui.problems import describe
from tui.screens.base import VanScreen
from tui.screens.summary import exports_dir
from tui.widgets.ask_text import AskText

COLUMNS = ("evaluation.col.rank", "evaluation.col.name", "evaluation.col.trips", "evaluation.col.cases",
           "evaluation.col.completion", "evaluation.col.satisfaction", "evaluation.col.praise",
           "evaluation.col.cooperation", "evaluation.col.score")


def parse_period(text: str) -> tuple[date, date] | None:
    """'2026-11-01 2026-11-30' (or one day) → the period, or None if it does not read."""
    parts = text.replace("~", " ").replace("—", " ").split()
    try:
        days = [date.fromisoformat(part) for part in parts]
    except ValueError:
        return None
    if len(days) == 1:
        days *= 2
    if len(days) != 2 or days[0] > days[1]:
        return None
    return days[0], days[1]


class EvaluationScreen(VanScreen):
    BINDINGS = [
        Binding("p", "period", "evaluation.key.period"),
        Binding("w", "switch", "evaluation.key.switch"),
        Binding("ctrl+e", "export", "evaluation.key.export"),
        Binding("escape", "back", "key.back"),
    ]
    DEFAULT_CSS = """
    EvaluationScreen #evaluation-head { height: auto; padding: 0 1; background: $boost; }
    EvaluationScreen #evaluation-table { height: 1fr; }
    EvaluationScreen #evaluation-outcome { height: auto; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        today = clock.local_date(clock.utc_now(), self.govan.config.tz)
        self.date_from, self.date_to = today.replace(day=1), today
        self.by: str = "staff"
        self.weights = EvaluationWeights(**msgspec.structs.asdict(self.govan.config.evaluation))
        self.ranking: list[Evaluation] = []

    def compose_body(self) -> ComposeResult:
        with Vertical():
            yield Static(id="evaluation-head")
            yield DataTable(id="evaluation-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="evaluation-outcome")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key in COLUMNS:
            table.add_column(t(key), key=key)
        self.refresh_view()
        table.focus()

    def refresh_view(self) -> None:
        try:
            self.ranking = metrics.evaluate(self.govan.store, self.date_from, self.date_to, self.weights,
                                            by=self.by)  # type: ignore[arg-type]
        except StoreError as error:
            self.ranking = []
            self._say(Text(describe(error.problem), style="bold red"))
        w = self.weights
        head = Text().append(t("evaluation.title", by=t("evaluation.by." + self.by), start=self.date_from.isoformat(),
                               end=self.date_to.isoformat()) + "\n", style="bold")
        head.append(t("evaluation.weights", trips=w.trips, cases=w.cases, completion=w.completion,
                      satisfaction=w.satisfaction, praise=w.praise, cooperation=w.cooperation), style="dim")
        self.query_one("#evaluation-head", Static).update(head)
        table = self.query_one(DataTable)
        table.clear()
        for e in self.ranking:
            table.add_row(
                str(e.rank), e.name, str(e.trips), str(e.cases), fmt.rate(e.completion_rate),
                fmt.rate(e.satisfaction_rate), fmt.rate(e.praise_rate),
                "—" if e.cooperation is None else f"{e.cooperation:.1f}", Text(f"{e.score:.1f}", style="bold"),
                key=str(e.key))
        if not self.ranking:
            self._say(Text(t("evaluation.nobody"), style="dim"))

    def _say(self, text: Text) -> None:
        self.query_one("#evaluation-outcome", Static).update(text)

    def action_period(self) -> None:
        def done(answer: str | None) -> None:
            if answer is None:
                return
            period = parse_period(answer)
            if period is None:
                self._say(Text(t("evaluation.bad_period"), style="bold red"))
                return
            self.date_from, self.date_to = period
            self._say(Text(""))
            self.refresh_view()

        current = f"{self.date_from.isoformat()} {self.date_to.isoformat()}"
        self.app.push_screen(AskText(t("evaluation.ask_period"), current), done)

    def action_switch(self) -> None:
        self.by = "department" if self.by == "staff" else "staff"
        self._say(Text(""))
        self.refresh_view()

    def action_export(self) -> None:
        name = f"evaluation-{self.by}-{self.date_from.isoformat()}-{self.date_to.isoformat()}.csv"
        path = exports_dir(self.govan.config.data_path) / name
        try:
            report_export.write_evaluation(self.ranking, path)
        except OSError as error:
            self._say(Text(t("summary.export_failed", detail=str(error)), style="bold red"))
            return
        self._say(Text(t("evaluation.exported", path=str(path)), style="green"))

    def action_back(self) -> None:
        self.app.pop_screen()
