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
from tui.i18n import N_, NC_, t
from tui.terms import BACKOFFICE_WORDS, CENTRAL_DELIVERY_WORDS, CENTRAL_FOLLOWUP_WORDS, SUBJECT_WORDS, TRACKING_WORDS

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
    return "-" if seconds is None else t("{n} min", n=f"{seconds / 60:.0f}")


def _word(words: dict[str, str], code: str | None) -> str:
    if code is None:
        return "-"
    return t(words[code]) if code in words else code


def _fleet(conn: Any, config: Config) -> tuple[list[list[str]], list[Any]]:
    lines = views.fleet(conn, online_minutes=config.central.online_minutes)
    return [
        [
            line.van_id,
            t("online") if line.online else t("offline"),
            _when(line.last_seen_at, config),
            str(line.outbox_pending),
            _when(line.oldest_pending_at, config),
            str(line.cases),
            str(line.trips),
            str(line.ratings),
            str(line.followups_open),
        ]
        for line in lines
    ], lines


def _trips(conn: Any, config: Config) -> tuple[list[list[str]], list[Any]]:
    lines = views.trips(conn)
    return [
        [
            line.van_id,
            line.trip_date.isoformat(),
            line.stop or "-",
            str(line.tickets),
            str(line.cases),
            _rate(line.completion_rate),
            _rate(line.satisfaction_rate),
            _rate(line.praise_rate),
            _minutes(line.wait_median_s),
        ]
        for line in lines
    ], lines


def _backoffice(conn: Any, config: Config) -> tuple[list[list[str]], list[Any]]:
    lines = views.backoffice(conn)
    return [
        [
            line.van_id,
            str(line.case_id),
            line.item_name or "-",
            _word(BACKOFFICE_WORDS, line.state),
            line.reference or "-",
            _word(CENTRAL_DELIVERY_WORDS, line.delivery),
            _word(TRACKING_WORDS, line.tracking),
        ]
        for line in lines
    ], lines


def _followups(conn: Any, config: Config) -> tuple[list[list[str]], list[Any]]:
    lines = views.overdue_followups(conn, today=views.today_in(config.tz))
    return [
        [
            line.van_id,
            _word(CENTRAL_FOLLOWUP_WORDS, line.kind),
            str(line.ref),
            _word(CENTRAL_FOLLOWUP_WORDS, line.status) if line.kind == "rating" else _word(TRACKING_WORDS, line.status),
            line.deadline.isoformat(),
            str(line.overdue_days),
        ]
        for line in lines
    ], lines


def _suggestions(conn: Any, config: Config) -> tuple[list[list[str]], list[Any]]:
    lines = views.suggestions(conn)
    return [[line.van_id, _when(line.received_at, config), line.text, line.response or "-"] for line in lines], lines


def _evaluation(conn: Any, config: Config) -> tuple[list[list[str]], list[Any]]:
    start, end = views.period_ending(views.today_in(config.tz), 365)
    lines = views.evaluation(conn, start, end, views.weights_of(config))
    return [
        [
            str(line.rank),
            line.name,
            str(line.vans),
            str(line.trips),
            str(line.cases),
            _rate(line.completion_rate),
            _rate(line.satisfaction_rate),
            _rate(line.praise_rate),
            "-" if line.cooperation is None else f"{line.cooperation:.1f}",
            f"{line.score:.1f}",
        ]
        for line in lines
    ], lines


def _reveals(conn: Any, config: Config) -> tuple[list[list[str]], list[Any]]:
    start, end = views.period_ending(views.today_in(config.tz), REVEALS_DAYS)
    lines = views.reveals(conn, start, end)
    return [
        [
            line.van_id,
            _when(line.at, config),
            line.staff_name or line.staff_login or "-",
            _word(SUBJECT_WORDS, line.subject),
            "-" if line.subject_id is None else str(line.subject_id),
            line.detail,
        ]
        for line in lines
    ], lines


REVEALS_DAYS = 30  # the audit page: who read personal data on the vans in the last 30 days

PAGES = (
    Page(
        "1",
        "fleet",
        NC_("central.page.fleet", "Vans"),
        (
            N_("Van"),
            N_("State"),
            N_("Last seen"),
            N_("Outbox"),
            N_("Oldest"),
            N_("Cases"),
            NC_("central.col.trips", "Trips"),
            NC_("central.col.ratings", "Ratings"),
            N_("Open f/u"),
        ),
        _fleet,
    ),
    Page(
        "2",
        "trips",
        NC_("central.page.trips", "Trips"),
        (
            N_("Van"),
            NC_("central.col.date", "Date"),
            N_("Stop"),
            N_("Tickets"),
            N_("Cases"),
            N_("Done %"),
            N_("Satisf."),
            N_("Praise"),
            N_("Wait p50"),
        ),
        _trips,
    ),
    Page(
        "3",
        "backoffice",
        NC_("central.page.backoffice", "Back office"),
        (
            N_("Van"),
            N_("Case"),
            N_("Item"),
            N_("State"),
            N_("Reference"),
            NC_("central.col.delivery", "Delivery"),
            N_("Tracking"),
        ),
        _backoffice,
    ),
    Page(
        "4",
        "followups",
        N_("Overdue"),
        (N_("Van"), N_("Kind"), N_("Case"), N_("State"), N_("Deadline"), N_("Days over")),
        _followups,
    ),
    Page(
        "5",
        "suggestions",
        N_("Suggestions"),
        (N_("Van"), NC_("central.col.date", "Date"), N_("Text"), N_("Response")),
        _suggestions,
    ),
    Page(
        "6",
        "evaluation",
        N_("Evaluation"),
        (
            N_("Rank"),
            NC_("central.col.name", "Name"),
            NC_("central.col.vans", "Vans"),
            NC_("central.col.trips", "Trips"),
            N_("Cases"),
            N_("Done %"),
            N_("Satisf."),
            N_("Praise"),
            N_("Coop."),
            N_("Score"),
        ),
        _evaluation,
    ),
    Page(
        "0",
        "reveals",
        N_("Audit"),  # of reveals of personal data; one word, so the tabs wrap between pages
        (
            N_("Van"),
            NC_("central.col.date", "Date"),
            NC_("central.col.name", "Name"),
            N_("Subject"),
            NC_("central.col.record", "Record"),
            N_("Why"),
        ),
        _reveals,
    ),
)

__all__ = ["PAGES", "Page"]
