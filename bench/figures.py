"""What every benchmark shares: a figure with its goal and floor, percentiles, a free port.

A script prints its figures for people, then one `FIGURE {json}` line each, which
`python -m bench` collects into docs/benchmarks.md.
"""

from __future__ import annotations

import json
import socket
import statistics
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

PREFIX = "FIGURE "


@dataclass(frozen=True)
class Figure:
    name: str  # stable id, e.g. "print_latency_p99"
    label: str  # what was measured, in words
    value: float
    unit: str
    floor: float | None = None  # the best the same machine does in the same run without us
    floor_label: str = ""
    goal: str | None = None  # the goal in words, e.g. "≤ 30 ms"
    met: bool | None = None  # None when the figure has no goal
    note: str = ""  # for a missed goal: why, and what would fix it

    @property
    def ratio(self) -> float | None:
        return self.value / self.floor if self.floor else None


Verdict = Literal["met", "missed", "unstable"]


@dataclass(frozen=True)
class Repeated:
    """One figure over several runs of its script: the median, and the range it moved in."""

    runs: list[Figure]

    @property
    def figure(self) -> Figure:
        """The last run's figure: its label, unit, goal and note."""
        return self.runs[-1]

    @property
    def value(self) -> float:
        return statistics.median(run.value for run in self.runs)

    @property
    def low(self) -> float:
        return min(run.value for run in self.runs)

    @property
    def high(self) -> float:
        return max(run.value for run in self.runs)

    @property
    def floor(self) -> float | None:
        floors = [run.floor for run in self.runs if run.floor is not None]
        return statistics.median(floors) if floors else None

    @property
    def ratio(self) -> float | None:
        floor = self.floor
        return self.value / floor if floor else None

    @property
    def verdict(self) -> Verdict | None:
        """Met or missed in every run; a figure that met its goal in some runs and not in others is unstable."""
        verdicts = {run.met for run in self.runs if run.met is not None}
        if not verdicts:
            return None
        if verdicts == {True}:
            return "met"
        return "missed" if verdicts == {False} else "unstable"


def repeated(runs: Iterable[list[Figure]]) -> list[Repeated]:
    """Each figure's runs together, in the order the first run printed them."""
    by_name: dict[str, list[Figure]] = {}
    for figures in runs:
        for figure in figures:
            by_name.setdefault(figure.name, []).append(figure)
    return [Repeated(figures) for figures in by_name.values()]


def report(*figures: Figure) -> None:
    """A table for people, then the machine-readable lines."""
    width = max(len(figure.label) for figure in figures)
    print(f"{'figure':{width}}  {'value':>12}  {'floor':>12}  goal")
    for figure in figures:
        floor = f"{figure.floor:10.2f} {figure.unit}" if figure.floor is not None else ""
        verdict = "" if figure.met is None else ("  met" if figure.met else "  MISSED")
        print(f"{figure.label:{width}}  {figure.value:10.2f} {figure.unit}  {floor:>12}  {figure.goal or ''}{verdict}")
    emit(*figures)


def emit(*figures: Figure) -> None:
    for figure in figures:
        record = {key: round(value, 3) if isinstance(value, float) else value for key, value in asdict(figure).items()}
        print(PREFIX + json.dumps(record, ensure_ascii=False), flush=True)


def parse(output: str) -> list[Figure]:
    return [Figure(**json.loads(line[len(PREFIX) :])) for line in output.splitlines() if line.startswith(PREFIX)]


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile of a non-empty sample."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
