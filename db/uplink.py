"""What the van tells the centre, and what the centre told the van (the store's side of `govan sync`).

- `collect` queues in the outbox everything the centre has not heard of yet: case outcomes
  (accepted cases are queued by db.cases itself), mailed or delivered results, ratings,
  each step of a 差评 follow-up, suggestions and their answers, device incidents,
  requests for a home visit or a group booking, and each read of personal data (the audit
  log's views: who saw an ID number or a phone, when, why; never the value). `central_marks` remembers what was queued,
  so each thing (and each version of it) is queued once.
- `body` is what a queued message carries up, resolved when it is sent: a case names its
  item, department and staff, and only an accepted case names its applicant, with no more
  than the back office needs to process it (name, ID number, phone, where to mail it).
- `apply_receipt` and `apply_tracking` record what the centre says back about a case:
  已送达后台 (delivered), 后台已受理 (accepted), and where a mailed result is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from db import clock, outbox
from db.connection import immediate

BATCH = 500
# Marks: (subject, the SQL of rows not yet queued in that version, the kind it travels as).
_CASE_OUTCOMES = ("completed_on_site", "not_done", "consult_only")
BACKOFFICE_STATES = ("delivered", "accepted", "rejected")
TRACKING_STATES = ("collected", "in_transit", "out_for_delivery", "signed", "returned", "refused")


@dataclass(frozen=True)
class Collected:
    cases: int = 0
    deliveries: int = 0
    ratings: int = 0
    followups: int = 0
    suggestions: int = 0
    incidents: int = 0
    bookings: int = 0
    reveals: int = 0

    @property
    def total(self) -> int:
        return (
            self.cases
            + self.deliveries
            + self.ratings
            + self.followups
            + self.suggestions
            + self.incidents
            + self.bookings
            + self.reveals
        )


def _unmarked(subject: str, table: str, version: str, where: str = "1") -> str:
    return f"""SELECT t.* FROM {table} t WHERE {where} AND NOT EXISTS (
                   SELECT 1 FROM central_marks m WHERE m.subject = '{subject}' AND m.subject_id = t.id
                   AND m.version = {version}) ORDER BY t.id LIMIT {BATCH}"""


def collect(db: Database, *, now: datetime | None = None) -> Collected:
    """Queue what the centre has not heard of yet; safe to run at any time, from any process."""
    moment = clock.resolve(now)
    stamp = clock.to_text(moment)
    counts: dict[str, int] = {}

    def queue(
        field: str,
        subject: str,
        row_id: int,
        version: str,
        kind: str,
        payload: dict[str, Any],
        case_id: int | None = None,
    ) -> None:
        outbox.enqueue(db, kind, payload, case_id=case_id, now=moment)
        db.execute(
            "INSERT INTO central_marks (subject, subject_id, version, queued_at) VALUES (?, ?, ?, ?)",
            [subject, row_id, version, stamp],
        )
        counts[field] = counts.get(field, 0) + 1

    with immediate(db):
        outcomes = ", ".join(f"'{outcome}'" for outcome in _CASE_OUTCOMES)
        for row in db.query(_unmarked("case", "cases", "'outcome'", f"t.outcome IN ({outcomes})")):
            queue("cases", "case", row["id"], "outcome", "case.outcome", {"case_id": row["id"]}, row["id"])
        for row in db.query(
            _unmarked("case", "cases", "'delivered'", "t.status = 'closed' AND t.delivery IN ('post', 'door')")
        ):
            queue(
                "deliveries",
                "case",
                row["id"],
                "delivered",
                "case.delivered",
                {
                    "case_id": row["id"],
                    "delivery": row["delivery"],
                    "waybill": row["waybill"],
                    "delivery_date": row["delivery_date"],
                    "delivered_at": row["closed_at"],
                },
                row["id"],
            )
        for row in db.query(_unmarked("rating", "ratings", "'rated'")):
            queue("ratings", "rating", row["id"], "rated", "rating", {"rating_id": row["id"]})
        for row in db.query(_unmarked("followup", "follow_ups", "t.status")):
            queue("followups", "followup", row["id"], row["status"], "followup", {"followup_id": row["id"]})
        for row in db.query(
            _unmarked("suggestion", "suggestions", "CASE WHEN t.response IS NULL THEN 'received' ELSE 'responded' END")
        ):
            version = "received" if row["response"] is None else "responded"
            queue("suggestions", "suggestion", row["id"], version, "suggestion", {"suggestion_id": row["id"]})
        for row in db.query(_unmarked("incident", "device_incidents", "'recorded'")):
            queue(
                "incidents",
                "incident",
                row["id"],
                "recorded",
                "incident",
                {
                    "incident_id": row["id"],
                    "device": row["device"],
                    "kind": row["kind"],
                    "state": row["state"],
                    "problem": _problem(row["problem"], row["params"]),
                    "detail": row["detail"],
                    "at": row["at"],
                },
            )
        for row in db.query(
            _unmarked(
                "booking", "appointments", "'requested'", "t.kind IN ('home_visit', 'group') AND t.status = 'booked'"
            )
        ):
            queue("bookings", "booking", row["id"], "requested", "booking.request", {"appointment_id": row["id"]})
        for row in db.query(_unmarked("audit", "audit_log", "'sent'", "t.action = 'view'")):
            queue("reveals", "audit", row["id"], "sent", "audit.view", {"audit_id": row["id"]})
    return Collected(**counts)


def body(db: Database, message: outbox.OutboxMessage) -> dict[str, Any]:
    """What `message` carries up, resolved now (it is not kept in the outbox, so personal data stays in one place)."""
    payload = dict(message.payload)
    if message.kind in ("case.accepted", "case.outcome"):
        payload.update(_case_facts(db, payload["case_id"], applicant=message.kind == "case.accepted"))
    elif message.kind == "trip.summary":
        payload["staff"] = _staff_directory(db, [member["staff_id"] for member in payload.get("crew", [])])
    elif message.kind == "rating":
        payload.update(_rating(db, payload["rating_id"]))
    elif message.kind == "followup":
        payload.update(_followup(db, payload["followup_id"]))
    elif message.kind == "suggestion":
        payload.update(
            _one(
                db,
                "SELECT id AS suggestion_id, trip_id, text, received_at, response, responded_at "
                "FROM suggestions WHERE id = ?",
                payload["suggestion_id"],
            )
        )
    elif message.kind == "booking.request":
        payload.update(_booking(db, payload["appointment_id"]))
    elif message.kind == "audit.view":
        entry = _one(
            db,
            "SELECT id AS audit_id, at, staff_id, subject, subject_id, detail FROM audit_log WHERE id = ?",
            payload["audit_id"],
        )
        payload.update(entry, staff=_staff(db, entry.get("staff_id")))
    return payload


def _problem(code: str, params: str) -> dict[str, Any] | None:
    """An incident's problem as it goes up: its code and params, or null when it has none."""
    return {"code": code, "params": json.loads(params)} if code else None


