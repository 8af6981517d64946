"""The figures the captain's summary adds to db.metrics, on the hand-worked shift of test_metrics.

Issued (minutes after 09:00): A001 0, A002 1, A003 2, A004 3, A005 4, A006 5, F001 0,
F002 2, F003 4, A007 30. Waits (min) of the 9 called: 2 5 6 14 16 17 1 4 11.
Ratings: 5 5 2 4 4 1 3. Served (serving or done): all called but A005 (no-show).
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

import db
from core.problems import Code
from db import metrics
from tests.db.support import TRIP_DAY, Van, at, raises_problem
from tests.db.test_metrics import run_shift


@pytest.fixture
def shift(van: Van) -> Van:
    run_shift(van)
    return van


def test_served_counts_tickets_that_reached_a_window(shift: Van) -> None:
    summary = db.shift_summary(shift.db, shift.trip_id)
    assert summary.overall.served == 8
    assert {group.key: group.figures.served for group in summary.by_category} == {"A": 5, "F": 3}
    assert {group.key: group.figures.served for group in summary.by_staff} == {shift.s1: 3, shift.s2: 3, shift.s3: 2}


def test_arrivals_per_local_hour_fill_quiet_hours_and_skip_transfers(shift: Van) -> None:
    assert metrics.arrivals_by_hour(shift.db, shift.trip_id) == [metrics.HourCount("09:00", 10)]
    late = db.issue_ticket(shift.db, shift.trip_id, category="F", now=at(125))  # 11:05
    db.call_next(shift.db, shift.trip_id, "2", now=at(126))
    db.start_service(shift.db, late.id, now=at(126))
    db.transfer_to_category(shift.db, late.id, "A", now=at(127))  # a new number, not a new arrival
    assert metrics.arrivals_by_hour(shift.db, shift.trip_id) == [
        metrics.HourCount("09:00", 10),
        metrics.HourCount("10:00", 0),
        metrics.HourCount("11:00", 1),
    ]
    # Another zone shifts the buckets: 09:00 in Longgang is 01:00 UTC.
    assert metrics.arrivals_by_hour(shift.db, shift.trip_id, tz=ZoneInfo("UTC"))[0] == metrics.HourCount("01:00", 10)


def test_wait_histogram_in_five_minute_bins(shift: Van) -> None:
    bins = metrics.wait_histogram(shift.db, shift.trip_id)
    # [0,5): 1 2 4; [5,10): 5 6 (exactly 5 min goes up); [10,15): 11 14; [15,20): 16 17
    assert [(b.start_s, b.tickets) for b in bins] == [(0, 3), (300, 2), (600, 2), (900, 2)]
    assert [b.tickets for b in metrics.wait_histogram(shift.db, shift.trip_id, bin_s=600)] == [5, 4]
    with raises_problem(db.InvalidValue, Code.STORE_TOO_SMALL, field="metrics.bin_s", min=1):
        metrics.wait_histogram(shift.db, shift.trip_id, bin_s=0)


def test_rating_distribution_lists_every_level(shift: Van) -> None:
    assert metrics.rating_distribution(shift.db, shift.trip_id) == {5: 2, 4: 2, 3: 1, 2: 1, 1: 1}


def test_an_empty_trip_has_no_bins(van: Van) -> None:
    assert metrics.arrivals_by_hour(van.db, van.trip_id) == []
    assert metrics.wait_histogram(van.db, van.trip_id) == []
    assert metrics.rating_distribution(van.db, van.trip_id) == {5: 0, 4: 0, 3: 0, 2: 0, 1: 0}
    with raises_problem(db.NotFound, Code.TRIP_NOT_FOUND, trip=99):
        metrics.rating_distribution(van.db, 99)


def test_trips_out_overall_per_staff_and_per_category(shift: Van) -> None:
    db.close_trip(shift.db, shift.trip_id, closed_by=shift.captain, abandon_waiting=True, now=at(60))
    next_day = TRIP_DAY + timedelta(days=1)
    second = db.plan_trip(shift.db, next_day, 1, shift.captain, "off_hours", now=at(70))
    db.set_crew(shift.db, second.id, shift.s1, "1", ["A", "K"])
    db.open_trip(shift.db, second.id, now=at(24 * 60))
    assert metrics.trips_out(shift.db, TRIP_DAY, next_day, by="overall") == {"all": 2}
    assert metrics.trips_out(shift.db, TRIP_DAY, next_day, by="staff") == {shift.s1: 2, shift.s2: 1, shift.s3: 1}
    assert metrics.trips_out(shift.db, TRIP_DAY, next_day, by="category") == {"A": 2, "B": 1, "F": 1, "H": 1, "K": 1}
    with raises_problem(
        db.InvalidValue, Code.STORE_NOT_A_CHOICE, field="metrics.trips_out_by", allowed="overall, staff, category"
    ):
        metrics.trips_out(shift.db, TRIP_DAY, next_day, by="window")  # type: ignore[arg-type]
