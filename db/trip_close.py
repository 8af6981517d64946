"""Closing a trip with its summary: closed, stored and queued for the back office at once.

A closed trip's summary is kept as it was at the close (the JSON of
db.report_export.to_dict) and goes to the outbox as a `trip.summary` message. Both
happen in the transaction that closes the trip, so there is never a closed trip
whose summary was lost, nor a summary sent for a trip that stayed open.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from core.problems import Code
from db import clock, outbox, report
from db.connection import immediate
from db.errors import WrongState
from db.report import TripReport
from db.report_export import to_dict
from db.trips import close_trip, get_trip

OUTBOX_KIND = "trip.summary"


def close_with_report(
    db: Database,
    trip_id: int,
    *,
    closed_by: int,
    abandon_waiting: bool = False,
    tz: ZoneInfo = clock.SHANGHAI,
    now: datetime | None = None,
) -> TripReport:
    """Close the trip (see db.trips.close_trip for what blocks it), then store and queue its summary."""
    moment = clock.resolve(now)
    with immediate(db):
        close_trip(db, trip_id, closed_by=closed_by, abandon_waiting=abandon_waiting, now=moment)
        return store_report(db, trip_id, tz=tz, now=moment)


def store_report(
    db: Database, trip_id: int, *, tz: ZoneInfo = clock.SHANGHAI, now: datetime | None = None
) -> TripReport:
    """Store a closed trip's summary and queue it for the back office; once per trip."""
    moment = clock.resolve(now)
    stamp = clock.to_text(moment)
    with immediate(db):
        trip = get_trip(db, trip_id)
        if trip.status != "closed":
            raise WrongState(Code.TRIP_NOT_CLOSED, trip=trip_id, status=trip.status)
        if report.stored_at(db, trip_id) is not None:
            raise WrongState(Code.REPORT_ALREADY_STORED, trip=trip_id)
        built = report.build(db, trip_id, tz=tz, now=moment)
        payload = to_dict(built)
        message_id = outbox.enqueue(db, OUTBOX_KIND, payload, now=moment)
        db.execute(
            """INSERT INTO trip_reports (trip_id, report, stored_at, outbox_id) VALUES (?, ?, ?, ?)
               ON CONFLICT (trip_id) DO UPDATE SET report = excluded.report, stored_at = excluded.stored_at,
                                                   outbox_id = excluded.outbox_id""",
            [trip_id, json.dumps(payload, ensure_ascii=False), stamp, message_id],
        )
        return built


def stored(db: Database, trip_id: int) -> dict[str, Any] | None:
    """The summary as stored at the close, or None if it was not stored."""
    rows = list(db.query("SELECT report FROM trip_reports WHERE trip_id = ? AND report IS NOT NULL", [trip_id]))
    return json.loads(rows[0]["report"]) if rows else None
