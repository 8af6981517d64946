"""The fields of the dispatcher's forms (8 预约, 9 专场): a label beside each, and a hint inside it."""

from __future__ import annotations

from tui.i18n import NC_

__all__ = ["FIELD_HINTS", "FIELD_LABELS"]

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
    "kind": NC_("plan.hint", "kind individual/home_visit/group"),
    "van": NC_("plan.hint", "van"),
    "day": NC_("plan.hint", "day 2026-12-08"),
    "half": NC_("plan.hint", "half am/pm"),
    "items": NC_("plan.hint", "item codes, comma-separated"),
    "head_count": NC_("plan.hint", "head count (group)"),
    "group": NC_("plan.hint", "group name"),
    "name": NC_("plan.hint", "name"),
    "phone": NC_("plan.hint", "phone"),
    "address": NC_("plan.hint", "address"),
    "point": NC_("plan.hint", "lat,lon (WGS-84)"),
    "needs": NC_("plan.hint", "needs bedridden,wheelchair,hearing"),
    "theme": NC_("plan.hint", "theme"),
    "stop": NC_("plan.hint", "stop name"),
    "deadline": NC_("plan.hint", "order deadline 2026-12-10"),
    "qr": NC_("plan.hint", "QR link (WeChat article or order page)"),
}
