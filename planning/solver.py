"""The week's draft as an assignment problem, solved with OR-Tools CP-SAT.

Decision: x[van, half-day, stop] = 1 when that van serves that stop on that half-day. Rules:
- one stop per trip: a van's half-day holds at most one stop, and a stop sees at most one van
  per half-day; a van goes to at most `stops_per_day` stops a day (1: the rest of the day is kept
  for appointments);
- each stop at most `visits` times in the week (1 by default: the fleet spreads out);
- crews' days off, and half-days the dispatcher has already filled (a home-visit run, a themed
  session, a pinned stop) take no drafted stop;
- each van keeps at least `free_per_van` weekday half-days free for appointments;
- weekends are off-hours trips (错时服务) to stops where people are at the weekend (communities and
  commercial areas), at most `weekend_per_van` per van, and at least `weekend_min` for the fleet
  when anyone can go;
- a stop that is not open on a day is never drafted there.
Objective: the most demand served. A stop's demand weighs its past tickets per visit, the
requests waiting for it and the days since its last visit (capped), so a stop long unvisited
climbs up the list; industrial parks and enterprises score a little better on weekdays, when
their people are at work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ortools.sat.python import cp_model

from core.plan import HalfDay

__all__ = ["Draft", "Rules", "StopDemand", "demand_score", "draft_week"]

WEEKEND_KINDS = frozenset({"community", "commercial"})
WORKPLACE_KINDS = frozenset({"industrial_park", "enterprise"})
DAYS_CAP = 60  # a stop unvisited for two months is as urgent as one never visited


@dataclass(frozen=True)
class StopDemand:
    stop_id: int
    name: str
    kind: str
    tickets_per_visit: float  # the mean of past trips' tickets there
    requests_waiting: int
    days_since_visit: int | None  # None: never visited
    visits: int = 1  # at most this many trips in the week
    closed_weekdays: frozenset[int] = frozenset()  # 0 = Monday


@dataclass(frozen=True)
class Rules:
    free_per_van: int = 2
    stops_per_day: int = 1
    weekend_per_van: int = 1
    weekend_min: int = 1
    time_limit_s: float = 5.0
    workers: int = 2


@dataclass(frozen=True)
class Draft:
    """The solver's proposal: (van, half-day) → stop_id; and how it went."""

    assignments: dict[tuple[str, HalfDay], int] = field(default_factory=dict)
    score: int = 0
    optimal: bool = False
    wall_s: float = 0.0


def demand_score(stop: StopDemand) -> int:
    """An integer weight (CP-SAT wants integers): tickets count most, then waiting requests, then neglect."""
    days = DAYS_CAP if stop.days_since_visit is None else min(stop.days_since_visit, DAYS_CAP)
    return round(10 * stop.tickets_per_visit + 15 * stop.requests_waiting + 3 * days)


def draft_week(
    vans: list[str],
    half_days: list[HalfDay],
    stops: list[StopDemand],
    *,
    days_off: frozenset[tuple[str, date]] = frozenset(),
    taken: frozenset[tuple[str, HalfDay]] = frozenset(),
    rules: Rules | None = None,
) -> Draft:
    """Draft stops into the free half-days of each van. `taken` half-days keep what the dispatcher put there."""
    rules = rules or Rules()
    model = cp_model.CpModel()
    x: dict[tuple[str, HalfDay, int], cp_model.IntVar] = {}
    for van in vans:
        for slot in half_days:
            if (van, slot.day) in days_off or (van, slot) in taken:
                continue
            for stop in stops:
                if slot.day.weekday() in stop.closed_weekdays:
                    continue
                if slot.weekend and stop.kind not in WEEKEND_KINDS:
                    continue
                x[van, slot, stop.stop_id] = model.new_bool_var(f"x_{van}_{slot.key}_{stop.stop_id}")
    by_van_slot: dict[tuple[str, HalfDay], list[cp_model.IntVar]] = {}
    by_stop_slot: dict[tuple[int, HalfDay], list[cp_model.IntVar]] = {}
    by_stop: dict[int, list[cp_model.IntVar]] = {}
    weekend_by_van: dict[str, list[cp_model.IntVar]] = {}
    for (van, slot, stop_id), var in x.items():
        by_van_slot.setdefault((van, slot), []).append(var)
        by_stop_slot.setdefault((stop_id, slot), []).append(var)
        by_stop.setdefault(stop_id, []).append(var)
        if slot.weekend:
            weekend_by_van.setdefault(van, []).append(var)
    for group in (*by_van_slot.values(), *by_stop_slot.values()):
        model.add_at_most_one(group)
    by_van_day: dict[tuple[str, date], list[cp_model.IntVar]] = {}
    for (van, slot, _), var in x.items():
        by_van_day.setdefault((van, slot.day), []).append(var)
    for group in by_van_day.values():
        model.add(sum(group) <= rules.stops_per_day)
    for stop in stops:
        if stop.stop_id in by_stop:
            model.add(sum(by_stop[stop.stop_id]) <= stop.visits)
    for van in vans:
        model.add(sum(weekend_by_van.get(van, [])) <= rules.weekend_per_van)
        weekday_open = [
            slot
            for slot in half_days
            if not slot.weekend and (van, slot.day) not in days_off and (van, slot) not in taken
        ]
        # Keep `free_per_van` of the van's open weekday half-days free (fewer if it has fewer).
        drafted = [var for slot in weekday_open for var in by_van_slot.get((van, slot), [])]
        model.add(sum(drafted) <= max(0, len(weekday_open) - rules.free_per_van))
    weekend_all = [var for group in weekend_by_van.values() for var in group]
    if weekend_all:
        model.add(sum(weekend_all) >= min(rules.weekend_min, len(vans)))
    weights = {stop.stop_id: demand_score(stop) for stop in stops}
    kinds = {stop.stop_id: stop.kind for stop in stops}
    urgency = {
        stop.stop_id: DAYS_CAP if stop.days_since_visit is None else min(stop.days_since_visit, DAYS_CAP)
        for stop in stops
    }
    order = {slot: position for position, slot in enumerate(half_days)}
    # Demand first (x1000); then workplaces on weekdays; then the longest-unvisited stops earliest in the week,
    # which also breaks the ties between equal plans so the same input drafts the same week.
    model.maximize(
        sum(
            var
            * (
                weights[stop_id] * 1000
                + (500 if kinds[stop_id] in WORKPLACE_KINDS and not slot.weekend else 0)
                + urgency[stop_id] * (len(half_days) - order[slot])
            )
            for (van, slot, stop_id), var in x.items()
        )
    )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = rules.time_limit_s
    solver.parameters.num_workers = rules.workers
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Draft(wall_s=solver.wall_time)
    chosen = {(van, slot): stop_id for (van, slot, stop_id), var in x.items() if solver.value(var)}
    served = sum(weights[stop_id] for stop_id in chosen.values())
    return Draft(chosen, served, status == cp_model.OPTIMAL, solver.wall_time)
