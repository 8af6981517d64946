"""The booking line: individual appointments, home visits and group bookings, in staff-minutes.

Capacity: a van's half-day offers each department its crew × the half-day's minutes × the share
of the time its kind leaves for bookings (a half-day kept free, a home-visit run or a themed
session: all of it; a fixed stop: a quarter, the rest is for walk-ins; a day off: none). A
booking takes, from each department it needs, the minutes of its items × its head count
(`plan_items`, which `calibrate_minutes` sets from the cases' real times). A booking that needs
several departments is made only when every one of them has the minutes: otherwise nothing is
booked and the error names the departments short. The tailored plan (个性化服务方案) says
which staff must come and for how long.

Every change is kept in `booking_history`; cancelling frees the minutes (status), moving
checks the new half-day as a new booking would. What the van must know goes down on
central/down in the same transaction.
"""

from __future__ import annotations

import math
import tomllib
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from core.plan import SHANGHAI, HalfDay, hours_of, new_checkin_code
from planning.errors import PlanCode, PlanningError
from planning.reminders import render

__all__ = [
    "BOOKING_CANCELLED",
    "BOOKING_CONFIRMED",
    "BOOKING_KINDS",
    "NEEDS",
    "Booking",
    "DepartmentLoad",
    "SlotCapacity",
    "book",
    "bookings_on",
    "calibrate_minutes",
    "cancel",
    "capacity",
    "confirm_request",
    "load_items",
    "requests_waiting",
    "reschedule",
]

BOOKING_CONFIRMED = "booking.confirmed"
BOOKING_CANCELLED = "booking.cancelled"
BOOKING_KINDS = ("individual", "home_visit", "group")  # the first is the form's default
NEEDS = ("bedridden", "wheelchair", "hearing", "visual", "language")
_NEED_WORDS = {"bedridden": "卧床", "wheelchair": "轮椅", "hearing": "听障", "visual": "视障", "language": "需方言翻译"}
BOOKING_SHARE = {"free": 1.0, "home_visits": 1.0, "themed": 1.0, "stop": 0.25, "off": 0.0}
DEFAULT_MINUTES = {"on_site": 15, "back_office": 20}
MIN_SAMPLES = 5  # cases of an item before its measured time replaces the default
REMIND_AT = time(18, 0)  # the evening before, local time


def load_items(conn: psycopg.Connection[Any], catalogue: Path | str) -> int:
    """Departments, items and their departments from a catalogue (govan's TOML, a file or its text); minutes by
    completion until measured."""
    data = tomllib.loads(catalogue.read_text(encoding="utf-8") if isinstance(catalogue, Path) else catalogue)
    for department in data.get("departments", []):
        conn.execute(
            """INSERT INTO plan_departments (department, name) VALUES (%s, %s)
                        ON CONFLICT (department) DO UPDATE SET name = excluded.name""",
            [department["code"], department["name"]],
        )
    added = 0
    for item in data.get("items", []):
        cursor = conn.execute(
            """INSERT INTO plan_items (item_code, name, department, minutes) VALUES (%s, %s, %s, %s)
               ON CONFLICT (item_code) DO UPDATE SET name = excluded.name, department = excluded.department""",
            [item["code"], item["name"], item["department"], DEFAULT_MINUTES.get(item.get("completion", ""), 20)],
        )
        added += cursor.rowcount
    conn.commit()
    return added


def calibrate_minutes(conn: psycopg.Connection[Any]) -> int:
    """Each item's minutes from the median of its cases' service times at every van (at least MIN_SAMPLES)."""
    cursor = conn.execute(
        """UPDATE plan_items p SET minutes = GREATEST(1, ceil(m.median / 60))::int
           FROM (SELECT item_code, percentile_cont(0.5) WITHIN GROUP
                        (ORDER BY extract(epoch FROM outcome_at - opened_at)) AS median
                 FROM cases WHERE opened_at IS NOT NULL AND outcome_at > opened_at
                 GROUP BY item_code HAVING count(*) >= %s) m
           WHERE m.item_code = p.item_code""",
        [MIN_SAMPLES],
    )
    conn.commit()
    return cursor.rowcount


@dataclass(frozen=True)
class DepartmentLoad:
    department: str
    minutes: int
    staff: int  # how many of the department must come: the tailored plan
    items: tuple[str, ...]


@dataclass(frozen=True)
class SlotCapacity:
    department: str
    offered: int  # staff-minutes this half-day offers bookings
    booked: int

    @property
    def left(self) -> int:
        return self.offered - self.booked