def _one(db: Database, sql: str, *params: Any) -> dict[str, Any]:
    rows = list(db.query(sql, list(params)))
    return dict(rows[0]) if rows else {}


def _staff(db: Database, staff_id: int | None) -> dict[str, Any] | None:
    if staff_id is None:
        return None
    return _one(db, "SELECT id, login, name, department FROM staff WHERE id = ?", staff_id) or None


def _staff_directory(db: Database, ids: list[int]) -> dict[str, dict[str, Any]]:
    return {str(staff_id): person for staff_id in ids if (person := _staff(db, staff_id))}


def _case_facts(db: Database, case_id: int, *, applicant: bool) -> dict[str, Any]:
    case = _one(
        db,
        """SELECT c.*, i.name AS item_name, i.department, t.trip_date, k.category, k.number,
                              k.issued_at, k.called_at
                       FROM cases c JOIN service_items i ON i.code = c.item_code JOIN trips t ON t.id = c.trip_id
                       LEFT JOIN tickets k ON k.id = c.ticket_id WHERE c.id = ?""",
        case_id,
    )
    if not case:
        return {"case_id": case_id, "missing": True}
    facts: dict[str, Any] = {
        "case_id": case_id,
        "trip_id": case["trip_id"],
        "trip_date": case["trip_date"],
        "item_code": case["item_code"],
        "item_name": case["item_name"],
        "department": case["department"],
        "outcome": case["outcome"],
        "reason": case["reason"],
        "delivery": case["delivery"],
        "delivery_date": case["delivery_date"],
        "waybill": case["waybill"],
        "opened_at": case["opened_at"],
        "outcome_at": case["outcome_at"],
        "closed_at": case["closed_at"],
        "staff": _staff(db, case["staff_id"]),
        "ticket": None if case["number"] is None else f"{case['category']}{case['number']:03d}",
    }
    if applicant and case["citizen_id"] is not None:
        person = _one(db, "SELECT name, id_number, phone FROM citizens WHERE id = ?", case["citizen_id"])
        facts["applicant"] = person
        facts["delivery_address"] = case["delivery_address"]
    return facts


