"""Time as the store keeps it: UTC ISO-8601 text with offset, millisecond precision.

All stored times end in "+00:00", so text order is time order and SQLite's
julianday() reads them directly. Local dates (trip days, deadlines) use the
van's time zone, Asia/Shanghai unless the caller says otherwise.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from core.problems import Code
from db.errors import InvalidValue

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utc_now() -> datetime:
    return datetime.now(UTC)


def resolve(now: datetime | None) -> datetime:
    """The caller's `now` (tests pass one) or the real clock; always timezone-aware."""
    if now is None:
        return utc_now()
    if now.tzinfo is None or now.utcoffset() is None:
        raise InvalidValue(Code.STORE_NAIVE_TIME)
    return now


def to_text(moment: datetime) -> str:
    """The stored form, e.g. '2026-11-20T02:03:04.123+00:00'."""
    return resolve(moment).astimezone(UTC).isoformat(timespec="milliseconds")


def from_text(text: str) -> datetime:
    return datetime.fromisoformat(text)


def local_date(moment: datetime, tz: ZoneInfo = SHANGHAI) -> date:
    return resolve(moment).astimezone(tz).date()


def age_on(birth_date: date, day: date) -> int:
    """Completed years of age on `day` (a 29 February birthday counts on 1 March)."""
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)
