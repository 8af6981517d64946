"""Trips: plan, crew, open one at a time, close only when the queue is settled."""

from __future__ import annotations

from datetime import timedelta

import pytest

import db
from core.problems import Code
from db import trips
from tests.db.support import TRIP_DAY, Van, at, raises_problem


def test_the_open_trip_knows_its_crew_windows_and_categories(van: Van) -> None:
    trip = db.current_trip(van.db)
    assert trip is not None and trip.id == van.trip_id and trip.status == "open"
    assert [(m.window, m.categories) for m in trip.crew] == [("1", ("A",)), ("2", ("F", "H")), ("3", ("A", "B"))]
    assert trip.window_of(van.s3) == "3" and trip.categories_of_window("2") == ("F", "H")


def test_only_one_trip_is_open_at_a_time(van: Van) -> None:
    second = db.plan_trip(van.db, TRIP_DAY, 1, van.captain, "off_hours", now=at(0))
    db.set_crew(van.db, second.id, van.s1, "1", ["A"])
    with raises_problem(db.WrongState, Code.TRIP_OTHER_OPEN, trip=1):
        db.open_trip(van.db, second.id, now=at(1))
    db.close_trip(van.db, van.trip_id, closed_by=van.captain, now=at(2))
    assert db.open_trip(van.db, second.id, now=at(3)).status == "open"


def test_a_themed_trip_needs_its_theme_and_offers_only_its_items(van: Van) -> None:
    with raises_problem(db.InvalidValue, Code.TRIP_THEME_MISSING):
        db.plan_trip(van.db, TRIP_DAY, 1, van.captain, "themed")
    trip = db.plan_trip(
        van.db,
        TRIP_DAY,
        1,
        van.captain,
        "themed",
        theme="新市民专场",
        items=["residence_permit", "residence_registration"],
    )
    assert trip.theme == "新市民专场" and trip.items == ("residence_permit", "residence_registration")
    assert [item.code for item in db.list_items(van.db, trip_id=trip.id)] == list(trip.items)


def test_bad_trip_plans_are_refused(van: Van) -> None:
    with raises_problem(db.InvalidValue, Code.TRIP_NOT_A_CAPTAIN, staff=van.s1):
        db.plan_trip(van.db, TRIP_DAY, 1, van.s1)
    with raises_problem(
        db.InvalidValue, Code.STORE_NOT_A_CHOICE, field="trip.mode", allowed="fixed, appointment, off_hours, themed"
    ):
        db.plan_trip(van.db, TRIP_DAY, 1, van.captain, "cruise")  # type: ignore[arg-type]
    with pytest.raises(db.UnknownItem):
        db.plan_trip(van.db, TRIP_DAY, 1, van.captain, items=["no_such_item"])
    assert len(trips.list_trips(van.db)) == 1


def test_crew_rules(van: Van) -> None:
    with raises_problem(db.WrongState, Code.TRIP_WINDOW_TAKEN, window="1", trip=van.trip_id):
        db.set_crew(van.db, van.trip_id, van.s2, "1", ["F"])
    with raises_problem(db.UnknownCategory, Code.CATALOGUE_UNKNOWN_CATEGORY, category="Q"):
        db.set_crew(van.db, van.trip_id, van.s2, "2", ["Q"])
    assert db.get_trip(van.db, van.trip_id).categories_of_window("2") == ("F", "H")
    with raises_problem(db.InvalidValue, Code.TRIP_CREW_NO_CATEGORY):
        db.set_crew(van.db, van.trip_id, van.s2, "2", [])


def test_closing_waits_for_the_queue_unless_told_to_abandon_it(van: Van) -> None:
    waiting = db.issue_ticket(van.db, van.trip_id, category="A", now=at(1))
    with raises_problem(db.WrongState, Code.TRIP_TICKETS_WAITING, count=1):
        db.close_trip(van.db, van.trip_id, closed_by=van.captain, now=at(2))
    closed = db.close_trip(van.db, van.trip_id, closed_by=van.captain, abandon_waiting=True, now=at(3))
    assert closed.status == "closed" and closed.closed_at == "2026-11-20T01:03:00.000+00:00"
    assert db.get_ticket(van.db, waiting.id).status == "no_show"
    with raises_problem(db.WrongState, Code.TRIP_NOT_OPEN, trip=van.trip_id, status="closed"):
        db.issue_ticket(van.db, van.trip_id, category="A")


