"""The audit log: who saw or changed personal data, and what retention purged.

Details name fields and row ids, never the personal values themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlite_utils import Database

from db import clock

AuditAction = Literal["view", "create", "update", "purge"]


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    staff_id: int | None
    action: AuditAction
    subject: str
    subject_id: int | None
    detail: str


def record(
    db: Database,
    action: AuditAction,
    subject: str,
    subject_id: int | None,
    detail: str = "",
    *,
    staff_id: int | None = None,
    now: datetime | None = None,
) -> int:
    cursor = db.execute(
        "INSERT INTO audit_log (at, staff_id, action, subject, subject_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
        [clock.to_text(clock.resolve(now)), staff_id, action, subject, subject_id, detail],
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def entries(db: Database, *, subject: str | None = None, subject_id: int | None = None) -> list[AuditEntry]:
    """Entries oldest first, optionally for one subject (e.g. 'citizen', 12)."""
    where: list[str] = ["1"]
    params: list[object] = []
    if subject is not None:
        where.append("subject = ?")
        params.append(subject)
    if subject_id is not None:
        where.append("subject_id = ?")
        params.append(subject_id)
    rows = db.query(f"SELECT * FROM audit_log WHERE {' AND '.join(where)} ORDER BY id", params)
    return [AuditEntry(**row) for row in rows]
