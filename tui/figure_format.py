"""How figures read on screen and on paper: rates as percentages, times in minutes."""

from __future__ import annotations

from datetime import datetime, tzinfo

from tui.i18n import Language, current


def rate(value: float | None) -> str:
    """0.75 → '75.0%'; nothing counted → '—'."""
    return "—" if value is None else f"{value * 100:.1f}%"


def minutes(seconds: float | None, words: Language | None = None) -> str:
    """372 → '6.2 分' (or '6.2 min'), in the app's language or the one given."""
    return "—" if seconds is None else (words or current()).t("{value} min", value=f"{seconds / 60:.1f}")


def duration(seconds: float | None, words: Language | None = None) -> str:
    """11100 → '3 小时 05 分', in the app's language or the one given."""
    if seconds is None:
        return "—"
    whole = int(seconds // 60)
    return (words or current()).t("{hours} h {minutes} min", hours=whole // 60, minutes=f"{whole % 60:02d}")


def clock_time(moment: datetime | None) -> str:
    return "—" if moment is None else moment.strftime("%H:%M")


def stored_time(text: str | None, tz: tzinfo, fmt: str = "%H:%M") -> str:
    """A time as the store keeps it (UTC text), in the van's time zone."""
    return "—" if not text else datetime.fromisoformat(text).astimezone(tz).strftime(fmt)
