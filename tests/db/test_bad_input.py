"""The four bad inputs the issue names, plus junk: each a clear StoreError, nothing half-written."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

import db
from core.problems import Code, Problem
from tests.db.support import Van, at, count

TABLES = (
    "citizens",
    "tickets",
    "cases",
    "ratings",
    "follow_ups",
    "appointments",
    "appointment_items",
    "audit_log",
    "outbox",
)


def fingerprint(database: Database) -> dict[str, int]:
    return {table: count(database, table) for table in TABLES}


def served(van: Van) -> int:
    ticket = db.issue_ticket(van.db, van.trip_id, category="A", now=at(1))
    db.call_next(van.db, van.trip_id, "1", now=at(2))
    db.start_service(van.db, ticket.id, now=at(3))
    return ticket.id


@pytest.mark.parametrize(
    ("name", "error", "problem"),
    [
        ("invalid ID number", db.InvalidIdNumber, Problem(Code.ID_CHECK_CHARACTER)),
        ("unknown item", db.UnknownItem, Problem(Code.CATALOGUE_UNKNOWN_ITEM, {"item": "residence_permitt"})),
        ("rating a visit twice", db.AlreadyRated, Problem(Code.RATING_ALREADY_RATED, {"ticket": "A001"})),
        ("negative head count", db.InvalidValue, Problem(Code.APPOINTMENT_HEAD_COUNT)),
    ],
)
def test_each_bad_input_is_a_store_error_and_leaves_no_trace(
    van: Van, name: str, error: type, problem: Problem
) -> None:
    ticket_id = served(van)
    db.rate(van.db, ticket_id, 1, now=at(4))
    before = fingerprint(van.db)
    attempts: dict[str, Callable[[], object]] = {
        "invalid ID number": lambda: db.find_or_create_citizen(van.db, "330383198609114460", name="王美娜"),
        "unknown item": lambda: db.issue_ticket(van.db, van.trip_id, item_code="residence_permitt"),
        "rating a visit twice": lambda: db.rate(van.db, ticket_id, 5),
        "negative head count": lambda: db.book_appointment(
            van.db, "group", at(60), ["hukou_certificate"], group_name="某小区", head_count=-3
        ),
    }
    with pytest.raises(error) as raised:
        attempts[name]()
    assert isinstance(raised.value, db.StoreError)
    assert raised.value.problem == problem
    assert fingerprint(van.db) == before
    assert db.issue_ticket(van.db, van.trip_id, category="A").label == "A002"  # the next good input works


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.text(max_size=24))
def test_junk_from_a_form_or_scanner_only_ever_raises_store_errors(van: Van, junk: str) -> None:
    before = fingerprint(van.db)
    for attempt in (
        lambda: db.issue_ticket(van.db, van.trip_id, category=junk),
        lambda: db.issue_ticket(van.db, van.trip_id, item_code=junk),
        lambda: db.check_in(van.db, junk, van.trip_id),
        lambda: db.find_or_create_citizen(van.db, junk),
        lambda: db.call_next(van.db, van.trip_id, junk),
    ):
        try:
            attempt()
        except db.StoreError:
            pass
    after = fingerprint(van.db)
    # Junk may happen to be a category a window serves ("A"): then one ticket is right.
    assert after == before | {"tickets": before["tickets"] + (junk in ("A", "B", "F", "H"))}
