"""The captain's view of the centre's plan (tui/screens/plan.py)."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "planview.key.seen": ("已阅", "Seen"),
    "planview.none": ("（无）", "(none)"),
    "planview.kind.stop": ("定点", "Stop"),
    "planview.kind.home_visits": ("上门", "Home visits"),
    "planview.kind.themed": ("专场", "Session"),
    "planview.kind.free": ("预约时段", "Kept for bookings"),
    "planview.kind.off": ("休息", "Off"),
    "planview.am": ("上午", "am"),
    "planview.pm": ("下午", "pm"),
    "planview.changed_head": ("中心调整了计划（按 A 表示已阅）：", "The centre changed the plan (A: seen):"),
    "planview.change": ("{day} {half}：{before} → {after}", "{day} {half}: {before} → {after}"),
    "planview.new_week": ("收到新的周计划：{weeks}（按 A 表示已阅）", "New week plan received: {weeks} (A: seen)"),
    "planview.nothing_new": ("计划没有新的变化", "Nothing new in the plan"),
    "planview.col.day": ("日期", "Day"),
    "planview.col.time": ("时间", "Time"),
    "planview.col.what": ("安排", "Plan"),
    "planview.col.note": ("备注", "Note"),
    "planview.col.kind": ("类型", "Kind"),
    "planview.col.who": ("对象", "Who"),
    "planview.col.items": ("事项", "Items"),
    "planview.col.address": ("地址", "Address"),
    "planview.col.needs": ("特殊需要", "Needs"),
    "planview.booking.individual": ("个人", "Individual"),
    "planview.booking.home_visit": ("上门", "Home visit"),
    "planview.booking.group": ("团体", "Group"),
}