def _slot_minutes(day: date, half: str) -> int:
    start, end = hours_of(HalfDay(day, half))  # type: ignore[arg-type]
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def capacity(
    conn: psycopg.Connection[Any], van_id: str, day: date, half: str, *, leaving_out: int | None = None
) -> dict[str, SlotCapacity]:
    """What each department of the van's crew offers bookings that half-day, and what is booked already."""
    row = conn.execute(
        """SELECT s.kind, v.crew, EXISTS (SELECT 1 FROM crew_days_off d WHERE d.van_id = s.van_id AND d.day = s.day)
           FROM plan_slots s JOIN plan_vans v ON v.van_id = s.van_id
           WHERE s.van_id = %s AND s.day = %s AND s.half = %s""",
        [van_id, day, half],
    ).fetchone()
    if row is None:
        raise PlanningError(PlanCode.NO_SLOT, van=van_id, day=day.isoformat(), half=half)
    kind, crew, off = row
    share = 0.0 if off else BOOKING_SHARE[kind]
    minutes = _slot_minutes(day, half)
    booked = dict(
        conn.execute(
            """SELECT l.department, sum(l.minutes) FROM booking_load l JOIN bookings b ON b.booking_id = l.booking_id
           WHERE b.van_id = %s AND b.day = %s AND b.half = %s AND b.status <> 'cancelled'
             AND b.booking_id IS DISTINCT FROM %s GROUP BY l.department""",
            [van_id, day, half, leaving_out],
        ).fetchall()
    )
    departments = set(crew) | set(booked)
    return {
        department: SlotCapacity(
            department, int(int(crew.get(department, 0)) * minutes * share), int(booked.get(department, 0))
        )
        for department in sorted(departments)
    }


def _loads(conn: psycopg.Connection[Any], items: list[str], head_count: int, slot_minutes: int) -> list[DepartmentLoad]:
    rows = {
        code: (department, minutes)
        for code, department, minutes in conn.execute(
            "SELECT item_code, department, minutes FROM plan_items WHERE item_code = ANY(%s)", [items]
        ).fetchall()
    }
    for code in items:
        if code not in rows:
            raise PlanningError(PlanCode.UNKNOWN_ITEM, item=code[:40])
    by_department: dict[str, tuple[int, list[str]]] = {}
    for code in items:
        department, minutes = rows[code]
        total, codes = by_department.get(department, (0, []))
        by_department[department] = (total + minutes * head_count, [*codes, code])
    return [
        DepartmentLoad(department, total, max(1, math.ceil(total / slot_minutes)), tuple(codes))
        for department, (total, codes) in sorted(by_department.items())
    ]


def _check(
    conn: psycopg.Connection[Any],
    van_id: str,
    day: date,
    half: str,
    loads: list[DepartmentLoad],
    leaving_out: int | None = None,
) -> None:
    """Every department must have the minutes, or nothing is booked; the error names those short."""
    conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{van_id}/{day}/{half}"])
    offered = capacity(conn, van_id, day, half, leaving_out=leaving_out)
    short = [
        (load.department, load.minutes - (offered[load.department].left if load.department in offered else 0))
        for load in loads
        if load.department not in offered or offered[load.department].left < load.minutes
    ]
    if short:
        raise PlanningError(
            PlanCode.CAPACITY, departments=",".join(d for d, _ in short), short=sum(minutes for _, minutes in short)
        )


@dataclass(frozen=True)
class Booking:
    booking_id: int
    kind: str
    van_id: str
    day: date
    half: str
    items: list[str]
    head_count: int
    group_name: str | None
    name: str | None
    phone: str | None
    address: str | None
    lat: float | None
    lon: float | None
    needs: list[str]
    status: str
    checkin_code: str
    plan: list[DepartmentLoad]  # the tailored plan: who must come, for how long

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.day, hours_of(HalfDay(self.day, self.half))[0], SHANGHAI)  # type: ignore[arg-type]


_COLUMNS = (
    "booking_id, kind, van_id, day, half, items, head_count, group_name, name, phone, address, lat, lon, "
    "needs, status, checkin_code"
)


def get(conn: psycopg.Connection[Any], booking_id: int) -> Booking:
    row = conn.execute(f"SELECT {_COLUMNS} FROM bookings WHERE booking_id = %s", [booking_id]).fetchone()
    if row is None:
        raise PlanningError(PlanCode.BOOKING_NOT_FOUND, booking=booking_id)
    return _booking(conn, row)


