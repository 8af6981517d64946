"""Citizens: stored once by ID number, every change and view audited, masked in repr."""

from __future__ import annotations

import pytest

import db
from db import audit, citizens
from tests.db.support import Van, at, count, id_number

WANG = id_number("19860911", "446")


def test_the_same_person_is_found_again_not_duplicated(van: Van) -> None:
    first = db.find_or_create_citizen(van.db, WANG, name="王美娜", staff_id=van.s1, now=at(0))
    again = db.find_or_create_citizen(van.db, WANG.lower(), staff_id=van.s2, now=at(5))
    assert again.id == first.id and again.name == "王美娜" and count(van.db, "citizens") == 1
    assert (first.sex, str(first.birth_date)) == ("2", "1986-09-11")


def test_new_details_update_the_one_record_and_are_audited(van: Van) -> None:
    person = db.find_or_create_citizen(van.db, WANG, name="王美娜", staff_id=van.s1, now=at(0))
    db.find_or_create_citizen(van.db, WANG, phone="13800000001", address="龙港市某路1号", staff_id=van.s2, now=at(5))
    db.find_or_create_citizen(van.db, WANG, phone="13800000001", staff_id=van.s2, now=at(6))  # nothing new
    entries = audit.entries(van.db, subject="citizen", subject_id=person.id)
    assert [(e.action, e.staff_id, e.detail) for e in entries] == [
        ("create", van.s1, "fields: id_number, name, sex, birth_date"),
        ("update", van.s2, "fields: phone, address"),
        ("view", van.s2, "found by ID number"),
    ]
    assert all("13800000001" not in e.detail and WANG not in e.detail for e in entries)


def test_seeing_personal_data_is_audited_with_its_purpose(van: Van) -> None:
    person = db.find_or_create_citizen(van.db, WANG, name="王美娜", now=at(0))
    seen = db.get_citizen(van.db, person.id, staff_id=van.s1, purpose="intake A001", now=at(3))
    assert seen.id_number == WANG
    assert audit.entries(van.db, subject="citizen", subject_id=person.id)[-1].detail == "intake A001"
    with pytest.raises(db.InvalidValue, match="say why"):
        db.get_citizen(van.db, person.id, staff_id=van.s1, purpose="")


def test_a_citizen_never_shows_personal_data_in_its_repr(van: Van) -> None:
    person = db.find_or_create_citizen(van.db, WANG, name="王美娜", phone="13800000001", address="某路1号")
    text = repr(person)
    assert WANG not in text and "王美娜" not in text and "13800000001" not in text and "某路" not in text
    assert "3303**********446" in text and "王*娜" in text
    reference = citizens.ref(van.db, person.id)
    assert (reference.masked_id_number, reference.masked_name) == (person.masked_id_number, "王*娜")


def test_an_invalid_id_number_writes_nothing(van: Van) -> None:
    wrong = WANG[:-1] + ("0" if WANG[-1] != "0" else "1")
    with pytest.raises(db.InvalidIdNumber, match="check character is wrong"):
        db.find_or_create_citizen(van.db, wrong, name="王美娜")
    assert count(van.db, "citizens") == count(van.db, "audit_log") == 0


def test_disability_can_be_recorded_later(van: Van) -> None:
    person = db.find_or_create_citizen(van.db, WANG, now=at(0))
    citizens.set_disabled(van.db, person.id, True, staff_id=van.s1)
    assert db.get_citizen(van.db, person.id, staff_id=van.s1, purpose="check").disabled