def test_closing_refuses_while_someone_is_served_or_a_case_is_open(van: Van) -> None:
    ticket = db.issue_ticket(van.db, van.trip_id, category="A", now=at(1))
    db.call_next(van.db, van.trip_id, "1", now=at(2))
    db.start_service(van.db, ticket.id, now=at(3))
    with raises_problem(db.WrongState, Code.TRIP_TICKETS_SERVING, count=1):
        db.close_trip(van.db, van.trip_id, closed_by=van.captain, abandon_waiting=True)
    case = db.open_case(van.db, "hukou_certificate", van.s1, ticket_id=ticket.id, now=at(4))
    db.finish(van.db, ticket.id, now=at(5))
    with raises_problem(db.WrongState, Code.TRIP_CASES_OPEN, count=1):
        db.close_trip(van.db, van.trip_id, closed_by=van.captain)
    db.record_outcome(van.db, case.id, "consult_only", now=at(6))
    assert db.close_trip(van.db, van.trip_id, closed_by=van.captain).status == "closed"


def test_the_captain_marks_cooperation_from_1_to_5(van: Van) -> None:
    trips.rate_cooperation(van.db, van.trip_id, van.s1, 4)
    assert db.get_trip(van.db, van.trip_id).crew[0].cooperation == 4
    with raises_problem(db.InvalidValue, Code.STORE_NOT_IN_RANGE, field="trip.cooperation", min=1, max=5):
        trips.rate_cooperation(van.db, van.trip_id, van.s1, 6)
    with raises_problem(db.NotFound, Code.TRIP_NOT_CREW, staff=van.dispatcher, trip=van.trip_id):
        trips.rate_cooperation(van.db, van.trip_id, van.dispatcher, 3)


def test_recent_trips_page_back_newest_first_without_gaps_or_repeats(van: Van) -> None:
    for days_back in (3, 1, 2, 1, 5):  # two trips on one day: the later one (higher id) first
        db.plan_trip(van.db, TRIP_DAY - timedelta(days=days_back), 1, van.captain)
    every = [(trip.trip_date, trip.id) for trip in trips.recent_trips(van.db, limit=100)]
    assert every == sorted(every, reverse=True) and len(every) == 6
    pages, before = [], None
    while page := trips.recent_trips(van.db, limit=2, before=before):
        pages.append([(trip.trip_date, trip.id) for trip in page])
        before = page[-1]
    assert [len(page) for page in pages] == [2, 2, 2]
    assert [entry for page in pages for entry in page] == every


def test_the_desk_keys_are_the_captains_order_for_the_trip(van: Van) -> None:
    assert trips.desk_keys(van.db, van.trip_id) == []
    assert trips.set_desk_keys(van.db, van.trip_id, ["hukou_certificate", "residence_permit"]) == [
        "hukou_certificate",
        "residence_permit",
    ]
    assert trips.set_desk_keys(van.db, van.trip_id, ["residence_permit"]) == ["residence_permit"]
    with raises_problem(db.InvalidValue, Code.TRIP_DESK_KEY_TWICE, item="residence_permit"):
        trips.set_desk_keys(van.db, van.trip_id, ["residence_permit", "residence_permit"])
    with raises_problem(db.InvalidValue, Code.TRIP_DESK_KEYS_TOO_MANY, limit=10):
        trips.set_desk_keys(van.db, van.trip_id, [f"item{n}" for n in range(11)])
    with raises_problem(db.UnknownItem, Code.CATALOGUE_UNKNOWN_ITEM, item="no_such_item"):
        trips.set_desk_keys(van.db, van.trip_id, ["no_such_item"])
    assert trips.desk_keys(van.db, van.trip_id) == ["residence_permit"]  # a refusal changes nothing
