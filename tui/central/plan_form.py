"""The fields of the dispatcher's forms (8 预约, 9 专场): a label beside each, and in it a hint, a choice
worded in the staff's language, or boxes to tick. Choices and boxes hold the planning codes
(planning/desk.py parses the form), so only their words are the view's."""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Input, Select

from core.plan import HALVES
from planning.bookings import BOOKING_KINDS, NEEDS
from tui.i18n import NC_, t
from tui.terms import BOOKING_KIND_WORDS, HALF_DAY_WORDS, NEED_WORDS
from tui.widgets.check_row import CheckRow

__all__ = ["FIELD_HINTS", "FIELD_LABELS", "field_value", "field_widget"]

FIELD_LABELS: dict[str, str] = {
    "kind": NC_("plan.label", "Kind"),
    "van": NC_("plan.label", "Van"),
    "day": NC_("plan.label", "Day"),
    "half": NC_("plan.label", "Half-day"),
    "items": NC_("plan.label", "Items"),
    "head_count": NC_("plan.label", "Head count"),
    "group": NC_("plan.label", "Group"),
    "name": NC_("plan.label", "Name"),
    "phone": NC_("plan.label", "Phone"),
    "address": NC_("plan.label", "Address"),
    "point": NC_("plan.label", "Lat,lon"),
    "needs": NC_("plan.label", "Needs"),
    "theme": NC_("plan.label", "Theme"),
    "stop": NC_("plan.label", "Stop"),
    "deadline": NC_("plan.label", "Order by"),
    "qr": NC_("plan.label", "QR link"),
}
FIELD_HINTS: dict[str, str] = {
    "van": NC_("plan.hint", "van"),
    "day": NC_("plan.hint", "day 2026-12-08"),
    "half": NC_("plan.hint", "choose the half-day"),
    "items": NC_("plan.hint", "item names, comma-separated"),
    "head_count": NC_("plan.hint", "head count (group)"),
    "group": NC_("plan.hint", "group name"),
    "name": NC_("plan.hint", "name"),
    "phone": NC_("plan.hint", "phone"),
    "address": NC_("plan.hint", "address"),
    "point": NC_("plan.hint", "lat,lon (WGS-84)"),
    "theme": NC_("plan.hint", "theme"),
    "stop": NC_("plan.hint", "stop name"),
    "deadline": NC_("plan.hint", "order deadline 2026-12-10"),
    "qr": NC_("plan.hint", "QR link (WeChat article or order page)"),
}
# One of a few codes: (code, word) in the order offered; a field without a blank starts at its first.
_CHOICES: dict[str, list[tuple[str, str]]] = {
    "kind": [(kind, BOOKING_KIND_WORDS[kind]) for kind in BOOKING_KINDS],
    "half": [(half, HALF_DAY_WORDS[half]) for half in HALVES],
}
_BLANK_ALLOWED = {"half"}  # no half-day is likelier than another: the dispatcher chooses
_TICKS: dict[str, list[tuple[str, str]]] = {"needs": [(need, NEED_WORDS[need]) for need in NEEDS]}


def field_widget(field: str) -> Widget:
    """The widget that takes `field`, with the id `form-{field}`."""
    ident, classes = f"form-{field}", "plan-field"
    if field in _CHOICES:
        return Select(
            [(t(word), code) for code, word in _CHOICES[field]],
            prompt=t(FIELD_HINTS[field]) if field in FIELD_HINTS else "",
            allow_blank=field in _BLANK_ALLOWED,
            compact=True,
            id=ident,
            classes=classes,
        )
    if field in _TICKS:
        return CheckRow([(code, t(word)) for code, word in _TICKS[field]], id=ident, classes=classes)
    return Input(placeholder=t(FIELD_HINTS[field]), id=ident, classes=classes)


def field_value(widget: Widget) -> str:
    """What the field holds, as planning/desk.py reads it: text, a code, or codes comma-separated."""
    if isinstance(widget, Select):
        return "" if widget.is_blank() else str(widget.value)
    if isinstance(widget, CheckRow):
        return ",".join(widget.codes)
    return widget.value if isinstance(widget, Input) else ""
