"""Working-day arithmetic for 差评 follow-up deadlines.

Weekends and configured public holidays are skipped. China also moves some
working days onto weekends (调休); `extra_workdays` names those.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from core.problems import Code
from db.errors import InvalidValue


def parse_dates(values: Iterable[str | date], what: str = "holidays") -> frozenset[date]:
    """Dates given as date objects or ISO text (the config's list named `what`), checked."""
    days = set()
    for value in values:
        if isinstance(value, date):
            days.add(value)
            continue
        try:
            days.add(date.fromisoformat(value))
        except (TypeError, ValueError):
            raise InvalidValue(Code.CALENDAR_BAD_DATE, value=str(value), what=what) from None
    return frozenset(days)


def is_working_day(
    day: date, holidays: frozenset[date] = frozenset(), extra_workdays: frozenset[date] = frozenset()
) -> bool:
    if day in extra_workdays:
        return True
    return day.weekday() < 5 and day not in holidays


def add_working_days(
    start: date,
    days: int,
    holidays: Iterable[str | date] = (),
    extra_workdays: Iterable[str | date] = (),
) -> date:
    """The date `days` working days after `start` (start itself is not counted).

    Received on Friday with 1 working day: due Monday.
    """
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 366:
        raise InvalidValue(Code.STORE_NOT_IN_RANGE, field="working_days", min=0, max=366)
    off = parse_dates(holidays)
    on = parse_dates(extra_workdays, "extra_workdays")
    day = start
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day, off, on):
            remaining -= 1
    return day


def working_days_between(
    start: date,
    end: date,
    holidays: Iterable[str | date] = (),
    extra_workdays: Iterable[str | date] = (),
) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is earlier."""
    if end < start:
        return -working_days_between(end, start, holidays, extra_workdays)
    off = parse_dates(holidays)
    on = parse_dates(extra_workdays, "extra_workdays")
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=n), off, on))
