"""Citizens: stored once by ID number, every change and view audited, masked in repr.

GB 11643 itself is tested in tests/core/test_idnumber.py; here, how the store uses it.
"""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

import db
from core.problems import Code, Problem
from db import audit, citizens
from tests.db.support import Van, at, count, id_number, raises_problem

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


@pytest.mark.parametrize(
    ("details", "problem"),
    [
        ({"phone": "138abc"}, Problem(Code.PHONE_INVALID)),
        ({"name": "王美娜😀"}, Problem(Code.NAME_CHARACTERS)),
        ({"name": "王" * 65}, Problem(Code.NAME_TOO_LONG, {"limit": 64})),
        ({"address": "路" * 300}, Problem(Code.ADDRESS_TOO_LONG, {"limit": 200, "length": 300})),
    ],
)
def test_details_a_clerk_would_refuse_are_refused_never_cut(van: Van, details: dict, problem: Problem) -> None:
    """Phone 138abc, a name with an emoji and a 300-character address (once cut to 200) were all stored."""
    with pytest.raises(db.InvalidValue) as raised:
        db.find_or_create_citizen(van.db, WANG, **details)
    assert raised.value.problem == problem and count(van.db, "citizens") == 0


def test_a_phone_is_kept_as_its_digits(van: Van) -> None:
    person = db.find_or_create_citizen(van.db, WANG, phone=" 138-1234 5678 ", address="  ", now=at(0))
    assert (person.phone, person.address) == ("13812345678", None)


def test_seeing_personal_data_is_audited_with_its_purpose(van: Van) -> None:
    person = db.find_or_create_citizen(van.db, WANG, name="王美娜", now=at(0))
    seen = db.get_citizen(van.db, person.id, staff_id=van.s1, purpose="intake A001", now=at(3))
    assert seen.id_number == WANG
    assert audit.entries(van.db, subject="citizen", subject_id=person.id)[-1].detail == "intake A001"
    with raises_problem(db.InvalidValue, Code.STORE_PURPOSE_MISSING):
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
    with raises_problem(db.InvalidIdNumber, Code.ID_CHECK_CHARACTER):
        db.find_or_create_citizen(van.db, wrong, name="王美娜")
    assert count(van.db, "citizens") == count(van.db, "audit_log") == 0


def test_the_store_keeps_the_normalized_number() -> None:
    assert db.validate_id_number(" 110105 19491231 002x ") == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("11010519491231002", Problem(Code.ID_LENGTH, {"count": 17})),
        ("110105194912310021", Problem(Code.ID_CHECK_CHARACTER)),
        ("11010519491331002X", Problem(Code.ID_BIRTH_DATE)),
        ("1101051949123100ZX", Problem(Code.ID_CHARACTERS)),
        ("110105491231002", Problem(Code.ID_FIFTEEN_DIGITS)),
    ],
)
def test_an_invalid_number_is_refused_with_its_problem_and_never_logged(number: str, problem: Problem) -> None:
    with pytest.raises(db.InvalidIdNumber) as raised:
        db.validate_id_number(number)
    assert raised.value.problem == problem
    assert number not in str(raised.value)


def test_a_birth_date_after_the_stores_today_in_longgang_is_refused(van: Van) -> None:
    # at(-540) is 00:00 on 20 November in Longgang but still the 19th in UTC.
    born_today = id_number("20261120")
    with raises_problem(db.InvalidIdNumber, Code.ID_BIRTH_DATE):
        db.find_or_create_citizen(van.db, id_number("20261121"), now=at(-540))
    assert db.find_or_create_citizen(van.db, born_today, now=at(-540)).birth_date == date(2026, 11, 20)


@given(st.text(max_size=30))
def test_garbage_only_ever_raises_the_stores_own_error(text: str) -> None:
    with contextlib.suppress(db.InvalidIdNumber):
        db.validate_id_number(text)


def test_disability_can_be_recorded_later(van: Van) -> None:
    person = db.find_or_create_citizen(van.db, WANG, now=at(0))
    citizens.set_disabled(van.db, person.id, True, staff_id=van.s1)
    assert db.get_citizen(van.db, person.id, staff_id=van.s1, purpose="check").disabled
