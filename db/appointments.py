"""Appointments (预约上门): individuals, home visits and groups, checked in by a QR code.

The dispatcher books; at the van a scan of the code checks the person in and
issues a priority ticket.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from core.plan import CHECKIN_ALPHABET, CHECKIN_LENGTH, new_checkin_code
from core.problems import Code
from db import clock
from db.catalogue import get_item
from db.connection import IntegrityError, immediate
from db.errors import InvalidValue, NotFound, WrongState
from db.tickets import Ticket, issue_ticket
from db.trips import get_trip

AppointmentKind = Literal["individual", "home_visit", "group"]
KINDS: tuple[AppointmentKind, ...] = ("individual", "home_visit", "group")
AppointmentStatus = Literal["booked", "checked_in", "cancelled"]
QR_PREFIX = "GOVAN-APPT:"
# No 0/O, 1/I/L: the code is also read out over the phone.
MAX_SPECIAL_NEEDS = 500


@dataclass(frozen=True)
class Appointment:
    id: int
    kind: AppointmentKind
    citizen_id: int | None
    group_name: str | None
    head_count: int
    special_needs: str
    scheduled_at: str
    trip_id: int | None
    checkin_code: str
    status: AppointmentStatus
    booked_by: int | None
    created_at: str
    checked_in_at: str | None
    items: tuple[str, ...]

    @property
    def qr_payload(self) -> str:
        """The text to put in the QR code sent to the person."""
        return QR_PREFIX + self.checkin_code


def book(
    db: Database,
    kind: AppointmentKind,
    scheduled_at: datetime,
    items: Sequence[str],
    *,
    citizen_id: int | None = None,
    group_name: str | None = None,
    head_count: int = 1,
    special_needs: str = "",
    trip_id: int | None = None,
    booked_by: int | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Book a visit. A group names itself and its head count; a home visit needs the
    citizen on file (their address is where the van goes)."""
    if kind not in KINDS:
        raise InvalidValue(Code.STORE_NOT_A_CHOICE, field="appointment.kind", allowed=", ".join(KINDS))
    if not isinstance(head_count, int) or isinstance(head_count, bool) or head_count < 1:
        raise InvalidValue(Code.APPOINTMENT_HEAD_COUNT)
    if kind != "group" and head_count != 1:
        raise InvalidValue(Code.APPOINTMENT_HEAD_COUNT_NOT_GROUP)
    if kind == "group" and not (group_name or "").strip():
        raise InvalidValue(Code.APPOINTMENT_GROUP_NAME_MISSING)
    if kind == "home_visit" and citizen_id is None:
        raise InvalidValue(Code.APPOINTMENT_CITIZEN_MISSING)
    if not items:
        raise InvalidValue(Code.APPOINTMENT_NO_ITEMS)
    if len(special_needs or "") > MAX_SPECIAL_NEEDS:
        raise InvalidValue(Code.STORE_TEXT_TOO_LONG, field="appointment.special_needs", limit=MAX_SPECIAL_NEEDS)
    scheduled = clock.to_text(clock.resolve(scheduled_at))
    with immediate(db):
        for code in items:
            get_item(db, code)
        if trip_id is not None:
            get_trip(db, trip_id)
        try:
            cursor = db.execute(
                """INSERT INTO appointments (kind, citizen_id, group_name, head_count, special_needs, scheduled_at,
                                             trip_id, checkin_code, booked_by, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    kind,
                    citizen_id,
                    (group_name or "").strip() or None,
                    head_count,
                    (special_needs or "").strip(),
                    scheduled,
                    trip_id,
                    _new_code(db),
                    booked_by,
                    clock.to_text(clock.resolve(now)),
                ],
            )
        except IntegrityError:
            raise NotFound(Code.STORE_UNKNOWN_REFERENCE, record="appointment") from None
        appointment_id = cursor.lastrowid
        assert appointment_id is not None
        for position, code in enumerate(dict.fromkeys(items)):
            db.execute(
                "INSERT INTO appointment_items (appointment_id, position, item_code) VALUES (?, ?, ?)",
                [appointment_id, position, code],
            )
        return get(db, appointment_id)


def check_in(
    db: Database,
    code_or_scan: str,
    trip_id: int,
    *,
    item_code: str | None = None,
    priority_age: int = 70,
    now: datetime | None = None,
    tz: ZoneInfo = clock.SHANGHAI,
) -> Ticket:
    """Check in by code (typed, or the scanned QR text) and issue the priority ticket,
    for `item_code` or the appointment's first item."""
    code = parse_code(code_or_scan)
    moment = clock.resolve(now)
    with immediate(db):
        rows = list(db.query("SELECT id FROM appointments WHERE checkin_code = ?", [code]))
        if not rows:
            raise NotFound(Code.APPOINTMENT_UNKNOWN_CODE)
        appointment = get(db, rows[0]["id"])
        if appointment.status != "booked":
            raise _not_booked(appointment)
        if appointment.trip_id is not None and appointment.trip_id != trip_id:
            raise WrongState(Code.APPOINTMENT_OTHER_TRIP, appointment=appointment.id, trip=appointment.trip_id)
        if item_code is not None and item_code not in appointment.items:
            raise InvalidValue(Code.APPOINTMENT_OTHER_ITEM, appointment=appointment.id, item=item_code)
        ticket = issue_ticket(
            db,
            trip_id,
            item_code=item_code or appointment.items[0],
            citizen_id=appointment.citizen_id,
            appointment_id=appointment.id,
            priority_age=priority_age,
            now=moment,
            tz=tz,
        )
        db.execute(
            "UPDATE appointments SET status = 'checked_in', checked_in_at = ?, trip_id = ? WHERE id = ?",
            [clock.to_text(moment), trip_id, appointment.id],
        )
        return ticket


def cancel(db: Database, appointment_id: int) -> Appointment:
    with immediate(db):
        appointment = get(db, appointment_id)
        if appointment.status != "booked":
            raise _not_booked(appointment)
        db.execute("UPDATE appointments SET status = 'cancelled' WHERE id = ?", [appointment_id])
        return get(db, appointment_id)


def _not_booked(appointment: Appointment) -> WrongState:
    """An appointment that is no longer booked was either checked in or cancelled."""
    if appointment.status == "checked_in":
        return WrongState(Code.APPOINTMENT_CHECKED_IN, appointment=appointment.id)
    return WrongState(Code.APPOINTMENT_CANCELLED, appointment=appointment.id)


def get(db: Database, appointment_id: int) -> Appointment:
    rows = list(db.query("SELECT * FROM appointments WHERE id = ?", [appointment_id]))
    if not rows:
        raise NotFound(Code.APPOINTMENT_NOT_FOUND, appointment=appointment_id)
    return _appointment(db, rows[0])


def list_for_day(db: Database, day: date, *, tz: ZoneInfo = clock.SHANGHAI) -> list[Appointment]:
    """Appointments scheduled on a local calendar day, by time."""
    start = datetime.combine(day, datetime.min.time(), tz)
    rows = db.query(
        "SELECT * FROM appointments WHERE scheduled_at >= ? AND scheduled_at < ? ORDER BY scheduled_at, id",
        [clock.to_text(start), clock.to_text(start + timedelta(days=1))],
    )
    return [_appointment(db, row) for row in rows]


def parse_code(text: str) -> str:
    """A check-in code from what was typed or scanned ('GOVAN-APPT:7K3M9QXA' or '7k3m-9qxa')."""
    code = (text or "").strip().upper()
    if code.startswith(QR_PREFIX):
        code = code[len(QR_PREFIX) :]
    code = code.replace("-", "").replace(" ", "")
    if len(code) != CHECKIN_LENGTH or any(ch not in CHECKIN_ALPHABET for ch in code):
        raise InvalidValue(Code.APPOINTMENT_CODE_FORM, length=CHECKIN_LENGTH)
    return code


def _new_code(db: Database) -> str:
    while True:
        code = new_checkin_code()
        if not list(db.query("SELECT 1 FROM appointments WHERE checkin_code = ?", [code])):
            return code


def _appointment(db: Database, row: Mapping[str, Any]) -> Appointment:
    items = tuple(
        r["item_code"]
        for r in db.query(
            "SELECT item_code FROM appointment_items WHERE appointment_id = ? ORDER BY position", [row["id"]]
        )
    )
    return Appointment(**row, items=items)
