"""The dispatcher's desk: what the screens of `govan tui --central` (7 周计划, 8 预约, 9 专场) show, and
their keys and forms turned into planning calls. Typed results, PlanningError codes, no words.

A form arrives as the text typed into it; parsing it (dates, numbers, lists of item codes) is here,
so the screens only render and forward.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

from core.plan import HalfDay, half_days, week_of
from planning import announce, bookings, route, sessions, week
from planning.errors import PlanCode, PlanningError

__all__ = [
    "Booked",
    "BookingRow",
    "Cell",
    "WeekGrid",
    "announce_session",
    "book_from_form",
    "booking_rows",
    "cancel_booking",
    "confirm_request_from_form",
    "create_session_from_form",
    "department_names",
    "home_visit_run",
    "next_week",
    "reschedule_from_form",
    "set_cell",
    "week_grid",
]


def next_week(today: date) -> str:
    """The week being planned: the one after today's (提前一周)."""
    return week_of(today + timedelta(days=7))


@dataclass(frozen=True)
class Cell:
    kind: str  # a slot kind, or "" when the half-day is not planned yet
    label: str  # the stop's or session's name, else ""
    source: str  # solver | dispatcher | ""


@dataclass(frozen=True)
class WeekGrid:
    week: str
    deadline: date
    vans: list[str]
    rows: list[tuple[HalfDay, list[Cell]]]
    versions: dict[str, int | None]  # the last version published per van
    changed: dict[str, bool]  # the plan differs from what the van last received

    def overdue(self, today: date) -> bool:
        """Past the deadline with a van's week not published as it stands."""
        return today > self.deadline and any(self.changed.values())


def week_grid(conn: psycopg.Connection[Any], week_name: str) -> WeekGrid:
    plan = week.week_plan(conn, week_name)
    slots = {(van.van_id, slot.day, slot.half): slot for van in plan for slot in van.slots}
    vans = [van.van_id for van in plan]
    rows = []
    for half_day in half_days(week.monday_of(week_name)):
        cells = []
        for van in vans:
            slot = slots.get((van, half_day.day, half_day.half))
            cells.append(
                Cell("", "", "") if slot is None else Cell(slot.kind, slot.session or slot.stop or "", slot.source)
            )
        rows.append((half_day, cells))
    return WeekGrid(
        week_name,
        week.deadline_of(week_name),
        vans,
        rows,
        {van.van_id: van.version for van in plan},
        {van.van_id: van.changed for van in plan},
    )


def set_cell(conn: psycopg.Connection[Any], week_name: str, van_id: str, half_day: HalfDay, action: str) -> None:
    """A key on a cell: `free`, `home_visits`, `off` (the crew's whole day, toggled), or `stop` (the next stop)."""
    if action == "off":
        grid = week_grid(conn, week_name)
        current = next(cells[grid.vans.index(van_id)] for slot, cells in grid.rows if slot == half_day)
        week.set_day_off(conn, van_id, half_day.day, off=current.kind != "off")
        return
    if action == "stop":
        stops = week.stops(conn)
        if not stops:
            raise PlanningError(PlanCode.UNKNOWN_STOP, stop=None)
        grid = week_grid(conn, week_name)
        label = next(cells[grid.vans.index(van_id)].label for slot, cells in grid.rows if slot == half_day)
        names = [stop.name for stop in stops]
        following = stops[(names.index(label) + 1) % len(stops)] if label in names else stops[0]
        week.set_slot(conn, van_id, half_day.day, half_day.half, "stop", stop_id=following.stop_id)
        return
    week.set_slot(conn, van_id, half_day.day, half_day.half, action)


# Bookings ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BookingRow:
    booking_id: int | None  # None: a van's request waiting for confirmation
    van_id: str
    day: date | None
    half: str | None
    kind: str
    who: str  # a group's name, or the person's
    items: list[str]  # the items' names, as the catalogue has them
    status: str  # booked | cancelled | checked_in | requested
    plan: list[tuple[str, int, int]]  # (department, minutes, staff): the tailored plan
    request_id: int | None = None