def _rating(db: Database, rating_id: int) -> dict[str, Any]:
    row = _one(
        db,
        """SELECT r.id, r.score, r.named, r.staff_id, r.comment, r.rated_at, t.trip_id, t.category,
                             t.number, t.window
                      FROM ratings r JOIN tickets t ON t.id = r.ticket_id WHERE r.id = ?""",
        rating_id,
    )
    if not row:
        return {"missing": True}
    return {
        "trip_id": row["trip_id"],
        "score": row["score"],
        "named": bool(row["named"]),
        "staff": _staff(db, row["staff_id"]),
        "comment": row["comment"],
        "rated_at": row["rated_at"],
        "ticket": f"{row['category']}{row['number']:03d}",
        "window": row["window"],
    }


def _followup(db: Database, followup_id: int) -> dict[str, Any]:
    row = _one(
        db,
        "SELECT f.*, t.trip_id FROM follow_ups f JOIN ratings r ON r.id = f.rating_id "
        "JOIN tickets t ON t.id = r.ticket_id WHERE f.id = ?",
        followup_id,
    )
    if not row:
        return {"missing": True}
    return {
        "rating_id": row["rating_id"],
        "trip_id": row["trip_id"],
        "status": row["status"],
        "opened_at": row["opened_at"],
        "deadline": row["deadline"],
        "closed_at": row["closed_at"],
        **{
            f"{step}_{what}": (_staff(db, row[f"{step}_by"]) if what == "by" else row[f"{step}_{what}"])
            for step in ("callback", "fix", "report")
            for what in ("at", "by", "note")
        },
    }


def _booking(db: Database, appointment_id: int) -> dict[str, Any]:
    row = _one(db, "SELECT * FROM appointments WHERE id = ?", appointment_id)
    if not row:
        return {"missing": True}
    items = [
        r["item_code"]
        for r in db.query(
            "SELECT item_code FROM appointment_items WHERE appointment_id = ? ORDER BY position", [appointment_id]
        )
    ]
    contact = None
    if row["citizen_id"] is not None:
        # The dispatcher calls the person to arrange the visit: a name and a phone, nothing more.
        contact = _one(db, "SELECT name, phone FROM citizens WHERE id = ?", row["citizen_id"])
    return {
        "kind": row["kind"],
        "group_name": row["group_name"],
        "head_count": row["head_count"],
        "special_needs": row["special_needs"],
        "scheduled_at": row["scheduled_at"],
        "items": items,
        "contact": contact,
        "booked_at": row["created_at"],
    }


