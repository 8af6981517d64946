"""差评 follow-ups (回访、整改、反馈): what may be recorded next, by whom, and the number to call back.

Every 差评 gets a callback, a fix and a report back within the configured working days. A
named one is called back first (the store refuses its fix before that), so 100% of named
差评 are called back. Only the captain records the steps, and never on a rating about
themselves. The number to call back is shown masked; the full number is an audited read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from core.problems import Code, Problem
from db import followups, metrics, ratings
from db.errors import StoreError
from db.followups import FollowUpLine
from db.staff import Staff
from flows.van import Van
from flows.workdays import working_days_left

__all__ = ["Action", "CallbackRule", "FollowUpFlow", "FollowUpLine"]


class Action(StrEnum):
    CALLBACK = "callback"  # 回访
    FIX = "fix"  # 整改
    REPORT = "report"  # 反馈, which closes it
    PHONE = "phone"  # read the full number to call back


@dataclass(frozen=True)
class CallbackRule:
    """The named-差评 callback rule as a figure, for the year so far: called back of named."""

    year: int
    named: int
    called_back: int
    rate: float | None  # None when there was no named 差评

    @property
    def kept(self) -> bool:
        return self.rate in (None, 1.0)


class FollowUpFlow:
    """The captain's list of follow-ups, earliest deadline first, and the one selected."""

    def __init__(self, van: Van, by: Staff) -> None:
        self.van = van
        self.by = by
        self.show_closed = False
        self.lines: list[FollowUpLine] = []
        self.selected: FollowUpLine | None = None
        # The full number, once read, for the selected follow-up only.
        self.phone: str | None = None
        self.refresh()

    @property
    def today(self) -> date:
        return self.van.now().date()

    def refresh(self) -> None:
        """Reload from the store (another terminal may have recorded a step); keep the selection."""
        self.lines = followups.list_lines(self.van.store, open_only=not self.show_closed)
        chosen = self.selected.follow_up.id if self.selected is not None else None
        self.selected = next(
            (line for line in self.lines if line.follow_up.id == chosen), self.lines[0] if self.lines else None
        )
        if self.selected is None or self.selected.follow_up.id != chosen:
            self.phone = None

    def toggle_closed(self) -> None:
        self.show_closed = not self.show_closed
        self.refresh()

    def select(self, follow_up_id: int) -> None:
        if self.selected is None or self.selected.follow_up.id != follow_up_id:
            self.phone = None
        self.selected = next((line for line in self.lines if line.follow_up.id == follow_up_id), None)

    def allowed(self, action: Action) -> bool:
        return self.refusal(action) is None

    def refusal(self, action: Action) -> Problem | None:
        """Why `action` cannot be done on the selected follow-up now, or None."""
        line = self.selected
        if line is None:
            return Problem(Code.FOLLOW_UP_NOT_FOUND, {"follow_up": None})
        follow_up = line.follow_up
        if self.by.role != "captain":
            return Problem(Code.CAPTAIN_ONLY)
        if line.staff_id == self.by.id:
            return Problem(Code.FOLLOW_UP_OWN_RATING, {"follow_up": follow_up.id})
        if follow_up.status == "closed":
            return Problem(Code.FOLLOW_UP_CLOSED, {"follow_up": follow_up.id, "step": action.value})
        if action is Action.PHONE:
            if not line.named:
                return Problem(Code.FOLLOW_UP_ANONYMOUS, {"follow_up": follow_up.id})
            if line.masked_phone is None:
                return Problem(Code.FOLLOW_UP_NO_PHONE, {"follow_up": follow_up.id})
            return None
        if action is Action.CALLBACK and follow_up.status != "open":
            return Problem(Code.FOLLOW_UP_CALLBACK_PAST, {"follow_up": follow_up.id, "status": follow_up.status})
        if action is Action.FIX:
            if follow_up.status == "fixed":
                return Problem(Code.FOLLOW_UP_ALREADY_FIXED, {"follow_up": follow_up.id})
            if follow_up.status == "open" and line.named:
                return Problem(Code.FOLLOW_UP_CALLBACK_FIRST, {"follow_up": follow_up.id})
        if action is Action.REPORT and follow_up.status != "fixed":
            return Problem(Code.FOLLOW_UP_NOT_FIXED, {"follow_up": follow_up.id, "status": follow_up.status})
        return None

    def record(self, action: Action, note: str) -> FollowUpLine | Problem:
        """Record the callback, the fix or the report back on the selected follow-up: who, when, what was said."""
        problem = self.refusal(action)
        if problem is not None:
            return problem
        assert self.selected is not None
        steps = {
            Action.CALLBACK: ratings.record_callback,
            Action.FIX: ratings.record_fix,
            Action.REPORT: ratings.report_back,
        }
        follow_up_id = self.selected.follow_up.id
        try:
            steps[action](self.van.store, follow_up_id, self.by.id, note, now=self.van.now())
        except StoreError as error:
            self.refresh()
            return error.problem
        self.refresh()
        return followups.get_line(self.van.store, follow_up_id)

    def read_phone(self) -> str | Problem:
        """The full number to call the selected named 差评 back on; the read is audited (who, why)."""
        problem = self.refusal(Action.PHONE)
        if problem is not None:
            return problem
        assert self.selected is not None
        try:
            self.phone = followups.callback_phone(
                self.van.store, self.selected.follow_up.id, staff_id=self.by.id, now=self.van.now()
            )
        except StoreError as error:
            return error.problem
        return self.phone

    def working_days_left(self, line: FollowUpLine) -> int:
        """Working days to the line's deadline (0 on the day, negative once past), counting 调休."""
        return working_days_left(self.van, self.today, line.follow_up.deadline)

    def callback_rule(self) -> CallbackRule:
        today = self.today
        year = metrics.figures(self.van.store, "overall", date_from=date(today.year, 1, 1), date_to=today)
        overall = year[0].figures if year else None
        if overall is None:
            return CallbackRule(today.year, 0, 0, None)
        return CallbackRule(
            today.year, overall.named_bad_reviews, overall.named_bad_called_back, overall.named_bad_callback_rate
        )
