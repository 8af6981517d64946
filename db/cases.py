"""Cases: one service item handled for one person, from intake to outcome and delivery.

A case starts with the item's materials as a checklist (all 'missing'); staff mark
each original seen or its copy captured. Accepted cases go to the outbox with their
materials for the back office (现场受理、后台流转).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlite_utils import Database

from core import contact
from core.problems import Code
from db import audit, clock, outbox
from db.catalogue import get_item
from db.connection import immediate
from db.errors import InvalidValue, NotFound, WrongState
from db.staff import get_staff
from db.tickets import get_ticket
from db.trips import get_trip

Outcome = Literal["completed_on_site", "accepted_forwarded", "not_done", "consult_only"]
OUTCOMES: tuple[Outcome, ...] = ("completed_on_site", "accepted_forwarded", "not_done", "consult_only")
MaterialState = Literal["original_seen", "copy_captured", "missing"]
MATERIAL_STATES: tuple[MaterialState, ...] = ("original_seen", "copy_captured", "missing")
Delivery = Literal["on_site", "post", "door"]
DELIVERIES: tuple[Delivery, ...] = ("on_site", "post", "door")
AttachmentKind = Literal["document", "certified_copy", "id_photo", "photo"]
ATTACHMENT_KINDS: tuple[AttachmentKind, ...] = ("document", "certified_copy", "id_photo", "photo")
CaseStatus = Literal["open", "awaiting_delivery", "closed"]
# Deliveries that take the result to an address: by post, or brought to the door.
ADDRESSED: tuple[Delivery, ...] = ("post", "door")
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Material:
    material: str
    state: MaterialState
    attachment_id: int | None


@dataclass(frozen=True)
class Attachment:
    id: int
    case_id: int
    kind: AttachmentKind
    path: str | None  # None once retention purged the file
    sha256: str
    bytes: int | None
    certified_by: int | None
    certified_at: str | None
    created_at: str
    purged_at: str | None


@dataclass(frozen=True)
class Case:
    id: int
    trip_id: int
    ticket_id: int | None
    item_code: str
    citizen_id: int | None
    staff_id: int
    status: CaseStatus
    outcome: Outcome | None
    reason: str | None
    delivery: Delivery | None
    waybill: str | None
    delivery_date: str | None
    backoffice_ref: str | None
    opened_at: str
    outcome_at: str | None
    closed_at: str | None
    materials: tuple[Material, ...]
    has_delivery_address: bool


def open_case(
    db: Database,
    item_code: str,
    staff_id: int,
    *,
    ticket_id: int | None = None,
    trip_id: int | None = None,
    citizen_id: int | None = None,
    now: datetime | None = None,
) -> Case:
    """Start a case for a ticket being served, or (home visits) directly on an open trip."""
    stamp = clock.to_text(clock.resolve(now))
    with immediate(db):
        item = get_item(db, item_code)
        get_staff(db, staff_id)
        if ticket_id is not None:
            ticket = get_ticket(db, ticket_id)
            if ticket.status != "serving":
                raise WrongState(Code.TICKET_NOT_SERVING, ticket=ticket.label, status=ticket.status)
            if trip_id is not None and trip_id != ticket.trip_id:
                raise InvalidValue(
                    Code.CASE_TICKET_OTHER_TRIP, ticket=ticket.label, ticket_trip=ticket.trip_id, trip=trip_id
                )
            trip_id = ticket.trip_id
            citizen_id = citizen_id if citizen_id is not None else ticket.citizen_id
        if trip_id is None:
            raise InvalidValue(Code.CASE_NO_TICKET_OR_TRIP)
        trip = get_trip(db, trip_id)
        if trip.status != "open":
            raise WrongState(Code.TRIP_NOT_OPEN, trip=trip_id, status=trip.status)
        if citizen_id is not None and not list(db.query("SELECT 1 FROM citizens WHERE id = ?", [citizen_id])):
            raise NotFound(Code.CITIZEN_NOT_FOUND, citizen=citizen_id)
        cursor = db.execute(
            "INSERT INTO cases (trip_id, ticket_id, item_code, citizen_id, staff_id, opened_at) VALUES (?, ?, ?, ?, ?, ?)",
            [trip_id, ticket_id, item_code, citizen_id, staff_id, stamp],
        )
        case_id = cursor.lastrowid
        assert case_id is not None
        for position, material in enumerate(item.materials):
            db.execute(
                "INSERT INTO case_materials (case_id, position, material) VALUES (?, ?, ?)",
                [case_id, position, material],
            )
        return get_case(db, case_id)


def add_attachment(
    db: Database,
    case_id: int,
    *,
    path: str,
    sha256: str,
    kind: AttachmentKind,
    size_bytes: int | None = None,
    material: str | None = None,
    certified_by: int | None = None,
    certified_at: datetime | None = None,
    now: datetime | None = None,
) -> Attachment:
    """Record a capture (camera result). With `material`, that checklist line becomes 'copy_captured'.
    A certified copy (此件经与原件核对无误) names who checked it against the original and when."""
    if not (path or "").strip() or not os.path.isabs(path):
        raise InvalidValue(Code.ATTACHMENT_PATH)
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256.lower()):
        raise InvalidValue(Code.ATTACHMENT_SHA256)
    if kind not in ATTACHMENT_KINDS:
        raise InvalidValue(Code.STORE_NOT_A_CHOICE, field="attachment.kind", allowed=", ".join(ATTACHMENT_KINDS))
    if (kind == "certified_copy") != (certified_by is not None and certified_at is not None):
        raise InvalidValue(Code.ATTACHMENT_CERTIFICATION)
    if size_bytes is not None and size_bytes < 0:
        raise InvalidValue(Code.ATTACHMENT_SIZE)
    with immediate(db):
        case = _open_case(db, case_id, "add a capture to")
        if certified_by is not None:
            get_staff(db, certified_by)
        cursor = db.execute(
            """INSERT INTO attachments (case_id, kind, path, sha256, bytes, certified_by, certified_at, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                case.id,
                kind,
                path,
                sha256.lower(),
                size_bytes,
                certified_by,
                clock.to_text(certified_at) if certified_at else None,
                clock.to_text(clock.resolve(now)),
            ],
        )
        attachment_id = cursor.lastrowid
        assert attachment_id is not None
        if material is not None:
            _set_material(db, case, material, "copy_captured", attachment_id)
        return get_attachment(db, attachment_id)


