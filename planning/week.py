"""The week plan in the central store: stops and their demand, the vans and their days off, the
solver's draft, the dispatcher's edits, and publishing each van's week down to it.

Every function takes a psycopg connection and commits what it changed before it returns. A half-day the dispatcher set (`source = 'dispatcher'`) is never overwritten
by a new draft; the solver fills the rest.

Publishing compares each van's week with what it last received; only a van whose week changed
gets a new version (`plan.week` on central/down, with the whole week and what changed), so
publishing again after an edit notifies exactly the vans concerned. A van that is offline gets
every version when it comes back (down_outbox keeps them) and keeps the newest.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from core.plan import SLOT_KINDS, HalfDay, diff_slots, half_days, hours_of, parse_week, week_of
from planning.errors import PlanCode, PlanningError
from planning.solver import Draft, Rules, StopDemand, draft_week

__all__ = [
    "PLAN_WEEK",
    "Published",
    "SlotLine",
    "StopLine",
    "VanWeek",
    "add_stop",
    "deadline_of",
    "demand",
    "draft",
    "monday_of",
    "publish",
    "published",
    "set_day_off",
    "set_slot",
    "set_van",
    "stops",
    "vans",
    "week_plan",
]

PLAN_WEEK = "plan.week"  # the down kind carrying a van's week
DEMAND_DAYS = 180  # past trips counted for a stop's tickets per visit


def monday_of(week: str) -> date:
    try:
        return parse_week(week)
    except ValueError:
        raise PlanningError(PlanCode.WEEK_FORM, week=week[:20]) from None


def deadline_of(week: str) -> date:
    """Planned a week ahead (提前一周): the week must be published by the Friday before it."""
    return monday_of(week) - timedelta(days=3)


@dataclass(frozen=True)
class StopLine:
    stop_id: int
    name: str
    kind: str
    address: str
    lat: float | None
    lon: float | None
    requests_waiting: int


def add_stop(
    conn: psycopg.Connection[Any],
    name: str,
    kind: str,
    *,
    address: str = "",
    lat: float | None = None,
    lon: float | None = None,
    requests_waiting: int = 0,
    visits: int = 1,
    closed_weekdays: tuple[int, ...] = (),
) -> int:
    """A stop (community service centre, industrial park, commercial area, key enterprise); returns its id.
    Adding a stop by a name already known updates it."""
    if kind not in ("community", "industrial_park", "commercial", "enterprise"):
        raise PlanningError(PlanCode.SLOT_KIND, kind=kind[:20])
    row = conn.execute(
        """INSERT INTO plan_stops (name, kind, address, lat, lon, requests_waiting, visits, closed_weekdays)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
           ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, address = excluded.address, lat = excluded.lat,
               lon = excluded.lon, requests_waiting = excluded.requests_waiting, visits = excluded.visits,
               closed_weekdays = excluded.closed_weekdays
           RETURNING stop_id""",
        [name.strip(), kind, address, lat, lon, requests_waiting, visits, list(closed_weekdays)],
    ).fetchone()
    assert row is not None
    conn.commit()
    return int(row[0])


def stops(conn: psycopg.Connection[Any]) -> list[StopLine]:
    rows = conn.execute(
        "SELECT stop_id, name, kind, address, lat, lon, requests_waiting FROM plan_stops ORDER BY stop_id"
    ).fetchall()
    return [StopLine(*row) for row in rows]


def set_van(
    conn: psycopg.Connection[Any],
    van_id: str,
    *,
    crew: dict[str, int] | None = None,
    depot: tuple[float, float] | None = None,
) -> None:
    """A van in the plan, its standing crew (staff per department) and its depot (WGS-84)."""
    conn.execute(
        """INSERT INTO plan_vans (van_id, depot_lat, depot_lon, crew) VALUES (%s, %s, %s, %s)
           ON CONFLICT (van_id) DO UPDATE SET depot_lat = COALESCE(excluded.depot_lat, plan_vans.depot_lat),
               depot_lon = COALESCE(excluded.depot_lon, plan_vans.depot_lon), crew = excluded.crew""",
        [van_id, depot[0] if depot else None, depot[1] if depot else None, Jsonb(crew or {})],
    )
    conn.commit()


def vans(conn: psycopg.Connection[Any]) -> list[str]:
    return [row[0] for row in conn.execute("SELECT van_id FROM plan_vans ORDER BY van_id").fetchall()]


def _known_van(conn: psycopg.Connection[Any], van_id: str) -> None:
    if conn.execute("SELECT 1 FROM plan_vans WHERE van_id = %s", [van_id]).fetchone() is None:
        raise PlanningError(PlanCode.UNKNOWN_VAN, van=van_id[:32])


def set_day_off(conn: psycopg.Connection[Any], van_id: str, day: date, off: bool = True) -> None:
    """The crew's day off: no trip that day; a draft leaves it as `off`."""
    _known_van(conn, van_id)
    if off:
        conn.execute("INSERT INTO crew_days_off (van_id, day) VALUES (%s, %s) ON CONFLICT DO NOTHING", [van_id, day])
        conn.execute(
            "UPDATE plan_slots SET kind = 'off', stop_id = NULL, session_id = NULL, source = 'dispatcher' "
            "WHERE van_id = %s AND day = %s",
            [van_id, day],
        )
    else:
        conn.execute("DELETE FROM crew_days_off WHERE van_id = %s AND day = %s", [van_id, day])
        conn.execute("DELETE FROM plan_slots WHERE van_id = %s AND day = %s AND kind = 'off'", [van_id, day])
    conn.commit()


