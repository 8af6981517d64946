"""Themed sessions (菜单式专场): a theme, its items and departments, a date and stop, and a deadline for
点单 — people choose their items in advance, so the right staff come.

Creating a session puts it in the week (a `themed` half-day the draft keeps). Orders are counted
per item with no names kept; `staffing` turns them into staff per department, from item minutes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from core.plan import HalfDay, hours_of
from planning import week
from planning.errors import PlanCode, PlanningError

__all__ = ["Session", "Staffing", "create", "get", "order", "sessions_in", "staffing"]


@dataclass(frozen=True)
class Session:
    session_id: int
    theme: str
    items: list[tuple[str, str]]  # (code, name)
    departments: list[str]
    van_id: str
    day: date
    half: str
    stop: str
    address: str
    order_deadline: date

    @property
    def hours(self) -> tuple[str, str]:
        start, end = hours_of(HalfDay(self.day, self.half))  # type: ignore[arg-type]
        return start.strftime("%H:%M"), end.strftime("%H:%M")


def create(
    conn: psycopg.Connection[Any],
    theme: str,
    items: list[str],
    van_id: str,
    day: date,
    half: str,
    stop_id: int,
    order_deadline: date,
) -> Session:
    """A session, and its half-day in the week (the dispatcher's, so a draft keeps it)."""
    if not theme.strip():
        raise PlanningError(PlanCode.THEME_MISSING)
    if not items:
        raise PlanningError(PlanCode.NO_ITEMS)
    if order_deadline >= day:
        raise PlanningError(PlanCode.DEADLINE_AFTER, deadline=order_deadline.isoformat(), day=day.isoformat())
    known = dict(
        conn.execute("SELECT item_code, department FROM plan_items WHERE item_code = ANY(%s)", [items]).fetchall()
    )
    for code in items:
        if code not in known:
            raise PlanningError(PlanCode.UNKNOWN_ITEM, item=code[:40])
    departments = sorted(set(known.values()))
    # The half-day first: it checks the van, the stop and the crew's days off before anything is stored.
    week.set_slot(conn, van_id, day, half, "themed", stop_id=stop_id)
    with conn.transaction():
        row = conn.execute(
            """INSERT INTO sessions (theme, items, departments, van_id, day, half, stop_id, order_deadline)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING session_id""",
            [
                theme.strip()[:40],
                Jsonb(list(dict.fromkeys(items))),
                departments,
                van_id,
                day,
                half,
                stop_id,
                order_deadline,
            ],
        ).fetchone()
        assert row is not None
        conn.execute(
            "UPDATE plan_slots SET session_id = %s WHERE van_id = %s AND day = %s AND half = %s",
            [row[0], van_id, day, half],
        )
    conn.commit()
    return get(conn, int(row[0]))


def get(conn: psycopg.Connection[Any], session_id: int) -> Session:
    row = conn.execute(
        """SELECT x.session_id, x.theme, x.items, x.departments, x.van_id, x.day, x.half, s.name, s.address,
                  x.order_deadline
           FROM sessions x JOIN plan_stops s ON s.stop_id = x.stop_id WHERE x.session_id = %s""",
        [session_id],
    ).fetchone()
    if row is None:
        raise PlanningError(PlanCode.SESSION_NOT_FOUND, session=session_id)
    names = dict(
        conn.execute("SELECT item_code, name FROM plan_items WHERE item_code = ANY(%s)", [list(row[2])]).fetchall()
    )
    return Session(
        row[0],
        row[1],
        [(code, names.get(code, code)) for code in row[2]],
        list(row[3]),
        row[4],
        row[5],
        row[6],
        row[7],
        row[8] or row[7],
        row[9],
    )


def sessions_in(conn: psycopg.Connection[Any], start: date, end: date) -> list[Session]:
    ids = [
        row[0]
        for row in conn.execute(
            "SELECT session_id FROM sessions WHERE day BETWEEN %s AND %s ORDER BY day", [start, end]
        ).fetchall()
    ]
    return [get(conn, session_id) for session_id in ids]


def order(
    conn: psycopg.Connection[Any], session_id: int, items: list[str], *, today: date, head_count: int = 1
) -> None:
    """点单: someone's choice of items before the deadline (counted, no name kept)."""
    session = get(conn, session_id)
    if today > session.order_deadline:
        raise PlanningError(PlanCode.DEADLINE_AFTER, deadline=session.order_deadline.isoformat(), day=today.isoformat())
    offered = {code for code, _ in session.items}
    for code in items:
        if code not in offered:
            raise PlanningError(PlanCode.UNKNOWN_ITEM, item=code[:40])
    if not items:
        raise PlanningError(PlanCode.NO_ITEMS)
    if head_count < 1:
        raise PlanningError(PlanCode.HEAD_COUNT)
    conn.execute(
        "INSERT INTO session_orders (session_id, items, head_count) VALUES (%s, %s, %s)",
        [session_id, Jsonb(items), head_count],
    )
    conn.commit()


@dataclass(frozen=True)
class Staffing:
    department: str
    orders: int
    minutes: int
    staff: int  # at least one of each department the session offers


def staffing(conn: psycopg.Connection[Any], session_id: int) -> list[Staffing]:
    """Who must come, from what was ordered: each department's minutes ÷ the half-day's minutes, at least one."""
    session = get(conn, session_id)
    start, end = hours_of(HalfDay(session.day, session.half))  # type: ignore[arg-type]
    length = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    rows = conn.execute(
        """SELECT p.department, sum(o.head_count), sum(p.minutes * o.head_count)
           FROM session_orders o CROSS JOIN LATERAL jsonb_array_elements_text(o.items) AS chosen(code)
           JOIN plan_items p ON p.item_code = chosen.code WHERE o.session_id = %s GROUP BY p.department""",
        [session_id],
    ).fetchall()
    ordered = {department: (int(count), int(minutes)) for department, count, minutes in rows}
    return [
        Staffing(
            department,
            ordered.get(department, (0, 0))[0],
            ordered.get(department, (0, 0))[1],
            max(1, math.ceil(ordered.get(department, (0, 0))[1] / length)),
        )
        for department in session.departments
    ]