def set_material(
    db: Database, case_id: int, material: str, state: MaterialState, *, attachment_id: int | None = None
) -> Case:
    """Tick one checklist line: original seen, copy captured (naming the attachment), or missing."""
    if state not in MATERIAL_STATES:
        raise InvalidValue(Code.STORE_NOT_A_CHOICE, field="material.state", allowed=", ".join(MATERIAL_STATES))
    with immediate(db):
        case = _open_case(db, case_id, "change the materials of")
        _set_material(db, case, material, state, attachment_id)
        return get_case(db, case_id)


def _set_material(db: Database, case: Case, material: str, state: MaterialState, attachment_id: int | None) -> None:
    if material not in {line.material for line in case.materials}:
        raise InvalidValue(Code.CASE_MATERIAL_NOT_LISTED, case=case.id, material=material)
    if state == "copy_captured":
        if attachment_id is None:
            raise InvalidValue(Code.CASE_COPY_NEEDS_ATTACHMENT)
        if get_attachment(db, attachment_id).case_id != case.id:
            raise InvalidValue(Code.ATTACHMENT_OTHER_CASE, attachment=attachment_id, case=case.id)
    elif attachment_id is not None:
        raise InvalidValue(Code.CASE_ATTACHMENT_NOT_A_COPY)
    db.execute(
        "UPDATE case_materials SET state = ?, attachment_id = ? WHERE case_id = ? AND material = ?",
        [state, attachment_id, case.id, material],
    )


