"""Metrics against a shift whose every figure was worked out by hand.

The shift (minutes after 09:00; windows 1 = s1 on A, 2 = s2 on F/H, 3 = s3 on A/B):

    ticket issued called by  outcomes (minute)                          rating
    A001   0      2      W1  hukou_certificate completed (7)            5
    A002   1      6      W3  hukou_move_in not done (17)                2, named, called back
    A003   2      8      W1  residence_permit accepted (18)             4
    A004   3      17     W3  hukou_certificate completed (20),          1, anonymous
                             residence_registration completed (26)
    A005   4      20     W1  no-show
    A006   5      22     W1  hukou_certificate consult only (25)        3
    A007   30     -          still waiting
    F001   0      1      W2  social_insurance_enrol completed (5)       5
    F002   2      6      W2  social_security_card accepted (14)         -
    F003   4      15     W2  pension_certification not done (20)        4

Waits (min): 2 5 6 14 16 17 1 4 11.  Service (first call → last outcome): 5 11 10 9 3 4 8 5.
Quantiles interpolate linearly at position (n-1)·p over the sorted values.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

import db
from core.problems import Code
from db import trips
from db.metrics import EvaluationWeights, Figures
from tests.db.support import TRIP_DAY, Van, at, raises_problem

MIN = 60.0


def approx(minutes: float) -> object:
    return pytest.approx(minutes * MIN, abs=0.01)


def run_shift(van: Van) -> None:
    issued = {}
    for label, minute in (
        ("A001", 0),
        ("A002", 1),
        ("A003", 2),
        ("A004", 3),
        ("A005", 4),
        ("A006", 5),
        ("F001", 0),
        ("F002", 2),
        ("F003", 4),
        ("A007", 30),
    ):
        ticket = db.issue_ticket(van.db, van.trip_id, category=label[0], now=at(minute))
        assert ticket.label == label
        issued[label] = ticket.id
    # (window, minute called, expected ticket, [(item, outcome, minute)], rating or None)
    shift = [
        ("2", 1, "F001", [("social_insurance_enrol", "completed_on_site", 5)], (5, False)),
        ("1", 2, "A001", [("hukou_certificate", "completed_on_site", 7)], (5, False)),
        ("3", 6, "A002", [("hukou_move_in", "not_done", 17)], (2, True)),
        ("2", 6, "F002", [("social_security_card", "accepted_forwarded", 14)], None),
        ("1", 8, "A003", [("residence_permit", "accepted_forwarded", 18)], (4, False)),
        ("2", 15, "F003", [("pension_certification", "not_done", 20)], (4, False)),
        (
            "3",
            17,
            "A004",
            [("hukou_certificate", "completed_on_site", 20), ("residence_registration", "completed_on_site", 26)],
            (1, False),
        ),
        ("1", 20, "A005", [], None),
        ("1", 22, "A006", [("hukou_certificate", "consult_only", 25)], (3, False)),
    ]
    for window, called_minute, label, outcomes, rating in shift:
        ticket = db.call_next(van.db, van.trip_id, window, now=at(called_minute))
        assert ticket is not None and ticket.label == label
        if not outcomes:
            db.mark_no_show(van.db, ticket.id, now=at(called_minute + 1))
            continue
        db.start_service(van.db, ticket.id, now=at(called_minute))
        for item, outcome, minute in outcomes:
            case = db.open_case(van.db, item, ticket.staff_id, ticket_id=ticket.id, now=at(called_minute))  # type: ignore[arg-type]
            db.record_outcome(
                van.db,
                case.id,
                outcome,
                reason="材料不齐" if outcome == "not_done" else None,  # type: ignore[arg-type]
                now=at(minute),
            )
        db.finish(van.db, ticket.id, now=at(outcomes[-1][2]))
        if rating is not None:
            _, follow_up = db.rate(van.db, ticket.id, rating[0], named=rating[1], now=at(outcomes[-1][2] + 1))
            if follow_up is not None and rating[1]:
                db.record_callback(van.db, follow_up.id, van.captain, "已回访", now=at(40))
    db.add_suggestion(van.db, "希望增加周末服务", trip_id=van.trip_id, now=at(45))
    for staff_id, mark in ((van.s1, 5), (van.s2, 3), (van.s3, 4)):
        trips.rate_cooperation(van.db, van.trip_id, staff_id, mark)


@pytest.fixture
def shift(van: Van) -> Van:
    run_shift(van)
    return van


def test_overall_figures_of_the_shift(shift: Van) -> None:
    summary = db.shift_summary(shift.db, shift.trip_id)
    f = summary.overall
    assert (f.tickets, f.called, f.no_shows, f.waiting, f.transferred) == (10, 9, 1, 1, 0)
    assert (f.cases, f.completed_on_site, f.accepted_forwarded, f.not_done, f.consult_only) == (9, 4, 2, 2, 1)
    assert f.completion_rate == pytest.approx(6 / 8)  # consult-only left out
    assert (f.ratings, f.satisfied, f.praised, f.bad_reviews) == (7, 5, 4, 2)
    assert f.satisfaction_rate == pytest.approx(5 / 7)
    assert f.praise_rate == pytest.approx(4 / 7)
    assert (f.named_bad_reviews, f.named_bad_called_back, f.named_bad_callback_rate) == (1, 1, 1.0)
    # waits sorted 1 2 4 5 6 11 14 16 17: median x4 = 6; p90 at 7.2 = 16 + 0.2·(17-16)
    assert f.wait_median_s == approx(6) and f.wait_p90_s == approx(16.2)
    # service sorted 3 4 5 5 8 9 10 11: median at 3.5 = 6.5; p90 at 6.3 = 10 + 0.3·(11-10)
    assert f.service_median_s == approx(6.5) and f.service_p90_s == approx(10.3)
    assert (summary.suggestions, summary.follow_ups_open) == (1, 2)
    assert (summary.trip_date, summary.status) == (TRIP_DAY, "open")


def test_figures_per_category(shift: Van) -> None:
    by = {group.key: group for group in db.shift_summary(shift.db, shift.trip_id).by_category}
    assert sorted(by) == ["A", "F"] and by["A"].name == "公安"
    a = by["A"].figures
    assert (a.tickets, a.called, a.no_shows, a.waiting, a.cases) == (7, 6, 1, 1, 6)
    assert a.completion_rate == pytest.approx(4 / 5)
    assert (a.satisfaction_rate, a.praise_rate) == (pytest.approx(3 / 5), pytest.approx(2 / 5))
    # waits 2 5 6 14 16 17: median (6+14)/2; p90 at 4.5 = 16 + 0.5·1
    assert a.wait_median_s == approx(10) and a.wait_p90_s == approx(16.5)
    f = by["F"].figures
    assert (f.tickets, f.cases, f.completion_rate, f.satisfaction_rate, f.praise_rate) == (
        3,
        3,
        pytest.approx(2 / 3),
        1.0,
        1.0,
    )


def test_figures_per_staff_member(shift: Van) -> None:
    by = {group.key: group.figures for group in db.shift_summary(shift.db, shift.trip_id).by_staff}
    assert sorted(by) == sorted([shift.s1, shift.s2, shift.s3])
    s1, s2, s3 = by[shift.s1], by[shift.s2], by[shift.s3]
    assert (s1.tickets, s1.no_shows, s1.cases, s1.completion_rate, s1.satisfaction_rate) == (4, 1, 3, 1.0, 1.0)
    assert s1.praise_rate == pytest.approx(2 / 3)
    assert s1.wait_median_s == approx(11) and s1.wait_p90_s == approx(16.7)  # waits 2 6 16 17
    assert s1.service_median_s == approx(5) and s1.service_p90_s == approx(9)  # service 3 5 10
    assert (s2.tickets, s2.cases, s2.satisfaction_rate, s2.praise_rate) == (3, 3, 1.0, 1.0)
    assert s2.completion_rate == pytest.approx(2 / 3)
    assert s2.wait_median_s == approx(4) and s2.wait_p90_s == approx(9.6)  # waits 1 4 11
    assert s2.service_median_s == approx(5) and s2.service_p90_s == approx(7.4)  # service 4 5 8
    assert (s3.tickets, s3.cases, s3.satisfaction_rate, s3.praise_rate, s3.bad_reviews) == (2, 3, 0.0, 0.0, 2)
    assert s3.completion_rate == pytest.approx(2 / 3) and s3.named_bad_callback_rate == 1.0
    assert s3.wait_median_s == approx(9.5) and s3.wait_p90_s == approx(13.1)  # waits 5 14
    assert s3.service_median_s == approx(10) and s3.service_p90_s == approx(10.8)  # service 9 11


def test_staff_evaluation_ranks_by_the_weighted_score(shift: Van) -> None:
    ranking = db.evaluate(shift.db, TRIP_DAY, TRIP_DAY)
    assert [(e.rank, e.key) for e in ranking] == [(1, shift.s1), (2, shift.s2), (3, shift.s3)]
    scores = {e.key: e.score for e in ranking}
    # s1: 100·(.15·1 + .15·1 + .2·1 + .2·1 + .15·2/3 + .15·(5-1)/4)
    assert scores[shift.s1] == pytest.approx(95.0)
    # s2: 100·(.15 + .15 + .2·2/3 + .2·1 + .15·1 + .15·(3-1)/4)
    assert scores[shift.s2] == pytest.approx(100 * (0.15 + 0.15 + 0.2 * 2 / 3 + 0.2 + 0.15 + 0.075))
    # s3: 100·(.15 + .15 + .2·2/3 + 0 + 0 + .15·(4-1)/4)
    assert scores[shift.s3] == pytest.approx(100 * (0.15 + 0.15 + 0.2 * 2 / 3 + 0.1125))
    first = ranking[0]
    assert (first.trips, first.cases, first.cooperation, first.name) == (1, 3, 5.0, "员工s1")


def test_the_weights_come_from_the_caller(shift: Van) -> None:
    praise_only = EvaluationWeights(trips=0, cases=0, completion=0, satisfaction=0, praise=1, cooperation=0)
    scores = {e.key: e.score for e in db.evaluate(shift.db, TRIP_DAY, TRIP_DAY, praise_only)}
    assert scores == {shift.s2: pytest.approx(100), shift.s1: pytest.approx(200 / 3), shift.s3: pytest.approx(0)}
    with raises_problem(db.InvalidValue, Code.METRICS_WEIGHTS):
        db.evaluate(shift.db, TRIP_DAY, TRIP_DAY, EvaluationWeights(0, 0, 0, 0, 0, 0))


def test_window_evaluation_by_department(shift: Van) -> None:
    ranking = db.evaluate(shift.db, TRIP_DAY, TRIP_DAY, by="department")
    assert [e.key for e in ranking] == ["police", "social", "property", "medical"]
    scores = {e.key: e.score for e in ranking}
    assert scores["police"] == pytest.approx(100 * (0.15 + 0.15 + 0.2 * 0.8 + 0.2 * 0.6 + 0.15 * 0.4 + 0.15))
    assert scores["social"] == pytest.approx(100 * (0.15 + 0.15 * 0.5 + 0.2 * 2 / 3 + 0.2 + 0.15 + 0.15 * 0.5))
    assert scores["property"] == pytest.approx(100 * (0.15 + 0.15 * 0.75))
    assert scores["medical"] == pytest.approx(15.0)


def test_trips_out_count_opened_trips_in_the_period_only(shift: Van) -> None:
    db.close_trip(shift.db, shift.trip_id, closed_by=shift.captain, abandon_waiting=True, now=at(60))
    next_day = TRIP_DAY + timedelta(days=1)
    second = db.plan_trip(shift.db, next_day, 1, shift.captain, "off_hours", now=at(70))
    db.set_crew(shift.db, second.id, shift.s1, "1", ["A"])
    db.open_trip(shift.db, second.id, now=at(24 * 60))
    never_opened = db.plan_trip(shift.db, next_day, 1, shift.captain, now=at(70))
    db.set_crew(shift.db, never_opened.id, shift.s2, "1", ["F"])
    trips_out = {e.key: e.trips for e in db.evaluate(shift.db, TRIP_DAY, next_day)}
    assert trips_out == {shift.s1: 2, shift.s2: 1, shift.s3: 1}
    assert {e.key: e.trips for e in db.evaluate(shift.db, next_day, next_day)} == {shift.s1: 1}


def test_an_empty_trip_has_empty_figures(van: Van) -> None:
    summary = db.shift_summary(van.db, van.trip_id)
    assert summary.overall == Figures(
        **{name: (None if name.endswith(("_rate", "_s")) else 0) for name in Figures.__dataclass_fields__}
    )
    assert summary.by_category == summary.by_staff == []


def test_periods_and_groupings_are_checked(van: Van) -> None:
    with raises_problem(db.InvalidValue, Code.METRICS_PERIOD_REVERSED):
        db.evaluate(van.db, date(2026, 12, 1), date(2026, 11, 1))
    with raises_problem(
        db.InvalidValue,
        Code.STORE_NOT_A_CHOICE,
        field="metrics.figures_by",
        allowed="overall, category, staff, department",
    ):
        db.figures(van.db, "window", trip_id=van.trip_id)  # type: ignore[arg-type]
    with raises_problem(db.NotFound, Code.TRIP_NOT_FOUND, trip=99):
        db.shift_summary(van.db, 99)
