"""差评 follow-ups with what a person needs to act on them: the visit, the trip, who served.

db.ratings owns the follow-up steps; this module only reads, for the captain's list
and the trip summary. No citizen data is read: a 差评 is identified by its ticket.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlite_utils import Database

from core.problems import Code
from db.errors import NotFound
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
           r.comment, r.rated_at
    FROM follow_ups f
         JOIN ratings r ON r.id = f.rating_id
         JOIN tickets tk ON tk.id = r.ticket_id
         JOIN trips t ON t.id = tk.trip_id
         JOIN stops s ON s.id = t.stop_id
         LEFT JOIN staff st ON st.id = r.staff_id"""


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


def _line(row: dict[str, Any]) -> FollowUpLine:
    values = {name: row[f"f_{name}"] for name in _FOLLOW_UP_FIELDS}
    values["deadline"] = date.fromisoformat(values["deadline"])
    return FollowUpLine(
        follow_up=FollowUp(**values), ticket=row["ticket"], trip_id=row["trip_id"],
        trip_date=date.fromisoformat(row["trip_date"]), stop_name=row["stop_name"], score=row["score"],
        named=bool(row["named"]), staff_id=row["staff_id"], staff_name=row["staff_name"], comment=row["comment"],
        rated_at=row["rated_at"],
    )