def demand(conn: psycopg.Connection[Any], today: date) -> list[StopDemand]:
    """Each stop's demand: tickets per visit over the last DEMAND_DAYS, requests waiting, days since the last visit.
    Trips are matched to stops by name (the van names its stop)."""
    rows = conn.execute(
        """SELECT s.stop_id, s.name, s.kind, s.requests_waiting, s.visits, s.closed_weekdays,
                  COALESCE(avg(t.tickets) FILTER (WHERE t.trip_date >= %s::date - %s), 0),
                  max(t.trip_date)
           FROM plan_stops s LEFT JOIN trips t ON t.stop = s.name
           GROUP BY s.stop_id ORDER BY s.stop_id""",
        [today, DEMAND_DAYS],
    ).fetchall()
    return [
        StopDemand(
            stop_id,
            name,
            kind,
            float(tickets),
            requests,
            None if last is None else (today - last).days,
            visits,
            frozenset(closed or ()),
        )
        for stop_id, name, kind, requests, visits, closed, tickets, last in rows
    ]


def draft(conn: psycopg.Connection[Any], week: str, *, today: date, rules: Rules | None = None) -> Draft:
    """Draft the week: the solver's half-days are replaced, the dispatcher's kept; days off become `off`, the
    half-days left become `free` (kept for appointments)."""
    monday = monday_of(week)
    slots = half_days(monday)
    fleet = vans(conn)
    off = frozenset(
        (van, day)
        for van, day in conn.execute(
            "SELECT van_id, day FROM crew_days_off WHERE day BETWEEN %s AND %s", [monday, monday + timedelta(days=6)]
        )
    )
    with conn.transaction():
        conn.execute("DELETE FROM plan_slots WHERE week = %s AND source = 'solver'", [week])
        kept = conn.execute(
            "SELECT van_id, day, half, kind, stop_id FROM plan_slots WHERE week = %s", [week]
        ).fetchall()
        taken = frozenset((van, HalfDay(day, half)) for van, day, half, _, _ in kept)
        # A stop the dispatcher placed this week counts against its visits.
        placed: dict[int, int] = {}
        for *_, stop_id in kept:
            if stop_id is not None:
                placed[stop_id] = placed.get(stop_id, 0) + 1
        wanted = [
            stop
            if stop.stop_id not in placed
            else StopDemand(
                stop.stop_id,
                stop.name,
                stop.kind,
                stop.tickets_per_visit,
                stop.requests_waiting,
                stop.days_since_visit,
                max(0, stop.visits - placed[stop.stop_id]),
                stop.closed_weekdays,
            )
            for stop in demand(conn, today)
        ]
        result = draft_week(fleet, slots, wanted, days_off=off, taken=taken, rules=rules or Rules())
        for van in fleet:
            for slot in slots:
                if (van, slot) in taken:
                    continue
                stop_id = result.assignments.get((van, slot))
                kind = "off" if (van, slot.day) in off else "stop" if stop_id is not None else "free"
                conn.execute(
                    """INSERT INTO plan_slots (van_id, day, half, week, kind, stop_id, source)
                                VALUES (%s, %s, %s, %s, %s, %s, 'solver')""",
                    [van, slot.day, slot.half, week, kind, stop_id],
                )
    conn.commit()  # the block above is a savepoint when the connection was already in a transaction
    return result