def apply_receipt(db: Database, case_id: int, state: str, reference: str | None, at: str) -> bool:
    """The back office's word on a case; False (and nothing stored) for a case or state this van does not know.
    A later word never goes back: accepted stays accepted if a late 'delivered' arrives."""
    if state not in BACKOFFICE_STATES:
        return False
    with immediate(db):
        if not list(db.query("SELECT 1 FROM cases WHERE id = ?", [case_id])):
            return False
        rank = {name: position for position, name in enumerate(BACKOFFICE_STATES[:2])}
        current = _one(db, "SELECT backoffice FROM case_central WHERE case_id = ?", case_id).get("backoffice")
        if current in rank and state in rank and rank[state] < rank[current]:
            return True
        db.execute(
            """INSERT INTO case_central (case_id, backoffice, backoffice_ref, backoffice_at) VALUES (?, ?, ?, ?)
                      ON CONFLICT (case_id) DO UPDATE SET backoffice = excluded.backoffice,
                          backoffice_ref = COALESCE(excluded.backoffice_ref, backoffice_ref),
                          backoffice_at = excluded.backoffice_at""",
            [case_id, state, reference, at],
        )
        if reference:
            db.execute("UPDATE cases SET backoffice_ref = ? WHERE id = ?", [reference, case_id])
    return True


def apply_tracking(db: Database, case_id: int, state: str, at: str) -> bool:
    """Where a mailed result is; a report older than the one stored is ignored."""
    if state not in TRACKING_STATES:
        return False
    with immediate(db):
        if not list(db.query("SELECT 1 FROM cases WHERE id = ?", [case_id])):
            return False
        db.execute(
            """INSERT INTO case_central (case_id, tracking, tracking_at) VALUES (?, ?, ?)
                      ON CONFLICT (case_id) DO UPDATE SET tracking = excluded.tracking,
                          tracking_at = excluded.tracking_at
                      WHERE tracking_at IS NULL OR tracking_at <= excluded.tracking_at""",
            [case_id, state, at],
        )
    return True


@dataclass(frozen=True)
class CaseCentral:
    case_id: int
    acked_at: str | None
    backoffice: str | None
    backoffice_ref: str | None
    backoffice_at: str | None
    tracking: str | None
    tracking_at: str | None


def case_central(db: Database, case_id: int) -> CaseCentral | None:
    """What the centre has said about one case, or None when it has said nothing yet."""
    row = _one(db, "SELECT * FROM case_central WHERE case_id = ?", case_id)
    return CaseCentral(**row) if row else None


@dataclass(frozen=True)
class BackofficeCounts:
    cases: int  # accepted and forwarded
    at_centre: int  # the centre has stored it
    delivered: int  # 已送达后台
    accepted: int  # 后台已受理
    rejected: int


def backoffice_counts(db: Database, trip_id: int) -> BackofficeCounts:
    """For the captain's summary: how far the trip's forwarded cases have got."""
    row = _one(
        db,
        """SELECT COUNT(*) AS cases, COUNT(cc.acked_at) AS at_centre,
                             SUM(cc.backoffice = 'delivered') AS delivered, SUM(cc.backoffice = 'accepted') AS accepted,
                             SUM(cc.backoffice = 'rejected') AS rejected
                      FROM cases c LEFT JOIN case_central cc ON cc.case_id = c.id
                      WHERE c.trip_id = ? AND c.outcome = 'accepted_forwarded'""",
        trip_id,
    )
    return BackofficeCounts(
        row["cases"], row["at_centre"], row["delivered"] or 0, row["accepted"] or 0, row["rejected"] or 0
    )


def set_state(db: Database, key: str, value: str) -> None:
    db.execute(
        "INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )


def get_state(db: Database, key: str) -> str | None:
    rows = list(db.query("SELECT value FROM sync_state WHERE key = ?", [key]))
    return rows[0]["value"] if rows else None
