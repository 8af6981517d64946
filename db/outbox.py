"""The outbox: messages for the back office, kept until a sync confirms them.

The van's network drops out, so nothing waits on the back office: operations
enqueue here in their own transaction and a sync worker drains the queue later.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
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


def enqueue(
    db: Database, kind: str, payload: dict[str, Any], *, case_id: int | None = None, now: datetime | None = None
) -> int:
    cursor = db.execute(
        "INSERT INTO outbox (kind, case_id, payload, created_at) VALUES (?, ?, ?, ?)",
        [kind, case_id, json.dumps(payload, ensure_ascii=False), clock.to_text(clock.resolve(now))])
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
        db.execute("UPDATE outbox SET sent_at = ?, reference = ?, attempts = attempts + 1 WHERE id = ?",
                   [clock.to_text(clock.resolve(now)), reference, message_id])
        if reference and message.case_id is not None:
            db.execute("UPDATE cases SET backoffice_ref = ? WHERE id = ?", [reference, message.case_id])


def mark_failed(db: Database, message_id: int, error: str) -> None:
    """A sync attempt failed; the message stays pending. `error` must not contain personal data."""
    if not (error or "").strip():
        raise InvalidValue(Code.OUTBOX_ERROR_MISSING)
    with immediate(db):
        if get(db, message_id).sent_at is not None:
            raise WrongState(Code.OUTBOX_ALREADY_SENT, message=message_id)
        db.execute("UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                   [error.strip()[:500], message_id])


def get(db: Database, message_id: int) -> OutboxMessage:
    rows = list(db.query("SELECT * FROM outbox WHERE id = ?", [message_id]))
    if not rows:
        raise NotFound(Code.OUTBOX_NOT_FOUND, message=message_id)
    return _message(rows[0])


def _message(row: dict[str, Any]) -> OutboxMessage:
    values = dict(row)
    values["payload"] = json.loads(values["payload"])
    return OutboxMessage(**values)