def set_slot(
    conn: psycopg.Connection[Any],
    van_id: str,
    day: date,
    half: str,
    kind: str,
    *,
    stop_id: int | None = None,
    session_id: int | None = None,
    note: str = "",
) -> None:
    """The dispatcher's edit of one half-day; a draft never overwrites it."""
    if kind not in SLOT_KINDS or half not in ("am", "pm"):
        raise PlanningError(PlanCode.SLOT_KIND, kind=f"{kind}/{half}"[:30])
    _known_van(conn, van_id)
    if kind in ("stop", "themed") and stop_id is None:
        raise PlanningError(PlanCode.SLOT_NEEDS_STOP)
    if (
        stop_id is not None
        and conn.execute("SELECT 1 FROM plan_stops WHERE stop_id = %s", [stop_id]).fetchone() is None
    ):
        raise PlanningError(PlanCode.UNKNOWN_STOP, stop=stop_id)
    if (
        kind != "off"
        and conn.execute("SELECT 1 FROM crew_days_off WHERE van_id = %s AND day = %s", [van_id, day]).fetchone()
    ):
        raise PlanningError(PlanCode.DAY_OFF, van=van_id, day=day.isoformat())
    conn.execute(
        """INSERT INTO plan_slots (van_id, day, half, week, kind, stop_id, session_id, note, source)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'dispatcher')
           ON CONFLICT (van_id, day, half) DO UPDATE SET kind = excluded.kind, stop_id = excluded.stop_id,
               session_id = excluded.session_id, note = excluded.note, source = 'dispatcher'""",
        [
            van_id,
            day,
            half,
            week_of(day),
            kind,
            stop_id if kind in ("stop", "themed") else None,
            session_id,
            note.strip()[:200],
        ],
    )
    conn.commit()


@dataclass(frozen=True)
class SlotLine:
    van_id: str
    day: date
    half: str
    kind: str
    stop_id: int | None
    stop: str | None
    address: str | None
    session_id: int | None
    session: str | None
    note: str
    source: str
    start: time
    end: time

    def as_dict(self) -> dict[str, Any]:
        """The shape a van receives (core.plan)."""
        return {
            "day": self.day.isoformat(),
            "half": self.half,
            "kind": self.kind,
            "start": self.start.strftime("%H:%M"),
            "end": self.end.strftime("%H:%M"),
            "stop": self.stop,
            "stop_id": self.stop_id,
            "address": self.address,
            "session": self.session,
            "session_id": self.session_id,
            "note": self.note,
        }


@dataclass(frozen=True)
class VanWeek:
    van_id: str
    slots: list[SlotLine]
    version: int | None  # the last version published, None if never
    changed: bool  # the plan differs from what the van last received


