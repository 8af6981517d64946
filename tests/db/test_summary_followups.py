"""差评 follow-up lines for the captain: deadlines in working days, overdue right across weekends."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

import db
from core.problems import Code
from db import followups
from tests.db.support import Van, at, raises_problem

FRIDAY = date(2026, 11, 20)  # the trip's day; ratings are given at 10:00 that morning


def bad_review(
    van: Van,
    window: str,
    score: int,
    *,
    named: bool,
    days: int,
    holidays: tuple[str, ...] = (),
    extra_workdays: tuple[str, ...] = (),
) -> int:
    letter = {"1": "A", "2": "F"}[window]
    ticket = db.issue_ticket(van.db, van.trip_id, category=letter, now=at(0))
    assert db.call_next(van.db, van.trip_id, window, now=at(1)) is not None
    db.start_service(van.db, ticket.id, now=at(1))
    db.finish(van.db, ticket.id, now=at(50))
    _, follow_up = db.rate(
        van.db,
        ticket.id,
        score,
        named=named,
        comment="等太久",
        followup_working_days=days,
        holidays=holidays,
        extra_workdays=extra_workdays,
        now=at(60),
    )
    assert follow_up is not None
    return follow_up.id


@pytest.mark.parametrize(
    ("days", "holidays", "extra", "due"),
    [
        (1, (), (), date(2026, 11, 23)),  # Friday + 1 working day: Monday
        (3, (), (), date(2026, 11, 25)),  # Monday, Tuesday, Wednesday
        (5, (), (), date(2026, 11, 27)),  # a whole working week: next Friday
        (1, ("2026-11-23",), (), date(2026, 11, 24)),  # Monday a holiday: Tuesday
        (1, (), ("2026-11-21",), date(2026, 11, 21)),  # Saturday worked (调休): due that Saturday
    ],
)
def test_deadlines_count_working_days_only(
    van: Van, days: int, holidays: tuple[str, ...], extra: tuple[str, ...], due: date
) -> None:
    follow_up_id = bad_review(van, "1", 2, named=True, days=days, holidays=holidays, extra_workdays=extra)
    assert followups.get_line(van.db, follow_up_id).follow_up.deadline == due


def test_overdue_only_after_the_deadline_day_weekend_included(van: Van) -> None:
    line = followups.get_line(van.db, bad_review(van, "1", 1, named=False, days=1))  # due Monday 23rd
    overdue = {FRIDAY + timedelta(days=n): line.overdue(FRIDAY + timedelta(days=n)) for n in range(5)}
    assert overdue == {
        date(2026, 11, 20): False,
        date(2026, 11, 21): False,
        date(2026, 11, 22): False,
        date(2026, 11, 23): False,
        date(2026, 11, 24): True,
    }


def test_lines_carry_the_visit_and_follow_the_steps(van: Van) -> None:
    first = bad_review(van, "1", 2, named=True, days=5)
    second = bad_review(van, "2", 1, named=False, days=1)
    lines = followups.list_lines(van.db)
    assert [(line.ticket, line.level, line.named, line.staff_name, line.stop_name, line.comment) for line in lines] == [
        ("F001", "非常不满意", False, "员工s2", "新城社区党群服务中心", "等太久"),  # due first
        ("A001", "不满意", True, "员工s1", "新城社区党群服务中心", "等太久"),
    ]
    db.record_callback(van.db, first, van.captain, "已电话回访", now=at(70))
    db.record_fix(van.db, first, van.captain, "增加一个窗口", now=at(80))
    db.report_back(van.db, first, van.captain, "已告知", now=at(90))
    assert [line.follow_up.id for line in followups.list_lines(van.db)] == [second]
    closed = followups.list_lines(van.db, open_only=False, trip_id=van.trip_id)
    assert [line.follow_up.status for line in closed] == ["open", "closed"]
    assert not closed[1].overdue(date(2030, 1, 1))  # a closed follow-up is never overdue
    with raises_problem(db.NotFound, Code.FOLLOW_UP_NOT_FOUND, follow_up=99):
        followups.get_line(van.db, 99)
