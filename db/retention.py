"""Retention: personal data and capture files are kept no longer than needed.

A case's captures (and its mailing address) are purged N days after the case
closed, once the centre has acknowledged the case (db.outbox.acknowledge) and
nothing more about it waits in the outbox. A citizen's personal
data is purged once everything about them is finished (cases closed and synced,
no ticket in the queue, no booked appointment, no open follow-up) and their last
activity is older than N days. The row stays, emptied, so figures still add up.
One audit entry says exactly what was purged, by row id and field, never by value.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from core.problems import Code
from db import audit, clock
from db.connection import immediate
from db.errors import InvalidValue

CITIZEN_FIELDS = ("id_number", "name", "sex", "birth_date", "phone", "address", "disabled")

# A case is settled when closed, acknowledged by the centre, and nothing about it waits in the outbox.
_SETTLED_CASE = """c.status = 'closed' AND c.closed_at < :cutoff
    AND EXISTS (SELECT 1 FROM case_central cc WHERE cc.case_id = c.id AND cc.acked_at IS NOT NULL)
    AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.case_id = c.id AND o.sent_at IS NULL)"""


@dataclass(frozen=True)
class PurgeReport:
    cutoff: str
    citizens: list[int] = field(default_factory=list)
    cases_with_address: list[int] = field(default_factory=list)
    attachments: list[int] = field(default_factory=list)
    files_deleted: int = 0
    files_already_gone: int = 0
    audit_id: int = 0


def purge(
    db: Database,
    retention_days: int,
    *,
    staff_id: int | None = None,
    now: datetime | None = None,
) -> PurgeReport:
    """Purge what has been kept longer than `retention_days`; safe to run at any time."""
    if not isinstance(retention_days, int) or isinstance(retention_days, bool) or retention_days < 1:
        raise InvalidValue(Code.STORE_TOO_SMALL, field="retention_days", min=1)
    moment = clock.resolve(now)
    cutoff = clock.to_text(moment - timedelta(days=retention_days))
    stamp = clock.to_text(moment)
    with immediate(db):
        attachments = list(
            db.query(
                f"""SELECT a.id, a.path FROM attachments a JOIN cases c ON c.id = a.case_id
                WHERE a.purged_at IS NULL AND {_SETTLED_CASE} ORDER BY a.id""",
                {"cutoff": cutoff},
            )
        )
        cases = [
            row["id"]
            for row in db.query(
                f"SELECT c.id FROM cases c WHERE c.delivery_address IS NOT NULL AND {_SETTLED_CASE} ORDER BY c.id",
                {"cutoff": cutoff},
            )
        ]
        citizens = [row["id"] for row in db.query(_CITIZENS_DUE, {"cutoff": cutoff})]

        # Files go first: if the commit then failed, the rows would still point at the
        # missing files, and the next run would count them as already gone.
        deleted = gone = 0
        for row in attachments:
            try:
                os.remove(Path(row["path"]))
                deleted += 1
            except FileNotFoundError:
                gone += 1
        _update_ids(
            db,
            "UPDATE attachments SET path = NULL, purged_at = ? WHERE id IN ({})",
            [row["id"] for row in attachments],
            stamp,
        )
        _update_ids(db, "UPDATE cases SET delivery_address = NULL WHERE id IN ({})", cases)
        # A booking's name, phone and address came from the centre for the visit; past the cutoff they go.
        db.execute("UPDATE central_bookings SET name = NULL, phone = NULL, address = NULL WHERE day < ?", [cutoff[:10]])
        _update_ids(
            db,
            "UPDATE citizens SET id_number = NULL, name = NULL, sex = NULL, birth_date = NULL, phone = NULL,"
            " address = NULL, disabled = 0, purged_at = ?, updated_at = ? WHERE id IN ({})",
            citizens,
            stamp,
            stamp,
        )
        report = PurgeReport(
            cutoff=cutoff,
            citizens=citizens,
            cases_with_address=cases,
            attachments=[row["id"] for row in attachments],
            files_deleted=deleted,
            files_already_gone=gone,
        )
        audit_id = audit.record(
            db, "purge", "retention", None, describe(report, retention_days), staff_id=staff_id, now=moment
        )
        return replace(report, audit_id=audit_id)


def describe(report: PurgeReport, retention_days: int) -> str:
    """The audit text: what was purged, by id and field."""

    def ids(values: list[int]) -> str:
        return ", ".join(f"#{value}" for value in values) if values else "none"

    return (
        f"retention {retention_days} days (kept since {report.cutoff}): "
        f"citizens {ids(report.citizens)} lost {', '.join(CITIZEN_FIELDS)}; "
        f"cases {ids(report.cases_with_address)} lost delivery_address; "
        f"attachments {ids(report.attachments)} lost their capture files "
        f"({report.files_deleted} deleted, {report.files_already_gone} already gone)"
    )


def _update_ids(db: Database, sql: str, ids: list[int], *params: str) -> None:
    # Chunks keep well under SQLite's bound-parameter limit.
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        db.execute(sql.format(", ".join("?" * len(chunk))), [*params, *chunk])


_CITIZENS_DUE = f"""
SELECT z.id FROM citizens z
WHERE z.purged_at IS NULL
  AND z.updated_at < :cutoff
  AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.citizen_id = z.id AND NOT ({_SETTLED_CASE}))
  AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.citizen_id = z.id
                  AND (t.status IN ('waiting', 'called', 'serving') OR t.issued_at >= :cutoff))
  AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.citizen_id = z.id
                  AND (a.status = 'booked' OR a.scheduled_at >= :cutoff))
  AND NOT EXISTS (SELECT 1 FROM follow_ups f JOIN ratings r ON r.id = f.rating_id
                  JOIN tickets t ON t.id = r.ticket_id
                  WHERE t.citizen_id = z.id AND (f.status != 'closed' OR f.closed_at >= :cutoff))
ORDER BY z.id"""