def department_names(conn: psycopg.Connection[Any]) -> dict[str, str]:
    return dict(conn.execute("SELECT department, name FROM plan_departments").fetchall())


def _item_names(conn: psycopg.Connection[Any]) -> dict[str, str]:
    return dict(conn.execute("SELECT item_code, name FROM plan_items").fetchall())


def booking_rows(conn: psycopg.Connection[Any], week_name: str) -> list[BookingRow]:
    """The week's bookings by day, then the requests the vans sent that wait for a time."""
    monday = week.monday_of(week_name)
    names, items = department_names(conn), _item_names(conn)
    rows = []
    for van_id in week.vans(conn):
        for offset in range(7):
            for booking in bookings.bookings_on(conn, van_id, monday + timedelta(days=offset)):
                rows.append(
                    BookingRow(
                        booking.booking_id,
                        van_id,
                        booking.day,
                        booking.half,
                        booking.kind,
                        booking.group_name or booking.name or "",
                        [items.get(code, code) for code in booking.items],
                        booking.status,
                        [
                            (names.get(load.department, load.department), load.minutes, load.staff)
                            for load in booking.plan
                        ],
                    )
                )
    rows.sort(key=lambda row: (row.day or monday, row.half or "", row.van_id))
    rows += [
        BookingRow(
            None,
            request.van_id,
            None,
            None,
            request.kind,
            request.group_name or request.name or "",
            [items.get(code, code) for code in request.items],
            "requested",
            [],
            request.appointment_id,
        )
        for request in bookings.requests_waiting(conn)
    ]
    return rows


@dataclass(frozen=True)
class Booked:
    booking: bookings.Booking
    plan: list[tuple[str, int, int]]  # the tailored plan with the departments' names


def _booked(conn: psycopg.Connection[Any], booking: bookings.Booking) -> Booked:
    names = department_names(conn)
    return Booked(
        booking, [(names.get(load.department, load.department), load.minutes, load.staff) for load in booking.plan]
    )


def home_visit_run(conn: psycopg.Connection[Any], row: BookingRow) -> list[tuple[str, float]]:
    """The selected booking's half-day of home visits in driving order: (who, minutes from the stop before)."""
    if row.day is None or row.half is None:
        raise PlanningError(PlanCode.BOOKING_NOT_FOUND, booking=None)
    legs = route.home_visit_run(conn, row.van_id, row.day, row.half)
    who = {
        booking.booking_id: booking.name or booking.group_name or ""
        for booking in bookings.bookings_on(conn, row.van_id, row.day)
    }
    return [(who.get(leg.booking_id, ""), leg.minutes) for leg in legs]


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PlanningError(PlanCode.WEEK_FORM, week=text.strip()[:20]) from None


def _half(text: str) -> str:
    value = text.strip().lower()
    return {"上午": "am", "下午": "pm"}.get(value, value)


def _codes(text: str) -> list[str]:
    return [code for code in (part.strip() for part in text.replace("，", ",").split(",")) if code]


def _items(conn: psycopg.Connection[Any], text: str) -> list[str]:
    """Items as the dispatcher types them, by name (户籍证明开具) or by code, comma-separated: their codes."""
    codes = {name: code for code, name in _item_names(conn).items()}
    return [codes.get(part, part) for part in _codes(text)]


def _int(text: str, default: int) -> int:
    try:
        return int(text) if text.strip() else default
    except ValueError:
        raise PlanningError(PlanCode.HEAD_COUNT) from None


def _point(text: str) -> tuple[float | None, float | None]:
    """`lat,lon` in WGS-84, or nothing."""
    parts = _codes(text)
    if not parts:
        return None, None
    try:
        lat, lon = (float(part) for part in parts)
    except ValueError:
        raise PlanningError(PlanCode.COORDINATES) from None
    return lat, lon


