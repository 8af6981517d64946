"""The evaluation (考评) of staff or windows over a period, ranked by the configured weights.

The score is db.metrics.evaluate with the weights of [evaluation] in govan.toml; the period
starts as this month so far, and the ranking exports as CSV under data_dir/exports/.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Literal

import msgspec

from core.problems import Code, Problem
from db import metrics, report_export
from db.errors import StoreError
from db.metrics import Evaluation, EvaluationWeights
from flows.summary import exports_dir
from flows.van import Van

__all__ = ["Evaluation", "EvaluationFlow", "EvaluationWeights", "parse_period"]

By = Literal["staff", "department"]


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


class EvaluationFlow:
    def __init__(self, van: Van) -> None:
        self.van = van
        today = van.now().date()
        self.date_from, self.date_to = today.replace(day=1), today
        self.by: By = "staff"
        self.weights = EvaluationWeights(**msgspec.structs.asdict(van.config.evaluation))
        self.ranking: list[Evaluation] = []

    def refresh(self) -> Problem | None:
        try:
            self.ranking = metrics.evaluate(self.van.store, self.date_from, self.date_to, self.weights, by=self.by)
        except StoreError as error:
            self.ranking = []
            return error.problem
        return None

    def set_period(self, text: str) -> Problem | None:
        period = parse_period(text)
        if period is None:
            return Problem(Code.EVALUATION_PERIOD)
        self.date_from, self.date_to = period
        return self.refresh()

    def switch(self) -> Problem | None:
        """Staff ↔ windows (departments)."""
        self.by = "department" if self.by == "staff" else "staff"
        return self.refresh()

    def export(self, name: Callable[[Evaluation], str]) -> Path | Problem:
        """The ranking as CSV under data_dir/exports/; `name` is the view's word for each row's name."""
        file_name = f"evaluation-{self.by}-{self.date_from.isoformat()}-{self.date_to.isoformat()}.csv"
        path = exports_dir(self.van) / file_name
        try:
            return report_export.write_evaluation(self.ranking, path, name)
        except OSError as error:
            return Problem(Code.EXPORT_FAILED, {"folder": str(path.parent), "reason": error.strerror or ""})