def _booking(conn: psycopg.Connection[Any], row: tuple[Any, ...]) -> Booking:
    loads = conn.execute(
        "SELECT department, minutes FROM booking_load WHERE booking_id = %s ORDER BY department", [row[0]]
    ).fetchall()
    minutes = _slot_minutes(row[3], row[4])
    items = list(row[5])
    departments = dict(
        conn.execute("SELECT item_code, department FROM plan_items WHERE item_code = ANY(%s)", [items]).fetchall()
    )
    plan = [
        DepartmentLoad(
            department,
            total,
            max(1, math.ceil(total / minutes)),
            tuple(code for code in items if departments.get(code) == department),
        )
        for department, total in loads
    ]
    (
        booking_id,
        kind,
        van_id,
        day,
        half,
        _,
        head_count,
        group_name,
        name,
        phone,
        address,
        lat,
        lon,
        needs,
        status,
        code,
    ) = row
    return Booking(
        booking_id,
        kind,
        van_id,
        day,
        half,
        items,
        head_count,
        group_name,
        name,
        phone,
        address,
        lat,
        lon,
        list(needs),
        status,
        code,
        plan,
    )


def _snapshot(booking: Booking) -> dict[str, Any]:
    """What the history keeps of a booking's state (no personal data: the row has it, and is purged with it)."""
    return {
        "van_id": booking.van_id,
        "day": booking.day.isoformat(),
        "half": booking.half,
        "items": booking.items,
        "head_count": booking.head_count,
        "status": booking.status,
    }


def _history(
    conn: psycopg.Connection[Any], booking_id: int, action: str, before: Booking | None, after: Booking | None
) -> None:
    conn.execute(
        "INSERT INTO booking_history (booking_id, action, before, after) VALUES (%s, %s, %s, %s)",
        [booking_id, action, Jsonb(_snapshot(before)) if before else None, Jsonb(_snapshot(after)) if after else None],
    )


def _down(conn: psycopg.Connection[Any], van_id: str, kind: str, body: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO down_outbox (van_id, msg_id, kind, body) VALUES (%s, %s, %s, %s)",
        [van_id, str(uuid.uuid4()), kind, Jsonb(body)],
    )


def _confirmed(booking: Booking, appointment_id: int | None = None) -> dict[str, Any]:
    need_codes = [need for need in booking.needs if need in _NEED_WORDS]
    return {
        "booking_id": booking.booking_id,
        "kind": booking.kind,
        "day": booking.day.isoformat(),
        "half": booking.half,
        "at": booking.starts_at.isoformat(),
        "items": booking.items,
        "head_count": booking.head_count,
        "group_name": booking.group_name,
        "name": booking.name,
        "phone": booking.phone,
        "address": booking.address if booking.kind == "home_visit" else None,
        "needs": [_NEED_WORDS[need] for need in need_codes],  # for vans before need_codes
        "need_codes": need_codes,
        "checkin_code": booking.checkin_code,
        "appointment_id": appointment_id,
    }


def _when(booking: Booking) -> str:
    return f"{booking.day.month}月{booking.day.day}日{'上午' if booking.half == 'am' else '下午'}"


def _place(conn: psycopg.Connection[Any], booking: Booking) -> str:
    row = conn.execute(
        """SELECT s.name FROM plan_slots p JOIN plan_stops s ON s.stop_id = p.stop_id
                          WHERE p.van_id = %s AND p.day = %s AND p.half = %s""",
        [booking.van_id, booking.day, booking.half],
    ).fetchone()
    return "流动政务客厅" if row is None else str(row[0])[:12]


def _queue_reminder(conn: psycopg.Connection[Any], booking: Booking, template: str, send_at: datetime) -> None:
    first = conn.execute("SELECT name FROM plan_items WHERE item_code = %s", [booking.items[0]]).fetchone()
    item = str(first[0]) if first else booking.items[0]
    params = {
        "name": (booking.group_name or booking.name or "")[:8],
        "when": _when(booking),
        "place": _place(conn, booking),
        "item": item[:12] + ("等" if len(booking.items) > 1 else ""),
        "code": booking.checkin_code,
    }
    render(template, params)  # refuse now, while the dispatcher is there, a text that could never be sent
    conn.execute(
        "INSERT INTO reminders (booking_id, send_at, template, params) VALUES (%s, %s, %s, %s)",
        [booking.booking_id, send_at, template, Jsonb(params)],
    )


