"""The centre's pages: what each one loads from central.views and how its rows read.

A page is data, not a screen: its title, its columns and a loader returning (rows for the
screen, the typed lines for exports). Codes become words here, through t().
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from central import views
from govan.config import Config
from tui.i18n import t

Loader = Callable[[Any, Config], tuple[list[list[str]], list[Any]]]


@dataclass(frozen=True)
class Page:
    key: str  # the digit that shows it
    name: str  # also the export file's name
    title: str  # a string key
    columns: tuple[str, ...]  # string keys
    load: Loader


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _when(value: datetime | None, config: Config) -> str:
    return "-" if value is None else value.astimezone(config.tz).strftime("%m-%d %H:%M")


def _minutes(seconds: float | None) -> str:
    return "-" if seconds is None else t("central.minutes", n=f"{seconds / 60:.0f}")


def _word(prefix: str, code: str | None) -> str:
    if code is None:
        return "-"
    key = f"{prefix}.{code}"
    from tui.strings import STRINGS

    return t(key) if key in STRINGS else code


def _fleet(conn: Any, config: Config) -> tuple[list[list[str]], list[Any]]:
    lines = views.fleet(conn, online_minutes=config.central.online_minutes)
    return [[line.van_id, t("central.online") if line.online else t("central.offline"), _when(line.last_seen_at, config),
             str(line.outbox_pending), _when(line.oldest_pending_at, config), str(line.cases), str(line.trips),
             str(line.ratings), str(line.followups_open)] for line in lines], lines


def _trips(conn: Any, config: Config) -> tuple[list[list[str]], list[Any]]:
    lines = views.trips(conn)
    return [[line.van_id, line.trip_date.isoformat(), line.stop or "-", str(line.tickets), str(line.cases),
             _rate(line.completion_rate), _rate(line.satisfaction_rate), _rate(line.praise_rate),
             _minutes(line.wait_median_s)] for line in lines], lines


def _backoffice(conn: Any, config: Config) -> tuple[list[list[str]], list[Any]]:
    lines = views.backoffice(conn)
    return [[line.van_id, str(line.case_id), line.item_name or "-", _word("central.backoffice", line.state),
             line.reference or "-", _word("central.delivery", line.delivery), _word("central.tracking", line.tracking)]
            for line in lines], lines


def _followups(conn: Any, config: Config) -> tuple[list[list[str]], list[Any]]:
    lines = views.overdue_followups(conn, today=views.today_in(config.tz))
    return [[line.van_id, _word("central.followup", line.kind), str(line.ref),
             _word("central.followup", line.status) if line.kind == "rating" else _word("central.tracking", line.status),
             line.deadline.isoformat(), str(line.overdue_days)] for line in lines], lines


def _suggestions(conn: Any, config: Config) -> tuple[list[list[str]], list[Any]]:
    lines = views.suggestions(conn)
    return [[line.van_id, _when(line.received_at, config), line.text, line.response or "-"] for line in lines], lines


def _evaluation(conn: Any, config: Config) -> tuple[list[list[str]], list[Any]]:
    start, end = views.period_ending(views.today_in(config.tz), 365)
    lines = views.evaluation(conn, start, end, views.weights_of(config))
    return [[str(line.rank), line.name, str(line.vans), str(line.trips), str(line.cases), _rate(line.completion_rate),
             _rate(line.satisfaction_rate), _rate(line.praise_rate),
             "-" if line.cooperation is None else f"{line.cooperation:.1f}", f"{line.score:.1f}"] for line in lines], lines


def _reveals(conn: Any, config: Config) -> tuple[list[list[str]], list[Any]]:
    start, end = views.period_ending(views.today_in(config.tz), REVEALS_DAYS)
    lines = views.reveals(conn, start, end)
    return [[line.van_id, _when(line.at, config), line.staff_name or line.staff_login or "-",
             _word("central.subject", line.subject), "-" if line.subject_id is None else str(line.subject_id),
             line.detail] for line in lines], lines


REVEALS_DAYS = 30  # the audit page: who read personal data on the vans in the last 30 days

PAGES = (
    Page("1", "fleet", "central.page.fleet", ("central.col.van", "central.col.state", "central.col.last_seen",
         "central.col.outbox", "central.col.oldest", "central.col.cases", "central.col.trips", "central.col.ratings",
         "central.col.followups_open"), _fleet),
    Page("2", "trips", "central.page.trips", ("central.col.van", "central.col.date", "central.col.stop",
         "central.col.tickets", "central.col.cases", "central.col.completion", "central.col.satisfaction",
         "central.col.praise", "central.col.wait"), _trips),
    Page("3", "backoffice", "central.page.backoffice", ("central.col.van", "central.col.case", "central.col.item",
         "central.col.state", "central.col.reference", "central.col.delivery", "central.col.tracking"), _backoffice),
    Page("4", "followups", "central.page.followups", ("central.col.van", "central.col.kind", "central.col.case",
         "central.col.state", "central.col.deadline", "central.col.overdue"), _followups),
    Page("5", "suggestions", "central.page.suggestions", ("central.col.van", "central.col.date", "central.col.text",
         "central.col.response"), _suggestions),
    Page("6", "evaluation", "central.page.evaluation", ("central.col.rank", "central.col.name", "central.col.vans",
         "central.col.trips", "central.col.cases", "central.col.completion", "central.col.satisfaction",
         "central.col.praise", "central.col.cooperation", "central.col.score"), _evaluation),
    Page("0", "reveals", "central.page.reveals", ("central.col.van", "central.col.date", "central.col.name",
         "central.col.subject", "central.col.record", "central.col.why"), _reveals),
)

__all__ = ["PAGES", "Page"]
