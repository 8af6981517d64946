"""`govan plan export`: the published week of every van as ICS (Asia/Shanghai), Markdown or JSON.

Only what was published is exported: a calendar subscriber, a WeChat post or the province see
what the vans received, never a draft. Half-days off are left out; half-days kept free for
appointments appear as 预约服务时段.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

import psycopg
from icalendar import Calendar, Event

from core.plan import SHANGHAI, WEEKDAY_NAMES
from planning.week import monday_of, published

__all__ = ["FORMATS", "export_week", "ics_calendar", "slot_title"]

FORMATS = ("ics", "md", "json")
# Citizens' text is always Chinese: these are what a calendar or a leaflet shows.
_KIND_TITLE = {"stop": "定点服务", "home_visits": "预约上门", "themed": "专场服务", "free": "预约服务时段"}
_HALF = {"am": "上午", "pm": "下午"}


def slot_title(slot: dict[str, Any]) -> str:
    kind = _KIND_TITLE.get(slot["kind"], slot["kind"])
    if slot["kind"] == "themed" and slot.get("session"):
        return f"{kind}：{slot['session']}"
    return f"{kind}：{slot['stop']}" if slot.get("stop") else kind


def _moment(day: str, clock: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), SHANGHAI)


def ics_calendar(week: str, weeks: dict[str, tuple[int, datetime, list[dict[str, Any]]]]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//govan//planning//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"流动政务客厅 {week}")
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    for van_id, (version, _, slots) in sorted(weeks.items()):
        for slot in slots:
            if slot["kind"] == "off":
                continue
            event = Event()
            # Stable per van and half-day, so a republished week updates the events instead of doubling them.
            event.add("uid", f"{van_id}-{slot['day']}-{slot['half']}@govan")
            event.add("sequence", version)
            event.add("summary", f"{slot_title(slot)}（{van_id}）")
            event.add("dtstart", _moment(slot["day"], slot["start"]))
            event.add("dtend", _moment(slot["day"], slot["end"]))
            event.add("dtstamp", datetime.now(SHANGHAI))
            if slot.get("address") or slot.get("stop"):
                event.add("location", slot.get("address") or slot["stop"])
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def _markdown(week: str, weeks: dict[str, tuple[int, datetime, list[dict[str, Any]]]]) -> str:
    lines = [f"# 流动政务客厅 服务计划 {week}", ""]
    for van_id, (version, at, slots) in sorted(weeks.items()):
        lines += [
            f"## {van_id}（第 {version} 版，{at.astimezone(SHANGHAI):%Y-%m-%d %H:%M} 发布）",
            "",
            "| 日期 | 时段 | 时间 | 安排 | 地点 |",
            "|---|---|---|---|---|",
        ]
        for slot in slots:
            day = date.fromisoformat(slot["day"])
            what = "休息" if slot["kind"] == "off" else slot_title(slot)
            lines.append(
                f"| {day:%m-%d} 周{WEEKDAY_NAMES[day.weekday()]} | {_HALF[slot['half']]} | "
                f"{slot['start']}–{slot['end']} | {what} | {slot.get('address') or slot.get('stop') or ''} |"
            )
        lines.append("")
    return "\n".join(lines)


def export_week(conn: psycopg.Connection[Any], week: str, fmt: str) -> bytes:
    """The published week in `fmt` (ics, md or json); ValueError for another format."""
    monday_of(week)
    weeks = published(conn, week)
    if fmt == "ics":
        return ics_calendar(week, weeks)
    if fmt == "md":
        return _markdown(week, weeks).encode()
    if fmt == "json":
        data = {
            "week": week,
            "vans": [
                {"van_id": van_id, "version": version, "published_at": at.isoformat(), "slots": slots}
                for van_id, (version, at, slots) in sorted(weeks.items())
            ],
        }
        return json.dumps(data, ensure_ascii=False, indent=2).encode()
    raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
