"""Staff: roles, PINs hashed with scrypt and a salt, login checks."""

from __future__ import annotations

import pytest

import db
from core.problems import Code, Problem
from db import staff
from tests.db.support import PINS, Van, raises_problem


def test_a_pin_is_stored_only_as_a_salted_scrypt_hash(van: Van) -> None:
    stored = next(van.db.query("SELECT pin_hash FROM staff WHERE login = 's1'"))["pin_hash"]
    assert stored.startswith("scrypt$16384$8$1$") and PINS["s1"] not in stored
    assert staff.hash_pin("2222") != staff.hash_pin("2222")  # a fresh salt each time
    assert staff.pin_matches("2222", stored) and not staff.pin_matches("2223", stored)
    assert not staff.pin_matches("2222", "not a hash")


def test_login_with_the_right_pin_only(van: Van) -> None:
    assert db.authenticate(van.db, "c1", PINS["c1"]).role == "captain"
    for login, pin in (("c1", "0000"), ("nobody", "1111")):
        with raises_problem(db.BadCredentials, Code.STAFF_BAD_CREDENTIALS):
            db.authenticate(van.db, login, pin)


def test_an_inactive_staff_member_cannot_log_in(van: Van) -> None:
    staff.set_active(van.db, van.s2, False)
    with pytest.raises(db.BadCredentials):
        db.authenticate(van.db, "s2", PINS["s2"])
    assert "s2" not in [member.login for member in staff.list_staff(van.db)]


def test_a_changed_pin_takes_effect(van: Van) -> None:
    staff.set_pin(van.db, van.s1, "987654")
    assert db.authenticate(van.db, "s1", "987654").id == van.s1


@pytest.mark.parametrize(
    ("login", "role", "pin", "department", "error", "problem"),
    [
        ("s9", "staff", "12", None, db.InvalidValue, Problem(Code.STAFF_PIN_FORM)),
        ("s9", "staff", "12ab", None, db.InvalidValue, Problem(Code.STAFF_PIN_FORM)),
        (
            "s9",
            "boss",
            "1234",
            None,
            db.InvalidValue,
            Problem(Code.STORE_NOT_A_CHOICE, {"field": "staff.role", "allowed": "staff, captain, dispatcher"}),
        ),
        ("s1", "staff", "1234", None, db.InvalidValue, Problem(Code.STAFF_LOGIN_TAKEN)),
        ("bad login", "staff", "1234", None, db.InvalidValue, Problem(Code.STAFF_LOGIN_FORM)),
        (
            "s9",
            "staff",
            "1234",
            "nowhere",
            db.NotFound,
            Problem(Code.CATALOGUE_UNKNOWN_DEPARTMENT, {"department": "nowhere"}),
        ),
    ],
)
def test_bad_staff_records_are_refused(
    van: Van, login: str, role: str, pin: str, department: str | None, error: type[db.StoreError], problem: Problem
) -> None:
    with pytest.raises(error) as raised:
        db.add_staff(van.db, login, "新员工", role, pin, department=department)  # type: ignore[arg-type]
    assert raised.value.problem == problem