def record_outcome(
    db: Database,
    case_id: int,
    outcome: Outcome,
    *,
    reason: str | None = None,
    delivery: Delivery | None = None,
    delivery_address: str | None = None,
    waybill: str | None = None,
    delivery_date: date | None = None,
    now: datetime | None = None,
) -> Case:
    """Record how the case ended.

    - completed_on_site: only for items the catalogue marks on-site;
    - accepted_and_forwarded: queued in the outbox with its materials;
    - not_done: needs a reason; consult_only: counted outside 办成率.
    Completed and accepted cases say how the result reaches the person: on_site,
    post (mailable items; address now, waybill now or at confirm_delivery) or door (an
    address and a date). An address is checked (core.contact) and refused, never cut.
    Post and door cases stay 'awaiting_delivery' until confirm_delivery().
    """
    moment = clock.resolve(now)
    if outcome not in OUTCOMES:
        raise InvalidValue(Code.STORE_NOT_A_CHOICE, field="case.outcome", allowed=", ".join(OUTCOMES))
    reason = (reason or "").strip() or None
    if outcome == "not_done" and reason is None:
        raise InvalidValue(Code.CASE_REASON_MISSING)
    delivers = outcome in ("completed_on_site", "accepted_forwarded")
    if delivers:
        delivery = delivery or "on_site"
        if delivery not in DELIVERIES:
            raise InvalidValue(Code.STORE_NOT_A_CHOICE, field="case.delivery", allowed=", ".join(DELIVERIES))
    elif delivery is not None:
        raise InvalidValue(Code.CASE_DELIVERY_NOT_ALLOWED)
    delivery_address = (delivery_address or "").strip() or None
    if delivery != "post" and waybill:
        raise InvalidValue(Code.CASE_POST_DETAILS_NOT_POST)
    if delivery not in ADDRESSED and delivery_address:
        raise InvalidValue(Code.CASE_ADDRESS_NOT_DELIVERED)
    if delivery in ADDRESSED:
        if delivery_address is None:
            raise InvalidValue(Code.CASE_ADDRESS_MISSING)
        problem = contact.address_problem(delivery_address, required=True)
        if problem is not None:
            raise InvalidValue(problem.code, **problem.params)
    if delivery == "door" and delivery_date is None:
        raise InvalidValue(Code.CASE_DOOR_DATE_MISSING)
    if delivery != "door" and delivery_date is not None:
        raise InvalidValue(Code.CASE_DATE_NOT_DOOR)
    stamp = clock.to_text(moment)
    with immediate(db):
        case = _open_case(db, case_id, "record the outcome of")
        item = get_item(db, case.item_code)
        if outcome == "completed_on_site" and item.completion != "on_site":
            raise InvalidValue(Code.CASE_BACK_OFFICE_ONLY, item=item.name, item_en=item.name_en)
        if delivery == "post" and not item.mailable:
            raise InvalidValue(Code.CASE_NOT_MAILABLE, item=item.name, item_en=item.name_en)
        status: CaseStatus = "awaiting_delivery" if delivery in ADDRESSED else "closed"
        db.execute(
            """UPDATE cases SET outcome = ?, reason = ?, delivery = ?, delivery_address = ?, waybill = ?,
                      delivery_date = ?, outcome_at = ?, status = ?, closed_at = ? WHERE id = ?""",
            [
                outcome,
                reason,
                delivery,
                delivery_address,
                (waybill or "").strip() or None,
                delivery_date.isoformat() if delivery_date else None,
                stamp,
                status,
                stamp if status == "closed" else None,
                case_id,
            ],
        )
        if outcome == "accepted_forwarded":
            outbox.enqueue(
                db, "case.accepted", _forward_payload(db, get_case(db, case_id), item.name), case_id=case_id, now=moment
            )
        return get_case(db, case_id)


def set_citizen(db: Database, case_id: int, citizen_id: int | None) -> Case:
    """The person of an open case, corrected at intake (another card, a number retyped)."""
    with immediate(db):
        _open_case(db, case_id, "change the person of")
        if citizen_id is not None and not list(db.query("SELECT 1 FROM citizens WHERE id = ?", [citizen_id])):
            raise NotFound(Code.CITIZEN_NOT_FOUND, citizen=citizen_id)
        db.execute("UPDATE cases SET citizen_id = ? WHERE id = ?", [citizen_id, case_id])
        return get_case(db, case_id)


def confirm_delivery(db: Database, case_id: int, *, waybill: str | None = None, now: datetime | None = None) -> Case:
    """The result was posted (with its waybill) or brought to the door: the case closes."""
    with immediate(db):
        case = get_case(db, case_id)
        if case.status != "awaiting_delivery":
            raise WrongState(Code.CASE_NOT_AWAITING_DELIVERY, case=case_id, status=case.status)
        waybill = (waybill or "").strip() or case.waybill
        if case.delivery == "post" and not waybill:
            raise InvalidValue(Code.CASE_WAYBILL_MISSING)
        if case.delivery != "post" and waybill:
            raise InvalidValue(Code.CASE_WAYBILL_NOT_POST)
        db.execute(
            "UPDATE cases SET status = 'closed', waybill = ?, closed_at = ? WHERE id = ?",
            [waybill, clock.to_text(clock.resolve(now)), case_id],
        )
        return get_case(db, case_id)


