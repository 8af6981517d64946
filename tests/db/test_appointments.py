"""Appointments: individuals, home visits and groups; check-in by code gives a priority ticket."""

from __future__ import annotations

import pytest

import db
from core.problems import Code, Problem
from db import appointments
from tests.db.support import Van, at, count, id_number, raises_problem


def test_an_individual_checks_in_by_scanned_qr_and_gets_a_priority_ticket(van: Van) -> None:
    person = db.find_or_create_citizen(van.db, id_number("19900101"), now=at(0))
    booked = db.book_appointment(
        van.db, "individual", at(30), ["residence_permit"], citizen_id=person.id, booked_by=van.dispatcher, now=at(-600)
    )
    assert booked.status == "booked" and booked.qr_payload == "GOVAN-APPT:" + booked.checkin_code
    db.issue_ticket(van.db, van.trip_id, category="A", now=at(1))  # a walk-in came first
    ticket = db.check_in(van.db, booked.qr_payload, van.trip_id, now=at(25))
    assert (ticket.label, ticket.priority_reason, ticket.citizen_id, ticket.appointment_id) == (
        "A002",
        "appointment",
        person.id,
        booked.id,
    )
    assert db.call_next(van.db, van.trip_id, "1", now=at(26)).id == ticket.id  # type: ignore[union-attr]
    checked_in = db.get_appointment(van.db, booked.id)
    assert (checked_in.status, checked_in.trip_id) == ("checked_in", van.trip_id)


def test_a_code_works_once_and_typing_it_is_forgiving(van: Van) -> None:
    booked = db.book_appointment(
        van.db,
        "group",
        at(60),
        ["social_insurance_enrol", "medical_insurance_enrol"],
        group_name="某科技有限公司",
        head_count=12,
        now=at(0),
    )
    code = booked.checkin_code
    ticket = db.check_in(
        van.db, f" {code[:4].lower()}-{code[4:]} ", van.trip_id, item_code="medical_insurance_enrol", now=at(55)
    )
    assert ticket.category == "H"
    with raises_problem(db.WrongState, Code.APPOINTMENT_CHECKED_IN, appointment=booked.id):
        db.check_in(van.db, code, van.trip_id)


def test_unknown_and_malformed_codes_are_clear_errors(van: Van) -> None:
    with raises_problem(db.NotFound, Code.APPOINTMENT_UNKNOWN_CODE):
        db.check_in(van.db, "23456789", van.trip_id)
    with raises_problem(db.InvalidValue, Code.APPOINTMENT_CODE_FORM, length=8):
        db.check_in(van.db, "GOVAN-APPT:0OIL", van.trip_id)
    assert count(van.db, "tickets") == 0


def test_a_cancelled_appointment_cannot_check_in(van: Van) -> None:
    booked = db.book_appointment(van.db, "individual", at(30), ["hukou_certificate"], now=at(0))
    assert db.cancel_appointment(van.db, booked.id).status == "cancelled"
    with raises_problem(db.WrongState, Code.APPOINTMENT_CANCELLED, appointment=booked.id):
        db.check_in(van.db, booked.checkin_code, van.trip_id)


def test_a_home_visit_names_its_citizen_and_special_needs(van: Van) -> None:
    person = db.find_or_create_citizen(van.db, id_number("19400101"), address="某村1号", now=at(0))
    visit = db.book_appointment(
        van.db,
        "home_visit",
        at(300),
        ["pension_certification"],
        citizen_id=person.id,
        special_needs="卧床，需上门",
        now=at(0),
    )
    assert visit.special_needs == "卧床，需上门" and visit.head_count == 1
    assert [a.id for a in appointments.list_for_day(van.db, at(0).date())] == [visit.id]


@pytest.mark.parametrize(
    ("kind", "kwargs", "problem"),
    [
        ("group", {"group_name": "某小区", "head_count": -5}, Problem(Code.APPOINTMENT_HEAD_COUNT)),
        ("group", {"group_name": "某小区", "head_count": 0}, Problem(Code.APPOINTMENT_HEAD_COUNT)),
        ("group", {"head_count": 5}, Problem(Code.APPOINTMENT_GROUP_NAME_MISSING)),
        ("individual", {"head_count": 3}, Problem(Code.APPOINTMENT_HEAD_COUNT_NOT_GROUP)),
        ("home_visit", {}, Problem(Code.APPOINTMENT_CITIZEN_MISSING)),
        (
            "walk_in",
            {},
            Problem(Code.STORE_NOT_A_CHOICE, {"field": "appointment.kind", "allowed": "individual, home_visit, group"}),
        ),
        ("individual", {"items": []}, Problem(Code.APPOINTMENT_NO_ITEMS)),
    ],
)
def test_bad_bookings_are_refused_and_write_nothing(van: Van, kind: str, kwargs: dict, problem: Problem) -> None:
    items = kwargs.pop("items", ["hukou_certificate"])
    with pytest.raises(db.InvalidValue) as raised:
        db.book_appointment(van.db, kind, at(60), items, **kwargs)  # type: ignore[arg-type]
    assert raised.value.problem == problem
    assert count(van.db, "appointments") == count(van.db, "appointment_items") == 0


def test_an_unknown_item_in_a_booking_writes_nothing(van: Van) -> None:
    with raises_problem(db.UnknownItem, Code.CATALOGUE_UNKNOWN_ITEM, item="no_such_item"):
        db.book_appointment(van.db, "individual", at(60), ["hukou_certificate", "no_such_item"])
    assert count(van.db, "appointments") == count(van.db, "appointment_items") == 0
