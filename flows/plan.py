"""The captain's view of what the centre planned: this week and next as received, what changed since
the captain last looked (marked seen here), and the day's bookings (names and phones masked)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from core.plan import Change, week_of
from db import catalogue, plans
from flows.van import Van

__all__ = ["PlanView", "plan_view", "seen"]


@dataclass(frozen=True)
class PlanView:
    today: date
    weeks: list[plans.WeekPlan]  # this week and next, those received
    unseen: list[plans.WeekPlan]  # received or changed since the captain last looked
    bookings: list[plans.DayBooking]
    items: dict[str, catalogue.Item]  # the van's catalogue: the bookings carry item codes

    def items_of(self, booking: plans.DayBooking) -> list[catalogue.Item | str]:
        """The booking's items, each the catalogue's item, or its code where the van has no such item."""
        return [self.items.get(code, code) for code in booking.items]

    @property
    def changes(self) -> list[tuple[str, Change]]:
        return [(plan.week, change) for plan in self.unseen for change in plan.changes]


def plan_view(van: Van) -> PlanView:
    today = van.now().date()
    names = [week_of(today), week_of(today + timedelta(days=7))]
    weeks = [plan for name in names if (plan := plans.week(van.store, name)) is not None]
    return PlanView(
        today,
        weeks,
        plans.unseen_weeks(van.store),
        plans.day_bookings(van.store, today, tz=van.config.tz),
        {item.code: item for item in catalogue.list_items(van.store, enabled_only=False)},
    )


def seen(van: Van, view: PlanView) -> None:
    """The captain has looked at the changes shown."""
    for plan in view.unseen:
        plans.mark_seen(van.store, plan.week, now=van.now())
