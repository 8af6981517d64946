"""The week plan's shared facts: ISO weeks, half-days and their hours, what a slot holds, and how
two versions of a van's week differ. The centre (planning/) makes plans; the van (db/plans.py)
stores them and shows the captain what changed; both use this module, so they agree.

A slot is one van's half-day: `{"day": "2026-12-07", "half": "am"|"pm", "kind": …, "start": "09:00",
"end": "12:00", "stop": name|null, "stop_id": int|null, "session": theme|null, "note": str}`.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

__all__ = [
    "CHECKIN_ALPHABET",
    "CHECKIN_LENGTH",
    "HALVES",
    "SHANGHAI",
    "SLOT_KINDS",
    "WEEKDAY_NAMES",
    "Change",
    "Half",
    "HalfDay",
    "SlotKind",
    "diff_slots",
    "half_days",
    "hours_of",
    "new_checkin_code",
    "parse_week",
    "week_of",
]

Half = Literal["am", "pm"]
HALVES: tuple[Half, ...] = ("am", "pm")
# stop: a fixed stop; home_visits: a run of home visits; themed: a themed session (专场);
# free: kept free for appointments; off: the crew's day off (no trip).
SlotKind = Literal["stop", "home_visits", "themed", "free", "off"]
SLOT_KINDS: tuple[SlotKind, ...] = ("stop", "home_visits", "themed", "free", "off")

# Office hours on weekdays; weekend trips are off-hours (错时服务): later in the morning, into the evening.
_WEEKDAY_HOURS = {"am": (time(9, 0), time(12, 0)), "pm": (time(14, 0), time(17, 30))}
_WEEKEND_HOURS = {"am": (time(9, 30), time(12, 30)), "pm": (time(15, 0), time(19, 0))}
_WEEK = re.compile(r"(\d{4})-W(\d{2})")
SHANGHAI = ZoneInfo("Asia/Shanghai")  # the vans', the centre's and the citizens' time
WEEKDAY_NAMES = "一二三四五六日"  # 周一 … 周日, for citizens' paper and the screens
# An appointment's check-in code, made at the van or the centre: no 0/O, 1/I/L, as it is read out over the phone.
CHECKIN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CHECKIN_LENGTH = 8


def new_checkin_code() -> str:
    """A random check-in code; the caller makes sure its store has no other like it."""
    return "".join(secrets.choice(CHECKIN_ALPHABET) for _ in range(CHECKIN_LENGTH))


@dataclass(frozen=True, order=True)
class HalfDay:
    day: date
    half: Half

    @property
    def weekend(self) -> bool:
        return self.day.weekday() >= 5

    @property
    def key(self) -> str:
        return f"{self.day.isoformat()}/{self.half}"


def parse_week(text: str) -> date:
    """The Monday of an ISO week written `2026-W50`; ValueError naming the problem otherwise."""
    match = _WEEK.fullmatch((text or "").strip())
    if not match:
        raise ValueError(f"week {text!r} is not written YYYY-Www, e.g. 2026-W50")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(f"week {text!r} does not exist ({year} has no week {week})") from None


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def half_days(monday: date) -> list[HalfDay]:
    """The week's 14 half-days, Monday morning first."""
    return [HalfDay(monday + timedelta(days=offset), half) for offset in range(7) for half in HALVES]


def hours_of(slot: HalfDay) -> tuple[time, time]:
    return (_WEEKEND_HOURS if slot.weekend else _WEEKDAY_HOURS)[slot.half]


@dataclass(frozen=True)
class Change:
    """One half-day that differs between two versions: `before` or `after` is None when the slot is new or gone."""

    day: str
    half: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def as_dict(self) -> dict[str, Any]:
        return {"day": self.day, "half": self.half, "before": self.before, "after": self.after}


_COMPARED = ("kind", "start", "end", "stop", "stop_id", "session", "note")


def diff_slots(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[Change]:
    """What changed from one version of a van's week to the next, half-day by half-day, in time order."""
    old = {(slot["day"], slot["half"]): slot for slot in before}
    new = {(slot["day"], slot["half"]): slot for slot in after}
    changes = []
    for key in sorted(old.keys() | new.keys()):
        was, now = old.get(key), new.get(key)
        if was is not None and now is not None and all(was.get(f) == now.get(f) for f in _COMPARED):
            continue
        changes.append(Change(key[0], key[1], was, now))
    return changes