def get_case(db: Database, case_id: int) -> Case:
    rows = list(db.query("SELECT * FROM cases WHERE id = ?", [case_id]))
    if not rows:
        raise NotFound(Code.CASE_NOT_FOUND, case=case_id)
    return _case(db, rows[0])


def list_cases(db: Database, *, trip_id: int | None = None, ticket_id: int | None = None) -> list[Case]:
    where, params = ["1"], []
    if trip_id is not None:
        where.append("trip_id = ?")
        params.append(trip_id)
    if ticket_id is not None:
        where.append("ticket_id = ?")
        params.append(ticket_id)
    return [_case(db, row) for row in db.query(f"SELECT * FROM cases WHERE {' AND '.join(where)} ORDER BY id", params)]


def get_attachment(db: Database, attachment_id: int) -> Attachment:
    rows = list(db.query("SELECT * FROM attachments WHERE id = ?", [attachment_id]))
    if not rows:
        raise NotFound(Code.ATTACHMENT_NOT_FOUND, attachment=attachment_id)
    return Attachment(**rows[0])


def list_attachments(db: Database, case_id: int) -> list[Attachment]:
    return [Attachment(**row) for row in db.query("SELECT * FROM attachments WHERE case_id = ? ORDER BY id", [case_id])]


def _open_case(db: Database, case_id: int, action: str) -> Case:
    case = get_case(db, case_id)
    if case.outcome is not None:
        raise WrongState(Code.CASE_OUTCOME_RECORDED, case=case_id, action=action)
    return case


def _forward_payload(db: Database, case: Case, item_name: str) -> dict[str, Any]:
    """What the back office needs, by reference: the citizen is sent by id and resolved
    at sync time, so personal data stays in one place."""
    attachments = {a.id: a for a in list_attachments(db, case.id)}
    return {
        "case_id": case.id,
        "trip_id": case.trip_id,
        "item_code": case.item_code,
        "item_name": item_name,
        "citizen_id": case.citizen_id,
        "staff_id": case.staff_id,
        "accepted_at": case.outcome_at,
        "delivery": case.delivery,
        "delivery_date": case.delivery_date,
        "materials": [
            {
                "material": line.material,
                "state": line.state,
                "attachment": None
                if line.attachment_id is None
                else {
                    "id": line.attachment_id,
                    "kind": attachments[line.attachment_id].kind,
                    "path": attachments[line.attachment_id].path,
                    "sha256": attachments[line.attachment_id].sha256,
                },
            }
            for line in case.materials
        ],
        "attachments": [
            {
                "id": a.id,
                "kind": a.kind,
                "path": a.path,
                "sha256": a.sha256,
                "certified_by": a.certified_by,
                "certified_at": a.certified_at,
            }
            for a in attachments.values()
        ],
    }


def _case(db: Database, row: Mapping[str, Any]) -> Case:
    materials = tuple(
        Material(r["material"], r["state"], r["attachment_id"])
        for r in db.query("SELECT * FROM case_materials WHERE case_id = ? ORDER BY position", [row["id"]])
    )
    values = {key: value for key, value in row.items() if key != "delivery_address"}
    return Case(**values, materials=materials, has_delivery_address=row["delivery_address"] is not None)


def delivery_address(
    db: Database, case_id: int, *, staff_id: int | None, purpose: str, now: datetime | None = None
) -> str | None:
    """The mailing address of a posted case. It is personal data, so the view is audited."""
    if not (purpose or "").strip():
        raise InvalidValue(Code.STORE_PURPOSE_MISSING)
    with immediate(db):
        rows = list(db.query("SELECT delivery_address FROM cases WHERE id = ?", [case_id]))
        if not rows:
            raise NotFound(Code.CASE_NOT_FOUND, case=case_id)
        audit.record(db, "view", "case", case_id, f"delivery_address: {purpose.strip()}", staff_id=staff_id, now=now)
        address: str | None = rows[0]["delivery_address"]
        return address
