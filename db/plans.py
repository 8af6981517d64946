"""What the centre's planning sends the van: its week, and bookings behind appointments.

- `apply_week` keeps the newest version of each week. What changed is worked out here
  (core.plan.diff_slots) against the version the captain last saw, so a van that was offline
  while the centre published twice, or a captain who did not look between two versions, sees
  every change since, not only the last step. A version arriving late (older than the one
  kept) changes nothing.
- `apply_booking` makes (or moves) the appointment behind a booking, with the check-in code the
  centre sent the person, so the existing scan check-in works; a walk-in's home-visit request
  made on this van is confirmed onto its own appointment. `cancel_booking` cancels it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from core.masking import mask_name, mask_phone
from core.plan import Change, diff_slots
from db import clock
from db.connection import immediate

__all__ = [
    "DayBooking",
    "WeekPlan",
    "apply_booking",
    "apply_week",
    "cancel_booking",
    "day_bookings",
    "mark_seen",
    "unseen_weeks",
    "week",
]


@dataclass(frozen=True)
class WeekPlan:
    week: str
    version: int
    published_at: str | None
    received_at: str
    slots: list[dict[str, Any]]
    changes: list[Change]  # since the version the captain last saw; empty when they saw none
    seen_at: str | None

    def slots_on(self, day: date) -> list[dict[str, Any]]:
        return [slot for slot in self.slots if slot["day"] == day.isoformat()]


def apply_week(db: Database, body: dict[str, Any], *, now: datetime | None = None) -> bool:
    """Store a `plan.week` body; False (nothing stored) when it is malformed or older than what is kept."""
    week_name, version, slots = body.get("week"), body.get("version"), body.get("slots")
    if (
        not isinstance(week_name, str)
        or not isinstance(version, int)
        or not isinstance(slots, list)
        or not all(isinstance(slot, dict) and {"day", "half", "kind"} <= slot.keys() for slot in slots)
    ):
        return False
    with immediate(db):
        rows = list(db.query("SELECT version, slots, base_slots, seen_at FROM plan_weeks WHERE week = ?", [week_name]))
        if rows and rows[0]["version"] >= version:
            return bool(rows[0]["version"] == version)  # the same version again: already stored
        # What the captain saw last: the kept version if they saw it, else what they saw before it.
        base = None if not rows else rows[0]["slots"] if rows[0]["seen_at"] else rows[0]["base_slots"]
        changes = diff_slots(json.loads(base), slots) if base else []
        db.execute(
            """INSERT INTO plan_weeks (week, version, published_at, received_at, slots, changes, base_slots,
                                              seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
                      ON CONFLICT (week) DO UPDATE SET version = excluded.version, published_at = excluded.published_at,
                          received_at = excluded.received_at, slots = excluded.slots, changes = excluded.changes,
                          base_slots = excluded.base_slots, seen_at = NULL""",
            [
                week_name,
                version,
                body.get("published_at"),
                clock.to_text(clock.resolve(now)),
                json.dumps(slots, ensure_ascii=False),
                json.dumps([change.as_dict() for change in changes], ensure_ascii=False),
                base,
            ],
        )
    return True


def _week(row: dict[str, Any]) -> WeekPlan:
    changes = [Change(c["day"], c["half"], c["before"], c["after"]) for c in json.loads(row["changes"])]
    return WeekPlan(
        row["week"],
        row["version"],
        row["published_at"],
        row["received_at"],
        json.loads(row["slots"]),
        changes,
        row["seen_at"],
    )


def week(db: Database, week_name: str) -> WeekPlan | None:
    rows = list(db.query("SELECT * FROM plan_weeks WHERE week = ?", [week_name]))
    return _week(rows[0]) if rows else None


def unseen_weeks(db: Database) -> list[WeekPlan]:
    """Weeks received (new, or changed) that the captain has not marked seen."""
    return [_week(row) for row in db.query("SELECT * FROM plan_weeks WHERE seen_at IS NULL ORDER BY week")]


def mark_seen(db: Database, week_name: str, *, now: datetime | None = None) -> None:
    db.execute("UPDATE plan_weeks SET seen_at = ? WHERE week = ?", [clock.to_text(clock.resolve(now)), week_name])


def _scheduled(body: dict[str, Any]) -> str:
    return clock.to_text(datetime.fromisoformat(str(body["at"])))


def apply_booking(db: Database, body: dict[str, Any], *, now: datetime | None = None) -> bool:
    """Store a `booking.confirmed` body as an appointment (new, moved or confirmed); False when malformed."""
    try:
        booking_id, kind, scheduled = int(body["booking_id"]), str(body["kind"]), _scheduled(body)
        code, day, half = str(body["checkin_code"]), str(body["day"]), str(body["half"])
    except (KeyError, TypeError, ValueError):
        return False
    if kind not in ("individual", "home_visit", "group") or half not in ("am", "pm"):
        return False
    stamp = clock.to_text(clock.resolve(now))
    with immediate(db):
        known = list(db.query("SELECT appointment_id FROM central_bookings WHERE booking_id = ?", [booking_id]))
        requested = body.get("appointment_id")
        if known:
            appointment_id = known[0]["appointment_id"]
            db.execute(
                "UPDATE appointments SET scheduled_at = ?, status = 'booked' WHERE id = ? AND status <> 'checked_in'",
                [scheduled, appointment_id],
            )
        elif isinstance(requested, int) and list(db.query("SELECT 1 FROM appointments WHERE id = ?", [requested])):
            appointment_id = requested  # a request made here: the centre confirms it, with its time
            db.execute("UPDATE appointments SET scheduled_at = ? WHERE id = ?", [scheduled, appointment_id])
        else:
            head_count = int(body.get("head_count") or 1) if kind == "group" else 1
            cursor = db.execute(
                """INSERT INTO appointments (kind, group_name, head_count, special_needs, scheduled_at, checkin_code,
                                             created_at) VALUES (?, ?, ?, ?, ?, ?, ?)""",
                [kind, body.get("group_name"), head_count, "、".join(body.get("needs") or []), scheduled, code, stamp],
            )
            assert cursor.lastrowid is not None
            appointment_id = cursor.lastrowid
            known_items = {row["code"] for row in db.query("SELECT code FROM service_items")}
            for position, item in enumerate(dict.fromkeys(str(i) for i in body.get("items") or [])):
                if item in known_items:  # an item this van's catalogue lacks cannot be issued a ticket here
                    db.execute(
                        "INSERT INTO appointment_items (appointment_id, position, item_code) VALUES (?, ?, ?)",
                        [appointment_id, position, item],
                    )
        db.execute(
            """INSERT INTO central_bookings (booking_id, appointment_id, day, half, name, phone, address, needs,
                                                    confirmed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                      ON CONFLICT (booking_id) DO UPDATE SET day = excluded.day, half = excluded.half,
                          name = excluded.name, phone = excluded.phone, address = excluded.address,
                          needs = excluded.needs, confirmed_at = excluded.confirmed_at""",
            [
                booking_id,
                appointment_id,
                day,
                half,
                body.get("name"),
                body.get("phone"),
                body.get("address"),
                # Codes, worded by the view in the staff's language; a centre before need_codes sent words.
                json.dumps(body["need_codes"] if "need_codes" in body else body.get("needs") or [], ensure_ascii=False),
                stamp,
            ],
        )
    return True


def cancel_booking(db: Database, body: dict[str, Any]) -> bool:
    """A booking cancelled at the centre: its appointment is cancelled here (one checked in stays checked in)."""
    booking_id = body.get("booking_id")
    if not isinstance(booking_id, int):
        return False
    with immediate(db):
        rows = list(db.query("SELECT appointment_id FROM central_bookings WHERE booking_id = ?", [booking_id]))
        if rows:
            db.execute(
                "UPDATE appointments SET status = 'cancelled' WHERE id = ? AND status = 'booked'",
                [rows[0]["appointment_id"]],
            )
    return True


@dataclass(frozen=True)
class DayBooking:
    appointment_id: int
    booking_id: int | None
    kind: str
    scheduled_at: str
    half: str | None
    status: str
    head_count: int
    group_name: str | None
    who: str  # masked: the list is seen by the whole crew
    phone: str
    address: str | None  # a home visit's, for the run
    needs: list[str]  # codes (planning.bookings.NEEDS), or words from a centre that sent no codes
    items: list[str]


def day_bookings(db: Database, day: date, *, tz: ZoneInfo = clock.SHANGHAI) -> list[DayBooking]:
    """The captain's list of the day's bookings, by time, names and phones masked."""
    from db.appointments import list_for_day

    result = []
    for appointment in list_for_day(db, day, tz=tz):
        rows = list(db.query("SELECT * FROM central_bookings WHERE appointment_id = ?", [appointment.id]))
        extra = rows[0] if rows else {}
        name, phone = extra.get("name"), extra.get("phone")
        if name is None and appointment.citizen_id is not None:
            person = list(db.query("SELECT name, phone FROM citizens WHERE id = ?", [appointment.citizen_id]))
            if person:
                name, phone = person[0]["name"], person[0]["phone"]
        result.append(
            DayBooking(
                appointment.id,
                extra.get("booking_id"),
                appointment.kind,
                appointment.scheduled_at,
                extra.get("half"),
                appointment.status,
                appointment.head_count,
                appointment.group_name,
                mask_name(name) if name else "",
                mask_phone(phone) if phone else "",
                extra.get("address"),
                json.loads(extra["needs"]) if extra else [],
                list(appointment.items),
            )
        )
    return result
