"""Working-day deadlines skip weekends, configured holidays, and honour make-up working days."""

from __future__ import annotations

from datetime import date

import pytest

from core.problems import Code
from db import InvalidValue
from db.workdays import add_working_days, working_days_between
from tests.db.support import raises_problem

FRIDAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (FRIDAY, 1, date(2026, 11, 23)),  # Friday + 1 → Monday
        (FRIDAY, 5, date(2026, 11, 27)),  # a full week
        (FRIDAY, 7, date(2026, 12, 1)),  # across one weekend into the next week
        (FRIDAY, 15, date(2026, 12, 11)),  # three weekends
        (date(2026, 11, 21), 1, date(2026, 11, 23)),  # Saturday + 1 → Monday
        (date(2026, 11, 22), 5, date(2026, 11, 27)),  # Sunday + 5 → Friday
        (date(2026, 11, 18), 2, date(2026, 11, 20)),  # Wednesday + 2 → Friday, no weekend
        (FRIDAY, 0, FRIDAY),
    ],
)
def test_deadlines_skip_weekends(start: date, days: int, due: date) -> None:
    assert add_working_days(start, days) == due


def test_configured_holidays_are_skipped() -> None:
    national_day = [f"2026-10-0{d}" for d in range(1, 8)]
    assert add_working_days(date(2026, 9, 30), 5, national_day) == date(2026, 10, 14)
    assert add_working_days(date(2026, 9, 30), 5, national_day, extra_workdays=["2026-10-10"]) == date(2026, 10, 13)


def test_bad_holidays_and_day_counts_are_clear_errors() -> None:
    with raises_problem(InvalidValue, Code.CALENDAR_BAD_DATE, value="2026-13-01", what="holidays"):
        add_working_days(FRIDAY, 5, ["2026-13-01"])
    with raises_problem(InvalidValue, Code.CALENDAR_BAD_DATE, value="10/10", what="extra_workdays"):
        add_working_days(FRIDAY, 5, extra_workdays=["10/10"])
    with raises_problem(InvalidValue, Code.STORE_NOT_IN_RANGE, field="working_days", min=0, max=366):
        add_working_days(FRIDAY, -1)


def test_working_days_between_count_worked_weekends_and_skip_holidays() -> None:
    # Friday → Tuesday: Monday only, or Saturday and Sunday worked (调休) and Monday a holiday.
    assert working_days_between(FRIDAY, date(2026, 11, 24)) == 2
    assert working_days_between(FRIDAY, date(2026, 11, 24), ["2026-11-23"], ["2026-11-21", "2026-11-22"]) == 3
    assert working_days_between(FRIDAY, FRIDAY) == 0
    assert working_days_between(date(2026, 11, 24), FRIDAY) == -2
