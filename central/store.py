"""The central store: PostgreSQL through psycopg 3. Migrations, and taking in a batch of messages.

`take_in` stores a batch in one transaction and returns the msg_ids to acknowledge. Each
message is kept once by (van_id, msg_id) in `inbox` (`INSERT … ON CONFLICT DO NOTHING`); only
a new one changes the projections (cases, trips, ratings, …), so a message delivered any
number of times takes effect once. Each message has a savepoint of its own: one that cannot
be stored (a file whose sha256 does not match, a body missing what its kind needs) is
recorded in `rejects`, is not acknowledged, and spoils nothing else in the batch.
Acknowledge only after the commit returns.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from central.schema import MIGRATIONS
from core.centre import ACK, HEARTBEAT, Envelope
from core.waybill import carrier_of

__all__ = ["Batch", "Blobs", "connect", "migrate", "take_in"]

log = logging.getLogger(__name__)
FOLLOWUP_ORDER = {"open": 0, "called_back": 1, "fixed": 2, "closed": 3}


class Rejected(Exception):
    """A message that cannot be stored; the reason names the problem, never the content."""


class Blobs:
    """Attachment files by sha256, written and synced before the transaction that names them commits."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, sha256: str, content: bytes) -> None:
        target = self.path(sha256)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".part")
        with temporary.open("wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(target)
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()


async def connect(url: str) -> psycopg.AsyncConnection[Any]:
    return await psycopg.AsyncConnection.connect(url, autocommit=False)


def connect_sync(url: str) -> psycopg.Connection[Any]:
    return psycopg.connect(url, autocommit=False)


def migrate_sync(conn: psycopg.Connection[Any]) -> list[str]:
    """Apply the migrations not applied yet; returns their names. Safe to race: one waits for the other."""
    applied = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(7734001)")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS central_migrations (name text PRIMARY KEY, "
            "applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {row[0] for row in conn.execute("SELECT name FROM central_migrations")}
        for name, statements in MIGRATIONS:
            if name in done:
                continue
            for statement in statements:
                conn.execute(statement)  # our own DDL, not user input
            conn.execute("INSERT INTO central_migrations (name) VALUES (%s)", [name])
            applied.append(name)
    conn.commit()
    return applied


async def migrate(url: str) -> list[str]:
    import asyncio

    def run() -> list[str]:
        with connect_sync(url) as conn:
            return migrate_sync(conn)

    return await asyncio.to_thread(run)


@dataclass
class Batch:
    """What one batch did: msg_ids to acknowledge per van, and counts."""

    acks: dict[str, list[str]] = field(default_factory=dict)
    new: int = 0
    repeated: int = 0
    rejected: int = 0


async def take_in(
    conn: psycopg.AsyncConnection[Any], messages: list[tuple[str, Envelope]], blobs: Blobs, *, connector: str
) -> Batch:
    """Store a batch of (van_id, envelope) in one transaction; acknowledge `Batch.acks` after it returns."""
    batch = Batch()
    async with conn.transaction():
        for van_id, message in messages:
            try:
                async with conn.transaction():  # a savepoint: one bad message spoils nothing else
                    await _take_one(conn, van_id, message, blobs, batch, connector)
            except Rejected as error:
                batch.rejected += 1
                log.warning("rejected %s %s from %s: %s", message.kind, message.msg_id, van_id, error)
                await conn.execute(
                    "INSERT INTO rejects (van_id, msg_id, kind, reason) VALUES (%s, %s, %s, %s)",
                    [van_id, message.msg_id, message.kind, str(error)[:500]],
                )
            except (KeyError, TypeError, ValueError, psycopg.errors.DataError) as error:
                batch.rejected += 1
                reason = f"{type(error).__name__}: {str(error)[:200]}"
                log.warning("rejected %s %s from %s: %s", message.kind, message.msg_id, van_id, reason)
                await conn.execute(
                    "INSERT INTO rejects (van_id, msg_id, kind, reason) VALUES (%s, %s, %s, %s)",
                    [van_id, message.msg_id, message.kind, reason],
                )
    return batch


async def _take_one(
    conn: psycopg.AsyncConnection[Any], van_id: str, message: Envelope, blobs: Blobs, batch: Batch, connector: str
) -> None:
    await conn.execute(
        """INSERT INTO vans (van_id, first_seen_at, last_seen_at) VALUES (%s, now(), now())
                          ON CONFLICT (van_id) DO UPDATE SET last_seen_at = now()""",
        [van_id],
    )
    body = message.body
    if message.kind == ACK:
        await conn.execute(
            "DELETE FROM down_outbox WHERE van_id = %s AND msg_id = ANY(%s::uuid[])", [van_id, body["acks"]]
        )
        return
    if message.kind == HEARTBEAT:
        await conn.execute(
            "UPDATE vans SET outbox_pending = %s, oldest_pending_at = %s WHERE van_id = %s",
            [int(body.get("outbox_pending") or 0), body.get("oldest_pending_at"), van_id],
        )
        batch.acks.setdefault(van_id, []).append(message.msg_id)
        return
    stored = body
    if message.kind == "case.accepted":
        stored = _store_files(body, blobs)
    cursor = await conn.execute(
        """INSERT INTO inbox (van_id, msg_id, kind, at, body) VALUES (%s, %s, %s, %s, %s)
           ON CONFLICT (van_id, msg_id) DO NOTHING RETURNING 1""",
        [van_id, message.msg_id, message.kind, message.at, Jsonb(stored)],
    )
    if await cursor.fetchone() is None:
        batch.repeated += 1
    else:
        await PROJECT[message.kind](conn, van_id, stored, batch, connector)
        batch.new += 1  # only once it is all stored: a failure above rolls the savepoint back
    batch.acks.setdefault(van_id, []).append(message.msg_id)


def _store_files(body: dict[str, Any], blobs: Blobs) -> dict[str, Any]:
    """Check each file against its sha256 and keep it; the body kept in the inbox names files, never holds them."""
    kept = []
    for item in body.get("attachments", []):
        sha = str(item["sha256"]).lower()
        content = item.get("content")
        stored = False
        if content is not None:
            data = base64.b64decode(content, validate=True)
            if hashlib.sha256(data).hexdigest() != sha:
                raise Rejected(f"attachment {item.get('id')}: its bytes do not match its sha256")
            blobs.put(sha, data)
            stored = True
        kept.append({key: value for key, value in item.items() if key != "content"} | {"stored": stored, "sha256": sha})
    return body | {"attachments": kept}


def _time(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


async def _count(conn: psycopg.AsyncConnection[Any], van_id: str, what: str, cursor: Any) -> None:
    """Add one to the van's running count of `what` when the statement behind `cursor` made a new row."""
    row = await cursor.fetchone()
    if row is not None and row[0]:
        await conn.execute(f"UPDATE vans SET {what} = {what} + 1 WHERE van_id = %s", [van_id])


async def _case(
    conn: psycopg.AsyncConnection[Any], van_id: str, body: dict[str, Any], batch: Batch, connector: str
) -> None:
    staff = body.get("staff") or {}
    case_id = int(body["case_id"])
    outcome = body.get("outcome") or "accepted_forwarded"
    cursor = await conn.execute(
        """INSERT INTO cases (van_id, case_id, trip_id, trip_date, item_code, item_name, department, outcome, reason,
                              delivery, delivery_date, waybill, staff_login, staff_name, ticket, opened_at, outcome_at,
                              closed_at, applicant, delivery_address, materials)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
           ON CONFLICT (van_id, case_id) DO UPDATE SET outcome = excluded.outcome, reason = excluded.reason,
               delivery = excluded.delivery, outcome_at = excluded.outcome_at,
               closed_at = COALESCE(excluded.closed_at, cases.closed_at),
               waybill = COALESCE(cases.waybill, excluded.waybill)
           RETURNING xmax = 0""",
        [
            van_id,
            case_id,
            body.get("trip_id"),
            body.get("trip_date"),
            body["item_code"],
            body.get("item_name"),
            body.get("department"),
            outcome,
            body.get("reason"),
            body.get("delivery"),
            body.get("delivery_date"),
            body.get("waybill"),
            staff.get("login"),
            staff.get("name"),
            body.get("ticket"),
            _time(body.get("opened_at")),
            _time(body.get("outcome_at") or body.get("accepted_at")),
            _time(body.get("closed_at")),
            Jsonb(body["applicant"]) if body.get("applicant") else None,
            body.get("delivery_address"),
            Jsonb(body.get("materials", [])),
        ],
    )
    await _count(conn, van_id, "cases", cursor)
    for item in body.get("attachments", []):
        await conn.execute(
            """INSERT INTO attachments (van_id, case_id, attachment_id, kind, sha256, bytes, certified_by, certified_at,
                                        stored)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING""",
            [
                van_id,
                case_id,
                int(item["id"]),
                item["kind"],
                item["sha256"],
                item.get("bytes"),
                item.get("certified_by"),
                _time(item.get("certified_at")),
                bool(item.get("stored")),
            ],
        )
    if outcome == "accepted_forwarded" and connector != "none":
        await conn.execute(
            """INSERT INTO backoffice (van_id, case_id, connector, state) VALUES (%s, %s, %s, 'pending')
                              ON CONFLICT DO NOTHING""",
            [van_id, case_id, connector],
        )


async def _delivered(
    conn: psycopg.AsyncConnection[Any], van_id: str, body: dict[str, Any], batch: Batch, connector: str
) -> None:
    waybill = (body.get("waybill") or "").strip().upper() or None
    carrier = carrier_of(waybill) if waybill else None
    await conn.execute(
        """INSERT INTO deliveries (van_id, case_id, delivery, waybill, carrier, delivered_at)
           VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (van_id, case_id) DO UPDATE
           SET waybill = excluded.waybill, carrier = excluded.carrier, delivered_at = excluded.delivered_at""",
        [
            van_id,
            int(body["case_id"]),
            body["delivery"],
            waybill,
            carrier.value if carrier else None,
            _time(body.get("delivered_at")),
        ],
    )
    await conn.execute(
        "UPDATE cases SET waybill = %s WHERE van_id = %s AND case_id = %s", [waybill, van_id, int(body["case_id"])]
    )


async def _trip(
    conn: psycopg.AsyncConnection[Any], van_id: str, body: dict[str, Any], batch: Batch, connector: str
) -> None:
    trip, overall = body["trip"], body.get("overall", {})
    trip_id = int(trip["id"])
    cursor = await conn.execute(
        """INSERT INTO trips (van_id, trip_id, trip_date, stop, mode, captain, opened_at, closed_at, tickets, cases,
                              completion_rate, satisfaction_rate, praise_rate, wait_median_s, wait_p90_s, summary)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
           ON CONFLICT (van_id, trip_id) DO UPDATE SET summary = excluded.summary, closed_at = excluded.closed_at,
               tickets = excluded.tickets, cases = excluded.cases, completion_rate = excluded.completion_rate,
               satisfaction_rate = excluded.satisfaction_rate, praise_rate = excluded.praise_rate,
               wait_median_s = excluded.wait_median_s, wait_p90_s = excluded.wait_p90_s
           RETURNING xmax = 0""",
        [
            van_id,
            trip_id,
            trip["date"],
            trip.get("stop"),
            trip.get("mode"),
            trip.get("captain"),
            _time(trip.get("opened_at")),
            _time(trip.get("closed_at")),
            int(overall.get("tickets") or 0),
            int(overall.get("cases") or 0),
            overall.get("completion_rate"),
            overall.get("satisfaction_rate"),
            overall.get("praise_rate"),
            overall.get("wait_median_s"),
            overall.get("wait_p90_s"),
            Jsonb(body),
        ],
    )
    await _count(conn, van_id, "trips", cursor)
    directory = body.get("staff", {})
    cooperation = {str(member.get("staff_id")): member.get("cooperation") for member in body.get("crew", [])}
    names = {str(member.get("staff_id")): member.get("name") for member in body.get("crew", [])}
    figures = {str(group.get("key")): group for group in body.get("by_staff", [])}
    await conn.execute("DELETE FROM trip_staff WHERE van_id = %s AND trip_id = %s", [van_id, trip_id])
    for staff_id in dict.fromkeys([*cooperation, *figures]):
        person = directory.get(staff_id) or {}
        group = figures.get(staff_id, {})
        key = person.get("login") or f"{van_id}:{staff_id}"
        await conn.execute(
            """INSERT INTO trip_staff (van_id, trip_id, staff_key, name, department, trip_date, cooperation, cases,
                                       completed, forwarded, not_done, ratings, satisfied, praised)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)""",
            [
                van_id,
                trip_id,
                key,
                person.get("name") or names.get(staff_id) or group.get("name") or key,
                person.get("department"),
                trip["date"],
                cooperation.get(staff_id),
                int(group.get("cases") or 0),
                int(group.get("completed_on_site") or 0),
                int(group.get("accepted_forwarded") or 0),
                int(group.get("not_done") or 0),
                int(group.get("ratings") or 0),
                int(group.get("satisfied") or 0),
                int(group.get("praised") or 0),
            ],
        )


async def _rating(
    conn: psycopg.AsyncConnection[Any], van_id: str, body: dict[str, Any], batch: Batch, connector: str
) -> None:
    staff = body.get("staff") or {}
    cursor = await conn.execute(
        """INSERT INTO ratings (van_id, rating_id, trip_id, score, named, staff_login, staff_name, comment, ticket,
                                rated_at)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING true""",
        [
            van_id,
            int(body["rating_id"]),
            body.get("trip_id"),
            int(body["score"]),
            bool(body.get("named")),
            staff.get("login"),
            staff.get("name"),
            body.get("comment") or "",
            body.get("ticket"),
            body["rated_at"],
        ],
    )
    await _count(conn, van_id, "ratings", cursor)


async def _followup(
    conn: psycopg.AsyncConnection[Any], van_id: str, body: dict[str, Any], batch: Batch, connector: str
) -> None:
    status = body["status"]
    if status not in FOLLOWUP_ORDER:
        raise Rejected(f"unknown follow-up status {str(status)[:20]!r}")
    steps = {key: value for key, value in body.items() if key.split("_")[0] in ("callback", "fix", "report")}
    await conn.execute(
        """INSERT INTO followups (van_id, followup_id, rating_id, trip_id, status, opened_at, deadline, closed_at,
                                  steps, updated_at)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, now())
           ON CONFLICT (van_id, followup_id) DO UPDATE SET status = excluded.status, closed_at = excluded.closed_at,
               steps = excluded.steps, updated_at = now()
           WHERE (CASE followups.status WHEN 'open' THEN 0 WHEN 'called_back' THEN 1 WHEN 'fixed' THEN 2 ELSE 3 END)
               <= %s""",
        [
            van_id,
            int(body["followup_id"]),
            int(body["rating_id"]),
            body.get("trip_id"),
            status,
            body["opened_at"],
            body["deadline"],
            _time(body.get("closed_at")),
            Jsonb(steps),
            FOLLOWUP_ORDER[status],
        ],
    )


async def _suggestion(
    conn: psycopg.AsyncConnection[Any], van_id: str, body: dict[str, Any], batch: Batch, connector: str
) -> None:
    await conn.execute(
        """INSERT INTO suggestions (van_id, suggestion_id, trip_id, text, received_at, response, responded_at)
           VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (van_id, suggestion_id) DO UPDATE
           SET response = COALESCE(excluded.response, suggestions.response),
               responded_at = COALESCE(excluded.responded_at, suggestions.responded_at)""",
        [
            van_id,
            int(body["suggestion_id"]),
            body.get("trip_id"),
            body["text"],
            body["received_at"],
            body.get("response"),
            _time(body.get("responded_at")),
        ],
    )


async def _incident(
    conn: psycopg.AsyncConnection[Any], van_id: str, body: dict[str, Any], batch: Batch, connector: str
) -> None:
    problem = body.get("problem") or {}  # null from a van before codes were sent
    await conn.execute(
        """INSERT INTO incidents (van_id, incident_id, device, kind, state, problem, params, detail, at)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING""",
        [
            van_id,
            int(body["incident_id"]),
            body["device"],
            body["kind"],
            body.get("state") or "",
            problem.get("code") or "",
            Jsonb(problem.get("params") or {}),
            body.get("detail") or "",
            body["at"],
        ],
    )


async def _booking(
    conn: psycopg.AsyncConnection[Any], van_id: str, body: dict[str, Any], batch: Batch, connector: str
) -> None:
    await conn.execute(
        """INSERT INTO booking_requests (van_id, appointment_id, kind, group_name, head_count, special_needs,
                                         scheduled_at, items, contact, booked_at)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING""",
        [
            van_id,
            int(body["appointment_id"]),
            body["kind"],
            body.get("group_name"),
            int(body.get("head_count") or 1),
            body.get("special_needs") or "",
            _time(body.get("scheduled_at")),
            Jsonb(body.get("items", [])),
            Jsonb(body["contact"]) if body.get("contact") else None,
            _time(body.get("booked_at")),
        ],
    )


async def _reveal(
    conn: psycopg.AsyncConnection[Any], van_id: str, body: dict[str, Any], batch: Batch, connector: str
) -> None:
    staff = body.get("staff") or {}
    await conn.execute(
        """INSERT INTO reveals (van_id, audit_id, at, staff_id, staff_login, staff_name, subject, subject_id, detail)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING""",
        [
            van_id,
            int(body["audit_id"]),
            body["at"],
            body.get("staff_id"),
            staff.get("login"),
            staff.get("name"),
            body["subject"],
            body.get("subject_id"),
            body.get("detail") or "",
        ],
    )


PROJECT = {
    "case.accepted": _case,
    "case.outcome": _case,
    "case.delivered": _delivered,
    "trip.summary": _trip,
    "rating": _rating,
    "followup": _followup,
    "suggestion": _suggestion,
    "incident": _incident,
    "booking.request": _booking,
    "audit.view": _reveal,
}


async def send_down(
    conn: psycopg.AsyncConnection[Any], van_id: str, kind: str, body: dict[str, Any], msg_id: str
) -> None:
    """Queue a message for a van, in the caller's transaction; it stays until the van acknowledges it."""
    await conn.execute(
        "INSERT INTO down_outbox (van_id, msg_id, kind, body) VALUES (%s, %s, %s, %s)",
        [van_id, msg_id, kind, Jsonb(body)],
    )


def working_days_after(start: date, days: int) -> date:
    """A deadline `days` working days (Monday to Friday) after `start`."""
    day, left = start, days
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def to_json(value: Any) -> str:
    return json.dumps(
        value,
        ensure_ascii=False,
        default=lambda item: item.isoformat() if isinstance(item, datetime | date) else str(item),
    )
