"""Cases: materials checklist, captures, outcomes, delivery, and the outbox."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import db
from core.problems import Code, Problem
from db import audit, cases, citizens, outbox
from tests.db.support import Van, at, count, id_number, raises_problem

SHA = "ab" * 32


def serving_ticket(van: Van, category: str = "A", citizen_id: int | None = None) -> db.Ticket:
    ticket = db.issue_ticket(van.db, van.trip_id, category=category, citizen_id=citizen_id, now=at(1))
    window = {"A": "1", "F": "2", "B": "3"}[category]
    db.call_next(van.db, van.trip_id, window, now=at(2))
    return db.start_service(van.db, ticket.id, now=at(3))


def test_a_case_starts_with_the_items_materials_all_missing(van: Van) -> None:
    person = citizens.find_or_create(van.db, id_number("19900101"), now=at(0))
    ticket = serving_ticket(van, citizen_id=person.id)
    case = db.open_case(van.db, "residence_permit", van.s1, ticket_id=ticket.id, now=at(4))
    assert (case.trip_id, case.citizen_id, case.status, case.outcome) == (van.trip_id, person.id, "open", None)
    assert [(m.material, m.state) for m in case.materials] == [
        ("身份证原件", "missing"),
        ("租赁合同或房产证明", "missing"),
        ("近期照片", "missing"),
    ]


def test_checklist_lines_are_ticked_with_originals_and_captures(van: Van, tmp_path: Path) -> None:
    ticket = serving_ticket(van)
    case = db.open_case(van.db, "residence_permit", van.s1, ticket_id=ticket.id, now=at(4))
    db.set_material(van.db, case.id, "身份证原件", "original_seen")
    copy = db.add_attachment(
        van.db,
        case.id,
        path=str(tmp_path / "lease.jpg"),
        sha256=SHA.upper(),
        kind="certified_copy",
        size_bytes=1234,
        material="租赁合同或房产证明",
        certified_by=van.s1,
        certified_at=at(5),
        now=at(5),
    )
    assert (copy.sha256, copy.certified_by, copy.certified_at) == (SHA, van.s1, "2026-11-20T01:05:00.000+00:00")
    lines = {m.material: (m.state, m.attachment_id) for m in db.get_case(van.db, case.id).materials}
    assert lines == {
        "身份证原件": ("original_seen", None),
        "租赁合同或房产证明": ("copy_captured", copy.id),
        "近期照片": ("missing", None),
    }


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"path": "relative.jpg"}, Problem(Code.ATTACHMENT_PATH)),
        ({"sha256": "xyz"}, Problem(Code.ATTACHMENT_SHA256)),
        (
            {"kind": "selfie"},
            Problem(
                Code.STORE_NOT_A_CHOICE,
                {"field": "attachment.kind", "allowed": "document, certified_copy, id_photo, photo"},
            ),
        ),
        ({"kind": "certified_copy"}, Problem(Code.ATTACHMENT_CERTIFICATION)),
        ({"material": "护照"}, Problem(Code.CASE_MATERIAL_NOT_LISTED, {"case": 1, "material": "护照"})),
    ],
)
def test_bad_captures_are_refused_and_write_nothing(van: Van, kwargs: dict, problem: Problem) -> None:
    case = db.open_case(van.db, "residence_permit", van.s1, ticket_id=serving_ticket(van).id, now=at(4))
    values = {"path": "/captures/a.jpg", "sha256": SHA, "kind": "document"} | kwargs
    with pytest.raises(db.InvalidValue) as raised:
        db.add_attachment(van.db, case.id, **values)
    assert raised.value.problem == problem
    assert count(van.db, "attachments") == 0


def test_a_case_needs_a_ticket_being_served_or_an_open_trip(van: Van) -> None:
    waiting = db.issue_ticket(van.db, van.trip_id, category="A", now=at(1))
    with raises_problem(db.WrongState, Code.TICKET_NOT_SERVING, ticket="A001", status="waiting"):
        db.open_case(van.db, "residence_permit", van.s1, ticket_id=waiting.id)
    with pytest.raises(db.UnknownItem):
        db.open_case(van.db, "no_such_item", van.s1, trip_id=van.trip_id)
    home_visit = db.open_case(van.db, "pension_certification", van.s2, trip_id=van.trip_id, now=at(5))
    assert home_visit.ticket_id is None and home_visit.trip_id == van.trip_id


def test_an_on_site_outcome_closes_the_case(van: Van) -> None:
    case = db.open_case(van.db, "hukou_certificate", van.s1, ticket_id=serving_ticket(van).id, now=at(4))
    done = db.record_outcome(van.db, case.id, "completed_on_site", now=at(9))
    assert (done.status, done.delivery, done.outcome_at, done.closed_at) == (
        "closed",
        "on_site",
        "2026-11-20T01:09:00.000+00:00",
        "2026-11-20T01:09:00.000+00:00",
    )
    assert outbox.pending(van.db) == []
    with raises_problem(db.WrongState, Code.CASE_OUTCOME_RECORDED, case=case.id, action="record the outcome of"):
        db.record_outcome(van.db, case.id, "not_done", reason="重复")


def test_an_accepted_case_goes_to_the_outbox_with_its_materials(van: Van) -> None:
    case = db.open_case(van.db, "residence_permit", van.s1, ticket_id=serving_ticket(van).id, now=at(4))
    photo = db.add_attachment(
        van.db, case.id, path="/captures/photo.jpg", sha256=SHA, kind="id_photo", material="近期照片", now=at(5)
    )
    db.set_material(van.db, case.id, "身份证原件", "original_seen")
    accepted = db.record_outcome(
        van.db, case.id, "accepted_forwarded", delivery="post", delivery_address="龙港市某路1号", now=at(8)
    )
    assert (accepted.status, accepted.has_delivery_address) == ("awaiting_delivery", True)
    [message] = outbox.pending(van.db)
    assert (message.kind, message.case_id) == ("case.accepted", case.id)
    payload = message.payload
    assert (payload["item_code"], payload["accepted_at"], payload["delivery"]) == (
        "residence_permit",
        "2026-11-20T01:08:00.000+00:00",
        "post",
    )
    assert [(m["material"], m["state"]) for m in payload["materials"]] == [
        ("身份证原件", "original_seen"),
        ("租赁合同或房产证明", "missing"),
        ("近期照片", "copy_captured"),
    ]
    assert payload["materials"][2]["attachment"] == {
        "id": photo.id,
        "kind": "id_photo",
        "path": "/captures/photo.jpg",
        "sha256": SHA,
    }
    assert "龙港市某路1号" not in str(payload)  # personal data stays in one place
    outbox.mark_sent(van.db, message.id, reference="ZJ-2026-000123", now=at(30))
    assert outbox.pending(van.db) == [] and db.get_case(van.db, case.id).backoffice_ref == "ZJ-2026-000123"
    with raises_problem(db.InvalidValue, Code.CASE_WAYBILL_MISSING):
        db.confirm_delivery(van.db, case.id)
    closed = db.confirm_delivery(van.db, case.id, waybill="SF1234567890", now=at(60))
    assert (closed.status, closed.waybill) == ("closed", "SF1234567890")


def test_a_failed_sync_attempt_keeps_the_message_pending(van: Van) -> None:
    case = db.open_case(van.db, "residence_permit", van.s1, ticket_id=serving_ticket(van).id, now=at(4))
    db.record_outcome(van.db, case.id, "accepted_forwarded", now=at(8))
    [message] = outbox.pending(van.db)
    outbox.mark_failed(van.db, message.id, "back office unreachable")
    [again] = outbox.pending(van.db)
    assert (again.attempts, again.last_error) == (1, "back office unreachable")


def test_door_delivery_has_an_address_and_a_date(van: Van) -> None:
    """送证上门 with no door to go to was recorded once; the address is checked and never cut."""
    case = db.open_case(van.db, "social_security_card", van.s2, ticket_id=serving_ticket(van, "F").id, now=at(4))
    with raises_problem(db.InvalidValue, Code.CASE_ADDRESS_MISSING):
        db.record_outcome(van.db, case.id, "accepted_forwarded", delivery="door", delivery_date=date(2026, 12, 1))
    with raises_problem(db.InvalidValue, Code.CASE_DOOR_DATE_MISSING):
        db.record_outcome(van.db, case.id, "accepted_forwarded", delivery="door", delivery_address="龙港市某路1号")
    with raises_problem(db.InvalidValue, Code.ADDRESS_TOO_LONG, limit=200, length=300):
        db.record_outcome(
            van.db,
            case.id,
            "accepted_forwarded",
            delivery="door",
            delivery_address="路" * 300,
            delivery_date=date(2026, 12, 1),
        )
    result = db.record_outcome(
        van.db,
        case.id,
        "accepted_forwarded",
        delivery="door",
        delivery_address="龙港市某路1号",
        delivery_date=date(2026, 12, 1),
        now=at(8),
    )
    assert (result.status, result.delivery_date, result.has_delivery_address) == (
        "awaiting_delivery",
        "2026-12-01",
        True,
    )
    assert db.confirm_delivery(van.db, case.id, now=at(99)).status == "closed"


@pytest.mark.parametrize(
    ("item", "outcome", "kwargs", "problem"),
    [
        ("hukou_certificate", "not_done", {}, Problem(Code.CASE_REASON_MISSING)),
        (
            "residence_permit",
            "completed_on_site",
            {},
            Problem(Code.CASE_BACK_OFFICE_ONLY, {"item": "居住证申领", "item_en": "Residence permit application"}),
        ),
        (
            "hukou_move_in",
            "accepted_forwarded",
            {"delivery": "post", "delivery_address": "x"},
            Problem(
                Code.CASE_NOT_MAILABLE,
                {
                    "item": "户口迁入（投靠、购房落户）",
                    "item_en": "Household registration move-in (family, home purchase)",
                },
            ),
        ),
        ("residence_permit", "accepted_forwarded", {"delivery": "post"}, Problem(Code.CASE_ADDRESS_MISSING)),
        ("hukou_certificate", "consult_only", {"delivery": "post"}, Problem(Code.CASE_DELIVERY_NOT_ALLOWED)),
        (
            "hukou_certificate",
            "finished",
            {},
            Problem(
                Code.STORE_NOT_A_CHOICE,
                {"field": "case.outcome", "allowed": "completed_on_site, accepted_forwarded, not_done, consult_only"},
            ),
        ),
        ("hukou_certificate", "completed_on_site", {"waybill": "SF1"}, Problem(Code.CASE_POST_DETAILS_NOT_POST)),
        (
            "hukou_certificate",
            "completed_on_site",
            {"delivery_address": "某路1号"},
            Problem(Code.CASE_ADDRESS_NOT_DELIVERED),
        ),
    ],
)
def test_outcomes_that_do_not_fit_are_refused_and_write_nothing(
    van: Van, item: str, outcome: str, kwargs: dict, problem: Problem
) -> None:
    case = db.open_case(van.db, item, van.s1, ticket_id=serving_ticket(van).id, now=at(4))
    with pytest.raises(db.InvalidValue) as raised:
        db.record_outcome(van.db, case.id, outcome, **kwargs)  # type: ignore[arg-type]
    assert raised.value.problem == problem
    assert db.get_case(van.db, case.id).outcome is None and count(van.db, "outbox") == 0


def test_an_open_case_follows_the_person_corrected_at_intake(van: Van) -> None:
    first = citizens.find_or_create(van.db, id_number("19900101"), now=at(0))
    other = citizens.find_or_create(van.db, id_number("19800101"), now=at(0))
    case = db.open_case(
        van.db, "residence_permit", van.s1, ticket_id=serving_ticket(van, citizen_id=first.id).id, now=at(4)
    )
    assert cases.set_citizen(van.db, case.id, other.id).citizen_id == other.id
    with raises_problem(db.NotFound, Code.CITIZEN_NOT_FOUND, citizen=999):
        cases.set_citizen(van.db, case.id, 999)
    db.record_outcome(van.db, case.id, "consult_only", now=at(8))
    with raises_problem(db.WrongState, Code.CASE_OUTCOME_RECORDED, case=case.id, action="change the person of"):
        cases.set_citizen(van.db, case.id, first.id)


def test_reading_a_delivery_address_is_audited(van: Van) -> None:
    case = db.open_case(van.db, "residence_permit", van.s1, ticket_id=serving_ticket(van).id, now=at(4))
    db.record_outcome(van.db, case.id, "accepted_forwarded", delivery="post", delivery_address="龙港市某路1号")
    assert cases.delivery_address(van.db, case.id, staff_id=van.s1, purpose="print the label") == "龙港市某路1号"
    [entry] = audit.entries(van.db, subject="case", subject_id=case.id)
    assert (entry.action, entry.staff_id, entry.detail) == ("view", van.s1, "delivery_address: print the label")
