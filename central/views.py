"""What the centre's screens and `govan central status` show, read from the central store.

This is the centre's flows-like layer: typed rows, no words (views translate codes), so that
`tui/central/` renders it and imports only central.views, never psycopg or SQL. Metrics follow
DOMAIN.md: 办成率 = (done on site + accepted) ÷ (those + not done), consultations left out;
满意率 = ratings 3–5 ÷ ratings; 好评率 = ratings 4–5 ÷ ratings.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any

import psycopg

from central.errors import CentralError
from central.postgres import LocalPostgres
from govan.config import Config

__all__ = [
    "BackofficeLine",
    "Evaluation",
    "FollowupLine",
    "RevealLine",
    "SuggestionLine",
    "TripLine",
    "VanLine",
    "Weights",
    "backoffice",
    "backoffice_counts",
    "evaluation",
    "export",
    "fleet",
    "open_store",
    "overdue_followups",
    "period_ending",
    "reveals",
    "store_url",
    "suggestions",
    "today_in",
    "trips",
    "weights_of",
]


def open_store(url: str) -> psycopg.Connection[Any]:
    return psycopg.connect(url, autocommit=True)


def store_url(config: Config) -> str:
    """Where the central store is; for "embedded", the server `govan central` runs in the data directory."""
    url = config.central.database_url
    if url != "embedded":
        return url
    server = LocalPostgres(config.data_path / "central" / "pgdata")
    running = server.running_socket_dir()
    if running is None:
        raise CentralError(f"no embedded PostgreSQL is running in {server.data}; start `govan central` first")
    return LocalPostgres.url(running)


def weights_of(config: Config) -> Weights:
    return Weights(**{f.name: getattr(config.evaluation, f.name) for f in fields(Weights)})


@dataclass(frozen=True)
class VanLine:
    van_id: str
    last_seen_at: datetime | None
    online: bool
    cases: int
    trips: int
    ratings: int
    followups_open: int
    outbox_pending: int
    oldest_pending_at: datetime | None


def fleet(conn: psycopg.Connection[Any], *, online_minutes: int) -> list[VanLine]:
    rows = conn.execute(
        """SELECT v.van_id, v.last_seen_at, v.last_seen_at > now() - make_interval(mins => %s),
                  v.cases, v.trips, v.ratings,
                  (SELECT count(*) FROM followups f WHERE f.van_id = v.van_id AND f.status <> 'closed'),
                  v.outbox_pending, v.oldest_pending_at
           FROM vans v ORDER BY v.van_id""",
        [online_minutes],
    ).fetchall()
    return [VanLine(*row) for row in rows]


@dataclass(frozen=True)
class TripLine:
    van_id: str
    trip_id: int
    trip_date: date
    stop: str | None
    tickets: int
    cases: int
    completion_rate: float | None
    satisfaction_rate: float | None
    praise_rate: float | None
    wait_median_s: float | None
    wait_p90_s: float | None


def trips(
    conn: psycopg.Connection[Any], *, van_id: str | None = None, since: date | None = None, limit: int = 200
) -> list[TripLine]:
    rows = conn.execute(
        """SELECT van_id, trip_id, trip_date, stop, tickets, cases, completion_rate, satisfaction_rate, praise_rate,
                  wait_median_s, wait_p90_s FROM trips
           WHERE (%s::text IS NULL OR van_id = %s) AND (%s::date IS NULL OR trip_date >= %s)
           ORDER BY trip_date DESC, van_id, trip_id DESC LIMIT %s""",
        [van_id, van_id, since, since, limit],
    ).fetchall()
    return [TripLine(*row) for row in rows]


@dataclass(frozen=True)
class BackofficeLine:
    van_id: str
    case_id: int
    item_name: str | None
    outcome_at: datetime | None
    state: str  # pending | delivered | accepted | rejected
    reference: str | None
    attempts: int
    last_error: str | None
    delivery: str | None
    tracking: str | None  # a mailed result's state, as a code


def backoffice(conn: psycopg.Connection[Any], *, state: str | None = None, limit: int = 500) -> list[BackofficeLine]:
    rows = conn.execute(
        """SELECT b.van_id, b.case_id, c.item_name, c.outcome_at, b.state, b.reference, b.attempts, b.last_error,
                  c.delivery, d.state
           FROM backoffice b JOIN cases c USING (van_id, case_id)
           LEFT JOIN deliveries d USING (van_id, case_id)
           WHERE %s::text IS NULL OR b.state = %s
           ORDER BY c.outcome_at DESC NULLS LAST LIMIT %s""",
        [state, state, limit],
    ).fetchall()
    return [BackofficeLine(*row) for row in rows]


def backoffice_counts(conn: psycopg.Connection[Any]) -> dict[str, int]:
    return dict(conn.execute("SELECT state, count(*) FROM backoffice GROUP BY state ORDER BY state").fetchall())


@dataclass(frozen=True)
class FollowupLine:
    kind: str  # "rating" (a 差评) | "delivery" (a result returned or refused)
    van_id: str
    ref: int  # follow-up id, or the case id of a delivery
    status: str
    deadline: date
    opened_at: datetime
    overdue_days: int


def overdue_followups(conn: psycopg.Connection[Any], *, today: date) -> list[FollowupLine]:
    """Follow-ups past their deadline and not closed, across the fleet, most overdue first."""
    rows = conn.execute(
        """SELECT 'rating', van_id, followup_id, status, deadline, opened_at FROM followups
           WHERE status <> 'closed' AND deadline < %s
           UNION ALL
           SELECT 'delivery', van_id, case_id, state, deadline, opened_at FROM delivery_followups
           WHERE closed_at IS NULL AND deadline < %s
           ORDER BY 5, 2, 3""",
        [today, today],
    ).fetchall()
    return [
        FollowupLine(kind, van, ref, status, deadline, opened, (today - deadline).days)
        for kind, van, ref, status, deadline, opened in rows
    ]


@dataclass(frozen=True)
class SuggestionLine:
    van_id: str
    suggestion_id: int
    received_at: datetime
    text: str
    response: str | None


def suggestions(conn: psycopg.Connection[Any], *, limit: int = 200) -> list[SuggestionLine]:
    rows = conn.execute(
        """SELECT van_id, suggestion_id, received_at, text, response FROM suggestions
                           ORDER BY received_at DESC LIMIT %s""",
        [limit],
    ).fetchall()
    return [SuggestionLine(*row) for row in rows]


@dataclass(frozen=True)
class Weights:
    """The evaluation's weights ([evaluation] in govan.toml); the same components as the van's."""

    trips: float = 0.15
    cases: float = 0.15
    completion: float = 0.2
    satisfaction: float = 0.2
    praise: float = 0.15
    cooperation: float = 0.15


@dataclass(frozen=True)
class Evaluation:
    rank: int
    staff_key: str
    name: str
    vans: int
    trips: int
    cases: int
    completion_rate: float | None
    satisfaction_rate: float | None
    praise_rate: float | None
    cooperation: float | None
    score: float


def evaluation(conn: psycopg.Connection[Any], date_from: date, date_to: date, weights: Weights) -> list[Evaluation]:
    """Staff across every van over a period, by a weighted 0–100 score (as db.metrics.evaluate on a van):
    trips and cases relative to the best; the three rates; cooperation (mean mark 1–5) as (mark - 1) ÷ 4."""
    values = {f.name: float(getattr(weights, f.name)) for f in fields(Weights)}
    total = sum(values.values())
    if total <= 0 or any(value < 0 for value in values.values()):
        raise ValueError("evaluation weights must be non-negative and not all zero")
    rows = conn.execute(
        """WITH per AS (
               SELECT staff_key, max(name) AS name, count(DISTINCT van_id) AS vans, count(*) AS trips,
                      sum(cases) AS cases, sum(completed + forwarded) AS done, sum(completed + forwarded + not_done)
                      AS decided, sum(ratings) AS ratings, sum(satisfied) AS satisfied, sum(praised) AS praised,
                      avg(cooperation) AS cooperation
               FROM trip_staff WHERE trip_date BETWEEN %(from)s AND %(to)s GROUP BY staff_key),
           rated AS (
               SELECT *, done::float / NULLIF(decided, 0) AS completion_rate,
                      satisfied::float / NULLIF(ratings, 0) AS satisfaction_rate,
                      praised::float / NULLIF(ratings, 0) AS praise_rate FROM per),
           scored AS (
               SELECT *, 100.0 * (
                   %(trips)s * COALESCE(trips::float / NULLIF(max(trips) OVER (), 0), 0)
                 + %(cases)s * COALESCE(cases::float / NULLIF(max(cases) OVER (), 0), 0)
                 + %(completion)s * COALESCE(completion_rate, 0)
                 + %(satisfaction)s * COALESCE(satisfaction_rate, 0)
                 + %(praise)s * COALESCE(praise_rate, 0)
                 + %(cooperation)s * COALESCE((cooperation - 1) / 4.0, 0)) / %(total)s AS score FROM rated)
           SELECT rank() OVER (ORDER BY score DESC), staff_key, name, vans, trips, cases, completion_rate,
                  satisfaction_rate, praise_rate, cooperation::float, score
           FROM scored ORDER BY 1, 2""",
        {"from": date_from, "to": date_to, "total": total, **values},
    ).fetchall()
    return [Evaluation(*row) for row in rows]


@dataclass(frozen=True)
class RevealLine:
    """One read of personal data on a van: who, when, why, about which of its records (never the value)."""

    van_id: str
    at: datetime
    staff_login: str | None
    staff_name: str | None
    subject: str
    subject_id: int | None
    detail: str


def reveals(conn: psycopg.Connection[Any], start: date, end: date, *, van_id: str | None = None) -> list[RevealLine]:
    """Every read of personal data between `start` and `end` (inclusive, UTC days), oldest first."""
    rows = conn.execute(
        """SELECT van_id, at, staff_login, staff_name, subject, subject_id, detail FROM reveals
           WHERE at >= %s AND at < %s AND (%s::text IS NULL OR van_id = %s) ORDER BY at, van_id, audit_id""",
        [start, end + timedelta(days=1), van_id, van_id],
    ).fetchall()
    return [RevealLine(*row) for row in rows]


def export(lines: list[Any], fmt: str) -> str:
    """Rows of one of the dataclasses above as md, csv or json; times ISO-8601, rates as fractions."""
    records = [{key: _plain(value) for key, value in asdict(line).items()} for line in lines]
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    names = [f.name for f in fields(type(lines[0]))] if lines else []
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        return out.getvalue()
    if fmt == "md":
        head = "| " + " | ".join(names) + " |\n|" + "---|" * len(names) + "\n"
        return head + "".join(
            "| " + " | ".join("" if r[n] is None else str(r[n]).replace("|", "\\|") for n in names) + " |\n"
            for r in records
        )
    raise ValueError(f"unknown export format {fmt!r}; use md, csv or json")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 4)
    return value


def today_in(tz: Any) -> date:
    return datetime.now(tz).date()


def period_ending(today: date, days: int) -> tuple[date, date]:
    return today - timedelta(days=days - 1), today