def _remind_at(booking: Booking, now: datetime) -> datetime:
    evening_before = datetime.combine(booking.day - timedelta(days=1), REMIND_AT, SHANGHAI)
    return max(evening_before, now)


def _new_code(conn: psycopg.Connection[Any]) -> str:
    while True:
        code = new_checkin_code()
        if conn.execute("SELECT 1 FROM bookings WHERE checkin_code = %s", [code]).fetchone() is None:
            return code


def book(
    conn: psycopg.Connection[Any],
    kind: str,
    van_id: str,
    day: date,
    half: str,
    items: list[str],
    *,
    now: datetime,
    head_count: int = 1,
    group_name: str | None = None,
    name: str | None = None,
    phone: str | None = None,
    address: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    needs: tuple[str, ...] = (),
    request: tuple[str, int] | None = None,
) -> Booking:
    """Book, if every department needed has the staff-minutes; the booking and its tailored plan."""
    if kind not in BOOKING_KINDS:
        raise PlanningError(PlanCode.SLOT_KIND, kind=kind[:20])
    if not items:
        raise PlanningError(PlanCode.NO_ITEMS)
    if head_count < 1 or (kind != "group" and head_count != 1):
        raise PlanningError(PlanCode.HEAD_COUNT)
    if kind == "group" and not (group_name or "").strip():
        raise PlanningError(PlanCode.GROUP_NAME)
    if kind == "home_visit" and not (address or "").strip():
        raise PlanningError(PlanCode.ADDRESS_MISSING)
    for need in needs:
        if need not in NEEDS:
            raise PlanningError(PlanCode.NEED_UNKNOWN, need=need[:20])
    if (lat is None) != (lon is None) or (lat is not None and not (-90 <= lat <= 90 and -180 <= (lon or 0) <= 180)):
        raise PlanningError(PlanCode.COORDINATES)
    items = list(dict.fromkeys(items))
    with conn.transaction():
        loads = _loads(conn, items, head_count, _slot_minutes(day, half))
        _check(conn, van_id, day, half, loads)
        row = conn.execute(
            """INSERT INTO bookings (kind, van_id, day, half, items, head_count, group_name, name, phone, address,
                                     lat, lon, needs, checkin_code, request_van, request_id)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING booking_id""",
            [
                kind,
                van_id,
                day,
                half,
                Jsonb(items),
                head_count,
                (group_name or "").strip() or None,
                name,
                phone,
                (address or "").strip() or None,
                lat,
                lon,
                list(needs),
                _new_code(conn),
                request[0] if request else None,
                request[1] if request else None,
            ],
        ).fetchone()
        assert row is not None
        for load in loads:
            conn.execute(
                "INSERT INTO booking_load (booking_id, department, minutes) VALUES (%s, %s, %s)",
                [row[0], load.department, load.minutes],
            )
        booking = get(conn, row[0])
        _history(conn, booking.booking_id, "booked", None, booking)
        if phone:
            _queue_reminder(
                conn,
                booking,
                "home_visit_reminder" if kind == "home_visit" else "booking_reminder",
                _remind_at(booking, now),
            )
        if request:
            conn.execute(
                "UPDATE booking_requests SET status = 'confirmed' WHERE van_id = %s AND appointment_id = %s",
                list(request),
            )
        _down(conn, van_id, BOOKING_CONFIRMED, _confirmed(booking, request[1] if request else None))
    conn.commit()
    return booking


def reschedule(
    conn: psycopg.Connection[Any], booking_id: int, day: date, half: str, *, now: datetime, van_id: str | None = None
) -> Booking:
    """Move a booking; the new half-day is checked as a new booking would be. History keeps where it was."""
    with conn.transaction():
        before = get(conn, booking_id)
        if before.status != "booked":
            raise PlanningError(PlanCode.BOOKING_NOT_BOOKED, booking=booking_id, status=before.status)
        target = van_id or before.van_id
        loads = _loads(conn, before.items, before.head_count, _slot_minutes(day, half))
        _check(conn, target, day, half, loads, leaving_out=booking_id)
        conn.execute(
            "UPDATE bookings SET van_id = %s, day = %s, half = %s, updated_at = now() WHERE booking_id = %s",
            [target, day, half, booking_id],
        )
        conn.execute("DELETE FROM booking_load WHERE booking_id = %s", [booking_id])
        for load in loads:
            conn.execute(
                "INSERT INTO booking_load (booking_id, department, minutes) VALUES (%s, %s, %s)",
                [booking_id, load.department, load.minutes],
            )
        after = get(conn, booking_id)
        _history(conn, booking_id, "rescheduled", before, after)
        conn.execute("UPDATE reminders SET status = 'void' WHERE booking_id = %s AND status = 'queued'", [booking_id])
        if after.phone:
            _queue_reminder(conn, after, "booking_moved", now)
            _queue_reminder(
                conn,
                after,
                "home_visit_reminder" if after.kind == "home_visit" else "booking_reminder",
                _remind_at(after, now),
            )
        if target != before.van_id:
            _down(conn, before.van_id, BOOKING_CANCELLED, {"booking_id": booking_id})
        _down(conn, target, BOOKING_CONFIRMED, _confirmed(after))
    conn.commit()
    return after


