"""The week's draft: OR-Tools CP-SAT placing 12 stops into 14 half-days of each van.

The floor is CP-SAT solving a model of one variable with the same parameters: the solver's
own start-up, which no model of ours can go below. The goal (issue 20) is under a second.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date, timedelta

from ortools.sat.python import cp_model

from bench.figures import Figure, report
from core.plan import half_days
from planning.solver import Rules, StopDemand, draft_week

GOAL_MS = 1000.0
KINDS = ("community", "industrial_park", "commercial", "enterprise")
MONDAY = date(2026, 12, 7)


def stops(count: int) -> list[StopDemand]:
    """A city's stops with uneven demand: some busy, some waiting for requests, some long unvisited."""
    return [
        StopDemand(
            i,
            f"stop-{i}",
            KINDS[i % 4],
            15 + (i * 37) % 90,
            (i * 5) % 7,
            None if i % 5 == 0 else 3 + i * 4,
            visits=2 if i % 6 == 0 else 1,
            closed_weekdays=frozenset({2}) if i % 4 == 3 else frozenset(),
        )
        for i in range(count)
    ]


def trivial() -> None:
    model = cp_model.CpModel()
    model.maximize(model.new_bool_var("x"))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = Rules().workers
    solver.solve(model)


def timed(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return (time.perf_counter() - started) * 1000


def main(runs: int | None = None) -> None:
    runs = runs or 20
    slots = half_days(MONDAY)
    wanted = stops(12)
    results = {}
    for vans in (2, 4):
        fleet = [f"lg-{n:02d}" for n in range(1, vans + 1)]
        off = frozenset({(fleet[0], MONDAY + timedelta(days=2)), (fleet[-1], MONDAY + timedelta(days=4))})
        floor, drafted, optimal = [], [], True
        for _ in range(runs):  # interleaved, so machine load touches both alike
            floor.append(timed(trivial))
            started = time.perf_counter()
            draft = draft_week(fleet, slots, wanted, days_off=off)
            drafted.append((time.perf_counter() - started) * 1000)
            optimal = optimal and draft.optimal
        results[vans] = (statistics.median(drafted), statistics.median(floor), optimal)
        print(
            f"{vans} vans: draft median {results[vans][0]:.1f} ms, floor {results[vans][1]:.1f} ms, "
            f"optimal every time: {optimal}"
        )
    figures = []
    for vans, (value, floor_ms, optimal) in results.items():
        met = value <= GOAL_MS and optimal
        figures.append(
            Figure(
                f"plan_draft_{vans}_vans",
                f"planning: CP-SAT draft, 12 stops × 14 half-days × {vans} vans, median",
                value,
                "ms",
                floor_ms,
                "CP-SAT solving a one-variable model",
                goal="< 1000 ms, proved optimal",
                met=met,
                note="" if met else "not proved optimal within the time limit" if not optimal else "",
            )
        )
    report(*figures)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