def book_from_form(conn: psycopg.Connection[Any], form: dict[str, str], *, now: datetime) -> Booked:
    """Fields: kind, van, day, half, items (names or codes, comma-separated), head_count, group, name, phone, address,
    point (lat,lon), needs (codes)."""
    lat, lon = _point(form.get("point", ""))
    return _booked(
        conn,
        bookings.book(
            conn,
            form.get("kind", "individual").strip(),
            form.get("van", "").strip(),
            _date(form.get("day", "")),
            _half(form.get("half", "")),
            _items(conn, form.get("items", "")),
            now=now,
            head_count=_int(form.get("head_count", ""), 1),
            group_name=form.get("group") or None,
            name=form.get("name") or None,
            phone=form.get("phone") or None,
            address=form.get("address") or None,
            lat=lat,
            lon=lon,
            needs=tuple(_codes(form.get("needs", ""))),
        ),
    )


def confirm_request_from_form(
    conn: psycopg.Connection[Any], row: BookingRow, form: dict[str, str], *, now: datetime
) -> Booked:
    if row.request_id is None:
        raise PlanningError(PlanCode.REQUEST_NOT_FOUND, van=row.van_id, request=None)
    lat, lon = _point(form.get("point", ""))
    return _booked(
        conn,
        bookings.confirm_request(
            conn,
            row.van_id,
            row.request_id,
            _date(form.get("day", "")),
            _half(form.get("half", "")),
            now=now,
            address=form.get("address") or None,
            lat=lat,
            lon=lon,
            needs=tuple(_codes(form.get("needs", ""))),
        ),
    )


def reschedule_from_form(
    conn: psycopg.Connection[Any], row: BookingRow, form: dict[str, str], *, now: datetime
) -> Booked:
    """Move the selected booking to the form's day and half-day (and van, when one is given)."""
    if row.booking_id is None:
        raise PlanningError(PlanCode.BOOKING_NOT_FOUND, booking=None)
    return _booked(
        conn,
        bookings.reschedule(
            conn,
            row.booking_id,
            _date(form.get("day", "")),
            _half(form.get("half", "")),
            now=now,
            van_id=form.get("van", "").strip() or None,
        ),
    )


def cancel_booking(conn: psycopg.Connection[Any], row: BookingRow, *, now: datetime) -> None:
    if row.booking_id is None:
        raise PlanningError(PlanCode.BOOKING_NOT_FOUND, booking=None)
    bookings.cancel(conn, row.booking_id, now=now)


# Sessions ------------------------------------------------------------------------------------


def create_session_from_form(conn: psycopg.Connection[Any], form: dict[str, str]) -> sessions.Session:
    """Fields: theme, items (names or codes), van, day, half, stop (its name), deadline."""
    stop_name = form.get("stop", "").strip()
    stop = next((stop for stop in week.stops(conn) if stop.name == stop_name), None)
    if stop is None:
        raise PlanningError(PlanCode.UNKNOWN_STOP, stop=stop_name[:40])
    return sessions.create(
        conn,
        form.get("theme", ""),
        _items(conn, form.get("items", "")),
        form.get("van", "").strip(),
        _date(form.get("day", "")),
        _half(form.get("half", "")),
        stop.stop_id,
        _date(form.get("deadline", "")),
    )


def announce_session(
    conn: psycopg.Connection[Any], session_id: int, qr: str, folder: Path, font_paths: list[Path]
) -> list[Path]:
    """Write the session's poster (A4), leaflet (A5), WeChat text and HTML, and ICS event into `folder`."""
    item = announce.announcement(sessions.get(conn, session_id), qr)
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"session-{session_id}"
    files = {
        stem.with_name(stem.name + "-poster-a4.pdf"): announce.pdf(item, "a4", font_paths),
        stem.with_name(stem.name + "-leaflet-a5.pdf"): announce.pdf(item, "a5", font_paths),
        stem.with_name(stem.name + "-wechat.txt"): announce.wechat_text(item).encode(),
        stem.with_name(stem.name + "-wechat.html"): announce.wechat_html(item).encode(),
        stem.with_name(stem.name + ".ics"): announce.ics_event(item, f"session-{session_id}@govan"),
    }
    for path, data in files.items():
        path.write_bytes(data)
    return list(files)
