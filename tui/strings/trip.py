"""Opening today's trip."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "trip.title": ("开启今天（{date}）的出车：选站点与模式，安排每位专员的窗口和类别",
                   "Open today's trip ({date}): stop, mode, and each person's window and categories"),
    "trip.stop": ("站点", "Stop"),
    "trip.theme": ("专场主题（可选）", "Theme (optional)"),
    "trip.mode.fixed": ("定时定点", "Fixed stop"),
    "trip.mode.appointment": ("预约上门", "Appointment"),
    "trip.mode.off_hours": ("错时服务", "Off-hours"),
    "trip.mode.themed": ("菜单式专场", "Themed session"),
    "trip.col.name": ("姓名", "Name"),
    "trip.col.role": ("角色", "Role"),
    "trip.col.window": ("窗口", "Window"),
    "trip.col.categories": ("类别", "Categories"),
    "trip.key.window": ("窗口", "Window"),
    "trip.key.categories": ("类别", "Categories"),
    "trip.key.unseat": ("不上岗", "Unseat"),
    "trip.ask_window": ("窗口号（留空表示不上岗）", "Window number (empty: not seated)"),
    "trip.ask_categories": ("服务类别字母（可选：{known}）", "Queue letters served (choose from {known})"),
    "trip.bad_categories": ("类别只能从 {known} 中选择", "Categories must be among {known}"),
    "trip.window_first": ("请先设置窗口号", "Set the window first"),
    "trip.window_taken": ("{window}号窗口已有人", "Window {window} is taken"),
    "trip.choose_stop": ("请选择站点", "Choose a stop"),
    "trip.no_crew": ("至少安排一位专员上岗", "Seat at least one person"),
    "trip.cannot_open": ("无法开启出车：{reason}", "Cannot open the trip: {reason}"),
    "key.back": ("返回", "Back"),
    "key.cancel": ("取消", "Cancel"),
}
