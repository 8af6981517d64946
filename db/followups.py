"""差评 follow-ups with what a person needs to act on them: the visit, the trip, who served.

db.ratings owns the follow-up steps; this module reads them, for the captain's list and the
trip summary. A 差评 is identified by its ticket; a line carries at most the masked number
to call back. The full number is `callback_phone`, and reading it is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlite_utils import Database

from core.masking import mask_phone
from core.problems import Code
from db import audit
from db.connection import immediate
from db.errors import NotFound, WrongState
from db.ratings import LEVELS, FollowUp


@dataclass(frozen=True)
class FollowUpLine:
    follow_up: FollowUp
    ticket: str  # the visit's ticket label, e.g. A002
    trip_id: int
    trip_date: date
    stop_name: str
    score: int
    named: bool
    staff_id: int | None
    staff_name: str | None
    comment: str
    rated_at: str
    # Who recorded each step (the follow-up has their ids), for the people reading it.
    callback_by_name: str | None
    fix_by_name: str | None
    report_by_name: str | None
    # The number to call back, masked (138****0001); only for a named rating with a phone on file.
    masked_phone: str | None

    @property
    def level(self) -> str:
        return LEVELS[self.score]

    def overdue(self, today: date) -> bool:
        return self.follow_up.overdue(today)


_FOLLOW_UP_FIELDS = tuple(field.name for field in fields(FollowUp))
_SELECT = f"""
    SELECT {", ".join(f"f.{name} AS f_{name}" for name in _FOLLOW_UP_FIELDS)},
           tk.category || printf('%03d', tk.number) AS ticket, tk.trip_id, t.trip_date, s.name AS stop_name,
           r.score, r.named, r.staff_id, st.name AS staff_name,
           r.comment, r.rated_at, cb.name AS callback_by_name, fx.name AS fix_by_name,
           rb.name AS report_by_name, CASE WHEN r.named THEN c.phone END AS phone
    FROM follow_ups f
         JOIN ratings r ON r.id = f.rating_id
         JOIN tickets tk ON tk.id = r.ticket_id
         JOIN trips t ON t.id = tk.trip_id
         JOIN stops s ON s.id = t.stop_id
         LEFT JOIN staff st ON st.id = r.staff_id
         LEFT JOIN citizens c ON c.id = tk.citizen_id
         LEFT JOIN staff cb ON cb.id = f.callback_by
         LEFT JOIN staff fx ON fx.id = f.fix_by
         LEFT JOIN staff rb ON rb.id = f.report_by"""


def list_lines(db: Database, *, open_only: bool = True, trip_id: int | None = None) -> list[FollowUpLine]:
    """Follow-ups, earliest deadline first; `open_only` leaves out the closed ones."""
    where, params = ["1"], []
    if open_only:
        where.append("f.status != 'closed'")
    if trip_id is not None:
        where.append("tk.trip_id = ?")
        params.append(trip_id)
    rows = db.query(f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY f.deadline, f.id", params)
    return [_line(row) for row in rows]


def get_line(db: Database, follow_up_id: int) -> FollowUpLine:
    rows = list(db.query(f"{_SELECT} WHERE f.id = ?", [follow_up_id]))
    if not rows:
        raise NotFound(Code.FOLLOW_UP_NOT_FOUND, follow_up=follow_up_id)
    return _line(rows[0])


def callback_phone(db: Database, follow_up_id: int, *, staff_id: int, now: datetime | None = None) -> str:
    """The full number to call a named 差评 back on; who read it, and why, goes into the audit log."""
    with immediate(db):
        rows = list(
            db.query(
                """SELECT r.named, tk.citizen_id, c.phone FROM follow_ups f JOIN ratings r ON r.id = f.rating_id
               JOIN tickets tk ON tk.id = r.ticket_id LEFT JOIN citizens c ON c.id = tk.citizen_id
               WHERE f.id = ?""",
                [follow_up_id],
            )
        )
        if not rows:
            raise NotFound(Code.FOLLOW_UP_NOT_FOUND, follow_up=follow_up_id)
        row = rows[0]
        if not row["named"]:
            raise WrongState(Code.FOLLOW_UP_ANONYMOUS, follow_up=follow_up_id)
        if not row["phone"]:
            raise NotFound(Code.FOLLOW_UP_NO_PHONE, follow_up=follow_up_id)
        audit.record(
            db,
            "view",
            "citizen",
            row["citizen_id"],
            f"phone, to call back follow-up #{follow_up_id}",
            staff_id=staff_id,
            now=now,
        )
        return str(row["phone"])


def _line(row: dict[str, Any]) -> FollowUpLine:
    values = {name: row[f"f_{name}"] for name in _FOLLOW_UP_FIELDS}
    values["deadline"] = date.fromisoformat(values["deadline"])
    return FollowUpLine(
        follow_up=FollowUp(**values),
        ticket=row["ticket"],
        trip_id=row["trip_id"],
        trip_date=date.fromisoformat(row["trip_date"]),
        stop_name=row["stop_name"],
        score=row["score"],
        named=bool(row["named"]),
        staff_id=row["staff_id"],
        staff_name=row["staff_name"],
        comment=row["comment"],
        rated_at=row["rated_at"],
        callback_by_name=row["callback_by_name"],
        fix_by_name=row["fix_by_name"],
        report_by_name=row["report_by_name"],
        masked_phone=mask_phone(row["phone"]) or None,
    )