def cancel(conn: psycopg.Connection[Any], booking_id: int, *, now: datetime) -> Booking:
    """Cancel; the minutes are free again, the history keeps it, the person is told by SMS."""
    with conn.transaction():
        before = get(conn, booking_id)
        if before.status != "booked":
            raise PlanningError(PlanCode.BOOKING_NOT_BOOKED, booking=booking_id, status=before.status)
        conn.execute("UPDATE bookings SET status = 'cancelled', updated_at = now() WHERE booking_id = %s", [booking_id])
        after = get(conn, booking_id)
        _history(conn, booking_id, "cancelled", before, after)
        conn.execute("UPDATE reminders SET status = 'void' WHERE booking_id = %s AND status = 'queued'", [booking_id])
        if after.phone:
            _queue_reminder(conn, after, "booking_cancelled", now)
        _down(conn, after.van_id, BOOKING_CANCELLED, {"booking_id": booking_id})
    conn.commit()
    return after


def history(
    conn: psycopg.Connection[Any], booking_id: int
) -> list[tuple[datetime, str, dict[str, Any] | None, dict[str, Any] | None]]:
    return [
        tuple(row)
        for row in conn.execute(
            "SELECT at, action, before, after FROM booking_history WHERE booking_id = %s ORDER BY id", [booking_id]
        )
    ]


def bookings_on(conn: psycopg.Connection[Any], van_id: str, day: date) -> list[Booking]:
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM bookings WHERE van_id = %s AND day = %s ORDER BY half, booking_id", [van_id, day]
    ).fetchall()
    return [_booking(conn, row) for row in rows]


@dataclass(frozen=True)
class Request:
    van_id: str
    appointment_id: int
    kind: str
    group_name: str | None
    head_count: int
    special_needs: str
    items: list[str]
    name: str | None
    phone: str | None


def requests_waiting(conn: psycopg.Connection[Any]) -> list[Request]:
    """Home-visit and group requests made at the vans, not yet confirmed."""
    rows = conn.execute("""SELECT van_id, appointment_id, kind, group_name, head_count, special_needs, items, contact
                           FROM booking_requests WHERE status = 'new' ORDER BY booked_at NULLS LAST""").fetchall()
    return [
        Request(
            van,
            appointment,
            kind,
            group,
            heads,
            needs,
            list(items),
            (contact or {}).get("name"),
            (contact or {}).get("phone"),
        )
        for van, appointment, kind, group, heads, needs, items, contact in rows
    ]


def confirm_request(
    conn: psycopg.Connection[Any],
    van_id: str,
    appointment_id: int,
    day: date,
    half: str,
    *,
    now: datetime,
    address: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    needs: tuple[str, ...] = (),
) -> Booking:
    """Book what a van asked for (a walk-in who needs a home visit), and confirm it down onto its appointment."""
    row = conn.execute(
        """SELECT kind, group_name, head_count, items, contact FROM booking_requests
                          WHERE van_id = %s AND appointment_id = %s AND status = 'new'""",
        [van_id, appointment_id],
    ).fetchone()
    if row is None:
        raise PlanningError(PlanCode.REQUEST_NOT_FOUND, van=van_id, request=appointment_id)
    kind, group_name, head_count, items, contact = row
    return book(
        conn,
        kind,
        van_id,
        day,
        half,
        list(items),
        now=now,
        head_count=head_count,
        group_name=group_name,
        name=(contact or {}).get("name"),
        phone=(contact or {}).get("phone"),
        address=address,
        lat=lat,
        lon=lon,
        needs=needs,
        request=(van_id, appointment_id),
    )
