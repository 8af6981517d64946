"""Working days as the van counts them: weekends and `[service] holidays` off, `[service] working_days` on.

China moves some working days onto weekends (调休): the config lists those Saturdays and
Sundays, and every count of working days (a 差评's deadline, a due date) goes through here.
"""

from __future__ import annotations

from datetime import date

from db import workdays
from flows.van import Van

__all__ = ["add_working_days", "working_days_left"]


def add_working_days(van: Van, start: date, days: int) -> date:
    """The day `days` working days after `start` (a Friday plus 1 is Monday, unless that is a holiday)."""
    service = van.config.service
    return workdays.add_working_days(start, days, service.holidays, service.working_days)


def working_days_left(van: Van, today: date, deadline: date) -> int:
    """Working days from today to the deadline: 0 on the day itself, negative once it is past."""
    service = van.config.service
    return workdays.working_days_between(today, deadline, service.holidays, service.working_days)
