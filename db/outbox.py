"""The outbox: messages for the back office, kept until a sync confirms them.

The van's network drops out, so nothing waits on the back office: operations
enqueue here in their own transaction and `govan sync` drains the queue later.
Each entry travels under its own msg_id and is deleted only when the centre
acknowledges that msg_id (DESIGN.md, "End-to-end acknowledgement"); until then
it is sent again, each time a little later (`due`, `mark_tried`).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from core.problems import Code
from db import clock
from db.connection import immediate
from db.errors import InvalidValue, NotFound, WrongState


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    kind: str
    case_id: int | None
    payload: dict[str, Any]
    created_at: str
    attempts: int
    last_error: str | None
    sent_at: str | None
    reference: str | None
    msg_id: str
    next_attempt_at: str | None


def enqueue(
    db: Database, kind: str, payload: dict[str, Any], *, case_id: int | None = None, now: datetime | None = None
) -> int:
    cursor = db.execute(
        "INSERT INTO outbox (kind, case_id, payload, created_at, msg_id) VALUES (?, ?, ?, ?, ?)",
        [kind, case_id, json.dumps(payload, ensure_ascii=False), clock.to_text(clock.resolve(now)), str(uuid.uuid4())],
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def pending(db: Database, *, limit: int = 50) -> list[OutboxMessage]:
    """Unsent messages, oldest first."""
    rows = db.query("SELECT * FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT ?", [limit])
    return [_message(row) for row in rows]


def mark_sent(db: Database, message_id: int, *, reference: str | None = None, now: datetime | None = None) -> None:
    """The back office took the message; its reference (受理编号) is copied to the case."""
    with immediate(db):
        message = get(db, message_id)
        if message.sent_at is not None:
            raise WrongState(Code.OUTBOX_ALREADY_SENT, message=message_id)
        reference = (reference or "").strip() or None
        db.execute(
            "UPDATE outbox SET sent_at = ?, reference = ?, attempts = attempts + 1 WHERE id = ?",
            [clock.to_text(clock.resolve(now)), reference, message_id],
        )
        if reference and message.case_id is not None:
            db.execute("UPDATE cases SET backoffice_ref = ? WHERE id = ?", [reference, message.case_id])


def mark_failed(db: Database, message_id: int, error: str) -> None:
    """A sync attempt failed; the message stays pending. `error` must not contain personal data."""
    if not (error or "").strip():
        raise InvalidValue(Code.OUTBOX_ERROR_MISSING)
    with immediate(db):
        if get(db, message_id).sent_at is not None:
            raise WrongState(Code.OUTBOX_ALREADY_SENT, message=message_id)
        db.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?", [error.strip()[:500], message_id]
        )


def due(db: Database, *, limit: int = 100, now: datetime | None = None) -> list[OutboxMessage]:
    """Unsent messages whose next try has come, oldest first."""
    stamp = clock.to_text(clock.resolve(now))
    rows = db.query(
        """SELECT * FROM outbox WHERE sent_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
                       ORDER BY id LIMIT ?""",
        [stamp, limit],
    )
    return [_message(row) for row in rows]


def awaiting(db: Database, *, now: datetime | None = None) -> int:
    """Messages sent and not yet acknowledged whose time to be sent again has not come: the window in flight."""
    stamp = clock.to_text(clock.resolve(now))
    row = next(
        iter(db.query("SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL AND next_attempt_at > ?", [stamp]))
    )
    return int(row["n"])


def mark_tried(db: Database, message_ids: list[int], *, retry_after_s: float, now: datetime | None = None) -> None:
    """These messages were published; if no acknowledgement comes, send them again after `retry_after_s`."""
    later = clock.to_text(clock.resolve(now) + timedelta(seconds=retry_after_s))
    with immediate(db):
        for start in range(0, len(message_ids), 500):
            chunk = message_ids[start : start + 500]
            db.execute(
                f"UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? "
                f"WHERE id IN ({', '.join('?' * len(chunk))})",
                [later, *chunk],
            )


def acknowledge(db: Database, msg_ids: list[str], *, now: datetime | None = None) -> int:
    """The centre stored these messages: delete them, and note on each case that the centre has it.
    Unknown msg_ids (acknowledged before, or never ours) are ignored. Returns how many were deleted."""
    stamp = clock.to_text(clock.resolve(now))
    deleted = 0
    with immediate(db):
        for msg_id in msg_ids:
            rows = list(db.query("SELECT id, case_id FROM outbox WHERE msg_id = ?", [msg_id]))
            if not rows:
                continue
            row = rows[0]
            if row["case_id"] is not None:
                db.execute(
                    """INSERT INTO case_central (case_id, acked_at) VALUES (?, ?)
                              ON CONFLICT (case_id) DO UPDATE SET acked_at = COALESCE(acked_at, excluded.acked_at)""",
                    [row["case_id"], stamp],
                )
            db.execute("UPDATE trip_reports SET outbox_id = NULL WHERE outbox_id = ?", [row["id"]])
            db.execute("DELETE FROM outbox WHERE id = ?", [row["id"]])
            deleted += 1
    return deleted


@dataclass(frozen=True)
class Backlog:
    pending: int
    oldest_at: str | None


def backlog(db: Database) -> Backlog:
    """How much waits for the centre, and since when."""
    row = next(iter(db.query("SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE sent_at IS NULL")))
    return Backlog(row["n"], row["oldest"])


def get(db: Database, message_id: int) -> OutboxMessage:
    rows = list(db.query("SELECT * FROM outbox WHERE id = ?", [message_id]))
    if not rows:
        raise NotFound(Code.OUTBOX_NOT_FOUND, message=message_id)
    return _message(rows[0])


def _message(row: dict[str, Any]) -> OutboxMessage:
    values = dict(row)
    values["payload"] = json.loads(values["payload"])
    return OutboxMessage(**values)
