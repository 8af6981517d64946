"""Planning's problems in words (planning.errors.PlanCode), shown on the dispatcher's screens.

English here with the params as placeholders, the Chinese in the catalogue; a test checks every code has words.
"""

from __future__ import annotations

from planning.errors import PlanCode, PlanningError
from tui.i18n import N_
from tui.problems import words_for

__all__ = ["PLAN_PROBLEM_WORDS", "describe_plan"]


PLAN_PROBLEM_WORDS: dict[PlanCode, str] = {
    PlanCode.WEEK_FORM: N_("{week!r} is not a week (YYYY-Www) or date"),
    PlanCode.NOTHING_TO_PUBLISH: N_("{week} has nothing planned yet"),
    PlanCode.UNKNOWN_VAN: N_("No van {van}"),
    PlanCode.UNKNOWN_STOP: N_("No stop {stop}"),
    PlanCode.SLOT_KIND: N_("Not a choice: {kind}"),
    PlanCode.SLOT_NEEDS_STOP: N_("A stop or a session needs a stop"),
    PlanCode.DAY_OFF: N_("{van} is off on {day}"),
    PlanCode.NOT_IN_WEEK: N_("{day} is not in {week}"),
    PlanCode.UNKNOWN_ITEM: N_("No item {item}"),
    PlanCode.NO_ITEMS: N_("Choose at least one item"),
    PlanCode.HEAD_COUNT: N_("Head count: 1 unless a group"),
    PlanCode.GROUP_NAME: N_("A group booking needs the group's name"),
    PlanCode.ADDRESS_MISSING: N_("A home visit needs the address"),
    PlanCode.NEED_UNKNOWN: N_("Unknown need: {need}"),
    PlanCode.CAPACITY: N_("Not enough staff: {departments} short by {short} minutes; nothing booked"),
    PlanCode.NO_SLOT: N_("{van} has no trip planned on {day} {half}"),
    PlanCode.BOOKING_NOT_FOUND: N_("No booking #{booking}"),
    PlanCode.BOOKING_NOT_BOOKED: N_("Booking #{booking} is {status}"),
    PlanCode.REQUEST_NOT_FOUND: N_("No request #{request} from {van}"),
    PlanCode.SESSION_NOT_FOUND: N_("No session #{session}"),
    PlanCode.THEME_MISSING: N_("The session needs a theme"),
    PlanCode.DEADLINE_AFTER: N_("The deadline {deadline} must be before {day}"),
    PlanCode.SMS_TOO_LONG: N_("The SMS has {length} characters, over 70"),
    PlanCode.SMS_LINK: N_("SMS variable {field} may not hold a link"),
    PlanCode.COORDINATES: N_("Coordinates: lat,lon in WGS-84"),
}


def describe_plan(error: PlanningError) -> str:
    """A planning problem in the language of the app it is shown in."""
    return words_for(PLAN_PROBLEM_WORDS[error.code], error.params)