def week_plan(conn: psycopg.Connection[Any], week: str) -> list[VanWeek]:
    """Every planned van's week as it stands (drafted and edited), with what was last published."""
    monday_of(week)
    rows = conn.execute(
        """SELECT p.van_id, p.day, p.half, p.kind, p.stop_id, s.name, s.address, p.session_id, x.theme, p.note, p.source
           FROM plan_slots p LEFT JOIN plan_stops s ON s.stop_id = p.stop_id
           LEFT JOIN sessions x ON x.session_id = p.session_id
           WHERE p.week = %s ORDER BY p.van_id, p.day, p.half""",
        [week],
    ).fetchall()
    by_van: dict[str, list[SlotLine]] = {van: [] for van in vans(conn)}
    for van_id, day, half, kind, stop_id, stop, address, session_id, theme, note, source in rows:
        start, end = hours_of(HalfDay(day, half))
        by_van.setdefault(van_id, []).append(
            SlotLine(van_id, day, half, kind, stop_id, stop, address, session_id, theme, note, source, start, end)
        )
    result = []
    for van_id, slots in by_van.items():
        last = _last_publication(conn, week, van_id)
        current = [slot.as_dict() for slot in slots]
        result.append(
            VanWeek(
                van_id,
                slots,
                None if last is None else last[0],
                bool(current) and (last is None or bool(diff_slots(last[1], current))),
            )
        )
    return result


def _last_publication(conn: psycopg.Connection[Any], week: str, van_id: str) -> tuple[int, list[dict[str, Any]]] | None:
    row = conn.execute(
        """SELECT version, slots FROM plan_publications WHERE week = %s AND van_id = %s
                          ORDER BY version DESC LIMIT 1""",
        [week, van_id],
    ).fetchone()
    return None if row is None else (int(row[0]), list(row[1]))


@dataclass(frozen=True)
class Published:
    van_id: str
    version: int
    changes: int  # half-days that differ from the version before (all of them for a first version)


def publish(conn: psycopg.Connection[Any], week: str, *, now: datetime) -> list[Published]:
    """Send each van whose week changed its new version; vans with nothing new get nothing.
    PlanningError NOTHING_TO_PUBLISH when no van's week has anything in it."""
    done = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(7734020)")  # two dispatchers publishing: one after the other
        plan = week_plan(conn, week)  # read under the lock, so the versions counted are the latest
        if not any(van.slots for van in plan):
            raise PlanningError(PlanCode.NOTHING_TO_PUBLISH, week=week)
        for van in plan:
            if not van.slots:
                continue
            slots = [slot.as_dict() for slot in van.slots]
            last = _last_publication(conn, week, van.van_id)
            changes = diff_slots(last[1] if last else [], slots)
            if last is not None and not changes:
                continue
            version = 1 if last is None else last[0] + 1
            body = {
                "week": week,
                "version": version,
                "published_at": now.isoformat(timespec="seconds"),
                "slots": slots,
                "changes": [change.as_dict() for change in changes] if last else [],
            }
            conn.execute(
                """INSERT INTO plan_publications (week, van_id, version, published_at, slots, changes)
                            VALUES (%s, %s, %s, %s, %s, %s)""",
                [week, van.van_id, version, now, Jsonb(slots), Jsonb(body["changes"])],
            )
            conn.execute(
                "INSERT INTO down_outbox (van_id, msg_id, kind, body) VALUES (%s, %s, %s, %s)",
                [van.van_id, str(uuid.uuid4()), PLAN_WEEK, Jsonb(body)],
            )
            done.append(Published(van.van_id, version, len(changes)))
    conn.commit()
    return done


def published(conn: psycopg.Connection[Any], week: str) -> dict[str, tuple[int, datetime, list[dict[str, Any]]]]:
    """The latest published week of each van: van → (version, when, slots)."""
    monday_of(week)
    rows = conn.execute(
        """SELECT DISTINCT ON (van_id) van_id, version, published_at, slots FROM plan_publications
                           WHERE week = %s ORDER BY van_id, version DESC""",
        [week],
    ).fetchall()
    return {van_id: (int(version), at, list(slots)) for van_id, version, at, slots in rows}
