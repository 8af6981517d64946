"""The one error base of planning/: a code and its parameters, never words (tui/central/plan_problems.py has them)."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["PlanCode", "PlanningError"]


class PlanCode(StrEnum):
    WEEK_FORM = "plan.week_form"  # week
    NOTHING_TO_PUBLISH = "plan.nothing_to_publish"  # week
    UNKNOWN_VAN = "plan.unknown_van"  # van
    UNKNOWN_STOP = "plan.unknown_stop"  # stop
    SLOT_KIND = "plan.slot_kind"  # kind
    SLOT_NEEDS_STOP = "plan.slot_needs_stop"
    DAY_OFF = "plan.day_off"  # van, day
    NOT_IN_WEEK = "plan.not_in_week"  # day, week
    UNKNOWN_ITEM = "plan.unknown_item"  # item
    NO_ITEMS = "plan.no_items"
    HEAD_COUNT = "plan.head_count"
    GROUP_NAME = "plan.group_name"
    ADDRESS_MISSING = "plan.address_missing"
    NEED_UNKNOWN = "plan.need_unknown"  # need
    CAPACITY = "plan.capacity"  # departments (comma-separated codes), short (minutes)
    NO_SLOT = "plan.no_slot"  # van, day, half
    BOOKING_NOT_FOUND = "plan.booking_not_found"  # booking
    BOOKING_NOT_BOOKED = "plan.booking_not_booked"  # booking, status
    REQUEST_NOT_FOUND = "plan.request_not_found"  # van, request
    SESSION_NOT_FOUND = "plan.session_not_found"  # session
    THEME_MISSING = "plan.theme_missing"
    DEADLINE_AFTER = "plan.deadline_after"  # deadline, day
    SMS_TOO_LONG = "plan.sms_too_long"  # length
    SMS_LINK = "plan.sms_link"  # field
    COORDINATES = "plan.coordinates"


class PlanningError(Exception):
    """Raised with a code and params; str() is the log line (params never carry personal data)."""

    def __init__(self, code: PlanCode, **params: str | int | float | None) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code.value} {params}" if params else code.value)
