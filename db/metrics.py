"""Every metric of DOMAIN.md, computed in SQL, here and nowhere else.

- 办成率 (completion rate) = (completed on site + accepted and forwarded)
  ÷ (the same + not done); consult-only cases are left out.
- 满意率 (satisfaction) = ratings 3-5 ÷ all ratings; 好评率 (praise) = ratings 4-5 ÷ all.
- Wait time = ticket issued → its first call.
- Service time = first call → the (last) outcome recorded for that ticket's cases.
- 下沉次数 (trips out) = trips (opened or closed) a staff member or window took part in.
- Named-差评 callback rate = named ratings 1-2 that have a callback ÷ named ratings 1-2.
- For the captain's charts: arrivals per local hour, waits in bins, ratings per score.

Medians and p90 interpolate linearly between the two nearest ranks (numpy's
default): for sorted values x0..x(n-1), the p-quantile is at position (n-1)·p.
Rates are fractions 0..1, or None when nothing was counted.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from core.problems import Code
from db import clock
from db.errors import InvalidValue, NotFound

Grouping = Literal["overall", "category", "staff", "department"]


@dataclass(frozen=True)
class _Key:
    """The group key of each source row for one grouping. Aliases: tk tickets, r ratings,
    c cases; dt (a ticket's department) and d (a case item's department) are joined
    only for the groupings that need them."""

    ticket: str
    case: str
    rating: str
    name: str  # the group's display name, from g.grp
    name_en: str = "''"  # its English name, where the catalogue has one ('' otherwise)
    ticket_department: bool = False
    case_department: bool = False


_KEYS: dict[str, _Key] = {
    "overall": _Key("'all'", "'all'", "'all'", "'all'"),
    "category": _Key(
        "tk.category",
        "d.queue_letter",
        "tk.category",
        "(SELECT name FROM departments WHERE queue_letter = g.grp)",
        "(SELECT name_en FROM departments WHERE queue_letter = g.grp)",
        case_department=True,
    ),
    "staff": _Key("tk.staff_id", "c.staff_id", "r.staff_id", "(SELECT name FROM staff WHERE id = g.grp)"),
    "department": _Key(
        "dt.code",
        "d.code",
        "dt.code",
        "(SELECT name FROM departments WHERE code = g.grp)",
        "(SELECT name_en FROM departments WHERE code = g.grp)",
        ticket_department=True,
        case_department=True,
    ),
}


@dataclass(frozen=True)
class Figures:
    tickets: int
    called: int
    served: int  # reached a window: serving or done
    no_shows: int
    waiting: int
    transferred: int
    cases: int
    completed_on_site: int
    accepted_forwarded: int
    not_done: int
    consult_only: int
    ratings: int
    satisfied: int
    praised: int
    bad_reviews: int
    named_bad_reviews: int
    named_bad_called_back: int
    completion_rate: float | None
    satisfaction_rate: float | None
    praise_rate: float | None
    named_bad_callback_rate: float | None
    wait_median_s: float | None
    wait_p90_s: float | None
    service_median_s: float | None
    service_p90_s: float | None


@dataclass(frozen=True)
class GroupFigures:
    key: Any  # category letter, staff id, department code, or 'all'
    name: str  # a department's name as the catalogue has it (Chinese), or a person's
    figures: Figures
    name_en: str = ""  # a department's English name, where the catalogue has one


@dataclass(frozen=True)
class ShiftSummary:
    """The captain's summary (汇总工作情况) of one trip."""

    trip_id: int
    trip_date: date
    stop_name: str
    status: str
    overall: Figures
    by_category: list[GroupFigures]
    by_staff: list[GroupFigures]
    suggestions: int
    follow_ups_open: int


@dataclass(frozen=True)
class EvaluationWeights:
    """Weights of the staff and window evaluation (考评); the centre sets them in the config."""

    trips: float = 0.15
    cases: float = 0.15
    completion: float = 0.2
    satisfaction: float = 0.2
    praise: float = 0.15
    cooperation: float = 0.15


@dataclass(frozen=True)
class Evaluation:
    rank: int
    key: Any  # staff id or department code
    name: str
    trips: int
    cases: int
    completion_rate: float | None
    satisfaction_rate: float | None
    praise_rate: float | None
    cooperation: float | None  # mean captain's mark, 1-5
    score: float  # 0-100
    name_en: str = ""  # a department's English name, where the catalogue has one


def _quantile(p: float, value: str = "x") -> str:
    """SQL for the p-quantile over rows (i = 0-based rank, n = count) of one group."""
    pos = f"((n - 1) * {p!r})"
    low = f"CAST({pos} AS INTEGER)"
    return (
        f"SUM(CASE WHEN i = {low} THEN {value} * (1 - ({pos} - {low}))"
        f" WHEN i = {low} + 1 THEN {value} * ({pos} - {low}) END)"
    )


_ONE_TRIP = "id = :trip_id"


def _scope(trip_id: int | None, date_from: date | None, date_to: date | None) -> tuple[str, dict[str, Any]]:
    """The WHERE clause on trips that picks the trips measured, and its parameters."""
    if trip_id is not None:
        return _ONE_TRIP, {"trip_id": trip_id}
    if date_from is None or date_to is None:
        raise InvalidValue(Code.METRICS_NO_SCOPE)
    if date_from > date_to:
        raise InvalidValue(Code.METRICS_PERIOD_REVERSED)
    return (
        "trip_date BETWEEN :date_from AND :date_to AND status != 'planned'",
        {"date_from": date_from.isoformat(), "date_to": date_to.isoformat()},
    )


def _quantiles(name: str, rows: str, column: str) -> str:
    """CTEs `{name}_ranked` and `{name}_q` (dim, grp, median_s, p90_s). One window (a
    single sort) numbers the rows and counts them."""
    return f"""{name}_ranked AS (
        SELECT dim, grp, {column} AS x, ROW_NUMBER() OVER w - 1 AS i, COUNT(*) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING
               AND UNBOUNDED FOLLOWING) AS n
        FROM {rows} WHERE {column} IS NOT NULL
        WINDOW w AS (PARTITION BY dim, grp ORDER BY {column})),
    {name}_q AS (SELECT dim, grp, {_quantile(0.5)} AS median_s, {_quantile(0.9)} AS p90_s
                 FROM {name}_ranked GROUP BY dim, grp)"""


def _figures_sql(dims: tuple[Grouping, ...], scope: str, *, queue: bool = True) -> str:
    """One SELECT giving `dim`, `grp`, `name` and every Figures column, per group of each
    grouping asked for. The rows are read once and fanned out to the groupings, so one
    statement (one consistent snapshot) serves a whole summary.

    Without `queue` (the evaluation) tickets, wait and service times are left out
    (zero and None), which saves reading every ticket of a year.
    """
    for by in dims:
        if by not in _KEYS:
            raise InvalidValue(Code.STORE_NOT_A_CHOICE, field="metrics.figures_by", allowed=", ".join(_KEYS))

    def within(column: str) -> str:
        # Equality on one trip lets SQLite pick the trip index instead of scanning.
        return f"{column} = :trip_id" if scope == _ONE_TRIP else f"{column} IN scope"

    # Materialize the base rows only when several groupings read them.
    materialized = "MATERIALIZED" if len(dims) > 1 else "NOT MATERIALIZED"

    def keys(source: str) -> str:
        return ", ".join(f"{getattr(_KEYS[by], source)} AS k_{by}" for by in dims)

    dt = (
        " JOIN departments dt ON dt.queue_letter = tk.category"
        if any(_KEYS[by].ticket_department for by in dims)
        else ""
    )
    d = (
        " JOIN service_items i ON i.code = c.item_code JOIN departments d ON d.code = i.department"
        if any(_KEYS[by].case_department for by in dims)
        else ""
    )

    def fan_out(rows: str, columns: str) -> str:
        return "\n        UNION ALL ".join(f"SELECT '{by}' AS dim, k_{by} AS grp, {columns} FROM {rows}" for by in dims)

    queue_ctes = (
        f"""tk_agg AS (
        SELECT dim, grp, COUNT(*) AS tickets, SUM(called_at IS NOT NULL) AS called,
               SUM(status IN ('serving', 'done')) AS served, SUM(status = 'no_show') AS no_shows,
               SUM(status = 'waiting') AS waiting, SUM(status = 'transferred') AS transferred
        FROM tk_rows GROUP BY dim, grp),
    {_quantiles("wait", "tk_rows", "wait_s")},
    {_quantiles("svc", "svc_rows", "service_s")}"""
        if queue
        else """tk_agg AS (
        SELECT NULL AS dim, NULL AS grp, 0 AS tickets, 0 AS called, 0 AS served, 0 AS no_shows, 0 AS waiting,
               0 AS transferred WHERE 0),
    wait_q AS (SELECT NULL AS dim, NULL AS grp, NULL AS median_s, NULL AS p90_s WHERE 0),
    svc_q AS (SELECT NULL AS dim, NULL AS grp, NULL AS median_s, NULL AS p90_s WHERE 0)"""
    )

    names = " ".join(f"WHEN '{by}' THEN {_KEYS[by].name}" for by in dims)
    names_en = " ".join(f"WHEN '{by}' THEN {_KEYS[by].name_en}" for by in dims)
    return f"""
    WITH
    scope AS (SELECT id FROM trips WHERE {scope}),
    tk_base AS {materialized} (
        SELECT {keys("ticket")}, tk.status, tk.called_at,
               (julianday(tk.called_at) - julianday(tk.issued_at)) * 86400.0 AS wait_s
        FROM tickets tk{dt}
        WHERE {within("tk.trip_id")} AND tk.status != 'cancelled'),
    svc_base AS {materialized} (
        SELECT {keys("ticket")}, (julianday(last.outcome_at) - julianday(tk.called_at)) * 86400.0 AS service_s
        FROM (SELECT ticket_id, MAX(outcome_at) AS outcome_at FROM cases
              WHERE {within("trip_id")} AND ticket_id IS NOT NULL AND outcome_at IS NOT NULL
              GROUP BY ticket_id) AS last
             JOIN tickets tk ON tk.id = last.ticket_id{dt}
        WHERE tk.called_at IS NOT NULL),
    case_base AS {materialized} (
        SELECT {keys("case")}, c.outcome
        FROM cases c{d}
        WHERE {within("c.trip_id")} AND c.outcome IS NOT NULL),
    rating_base AS {materialized} (
        SELECT {keys("rating")}, r.score, r.named, f.callback_at
        FROM ratings r JOIN tickets tk ON tk.id = r.ticket_id{dt} LEFT JOIN follow_ups f ON f.rating_id = r.id
        WHERE {within("tk.trip_id")}),
    tk_rows AS ({fan_out("tk_base", "status, called_at, wait_s")}),
    svc_rows AS ({fan_out("svc_base", "service_s")}),
    case_rows AS ({fan_out("case_base", "outcome")}),
    rating_rows AS ({fan_out("rating_base", "score, named, callback_at")}),
    {queue_ctes},
    case_agg AS (
        SELECT dim, grp, COUNT(*) AS cases, SUM(outcome = 'completed_on_site') AS completed_on_site,
               SUM(outcome = 'accepted_forwarded') AS accepted_forwarded, SUM(outcome = 'not_done') AS not_done,
               SUM(outcome = 'consult_only') AS consult_only
        FROM case_rows GROUP BY dim, grp),
    rating_agg AS (
        SELECT dim, grp, COUNT(*) AS ratings, SUM(score >= 3) AS satisfied, SUM(score >= 4) AS praised,
               SUM(score <= 2) AS bad_reviews, SUM(score <= 2 AND named) AS named_bad_reviews,
               SUM(score <= 2 AND named AND callback_at IS NOT NULL) AS named_bad_called_back
        FROM rating_rows GROUP BY dim, grp),
    groups AS (SELECT dim, grp FROM tk_agg UNION SELECT dim, grp FROM case_agg UNION SELECT dim, grp FROM rating_agg)
    SELECT g.dim AS dim, g.grp AS grp, CASE g.dim {names} END AS name, CASE g.dim {names_en} END AS name_en,
           COALESCE(t.tickets, 0) AS tickets, COALESCE(t.called, 0) AS called,
           COALESCE(t.served, 0) AS served, COALESCE(t.no_shows, 0) AS no_shows,
           COALESCE(t.waiting, 0) AS waiting, COALESCE(t.transferred, 0) AS transferred,
           COALESCE(c.cases, 0) AS cases, COALESCE(c.completed_on_site, 0) AS completed_on_site,
           COALESCE(c.accepted_forwarded, 0) AS accepted_forwarded, COALESCE(c.not_done, 0) AS not_done,
           COALESCE(c.consult_only, 0) AS consult_only,
           COALESCE(r.ratings, 0) AS ratings, COALESCE(r.satisfied, 0) AS satisfied,
           COALESCE(r.praised, 0) AS praised, COALESCE(r.bad_reviews, 0) AS bad_reviews,
           COALESCE(r.named_bad_reviews, 0) AS named_bad_reviews,
           COALESCE(r.named_bad_called_back, 0) AS named_bad_called_back,
           1.0 * (c.completed_on_site + c.accepted_forwarded)
               / NULLIF(c.completed_on_site + c.accepted_forwarded + c.not_done, 0) AS completion_rate,
           1.0 * r.satisfied / NULLIF(r.ratings, 0) AS satisfaction_rate,
           1.0 * r.praised / NULLIF(r.ratings, 0) AS praise_rate,
           1.0 * r.named_bad_called_back / NULLIF(r.named_bad_reviews, 0) AS named_bad_callback_rate,
           w.median_s AS wait_median_s, w.p90_s AS wait_p90_s,
           s.median_s AS service_median_s, s.p90_s AS service_p90_s
    FROM groups g
         LEFT JOIN tk_agg t ON t.dim = g.dim AND t.grp = g.grp
         LEFT JOIN case_agg c ON c.dim = g.dim AND c.grp = g.grp
         LEFT JOIN rating_agg r ON r.dim = g.dim AND r.grp = g.grp
         LEFT JOIN wait_q w ON w.dim = g.dim AND w.grp = g.grp
         LEFT JOIN svc_q s ON s.dim = g.dim AND s.grp = g.grp
    WHERE g.grp IS NOT NULL
    ORDER BY g.dim, g.grp"""


_FIGURE_FIELDS = tuple(f.name for f in fields(Figures))
_EMPTY_VALUES: dict[str, Any] = {name: (None if name.endswith(("_rate", "_s")) else 0) for name in _FIGURE_FIELDS}
_EMPTY = Figures(**_EMPTY_VALUES)


def figures(
    db: Database,
    by: Grouping,
    *,
    trip_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[GroupFigures]:
    """Figures per group for one trip, or for the trips of a period (both days included)."""
    scope, params = _scope(trip_id, date_from, date_to)
    return _figures(db, (by,), scope, params)[by]


def _figures(
    db: Database, dims: tuple[Grouping, ...], scope: str, params: dict[str, Any]
) -> dict[str, list[GroupFigures]]:
    grouped: dict[str, list[GroupFigures]] = {by: [] for by in dims}
    for row in db.query(_figures_sql(dims, scope), params):
        grouped[row["dim"]].append(
            GroupFigures(
                key=row["grp"],
                name=row["name"] or str(row["grp"]),
                figures=Figures(**{name: row[name] for name in _FIGURE_FIELDS}),
                name_en=row["name_en"] or "",
            )
        )
    return grouped


def shift_summary(db: Database, trip_id: int) -> ShiftSummary:
    trips = list(
        db.query(
            "SELECT t.trip_date, t.status, s.name FROM trips t JOIN stops s ON s.id = t.stop_id WHERE t.id = ?",
            [trip_id],
        )
    )
    if not trips:
        raise NotFound(Code.TRIP_NOT_FOUND, trip=trip_id)
    scope, params = _scope(trip_id, None, None)
    grouped = _figures(db, ("overall", "category", "staff"), scope, params)
    counts = next(
        db.query(
            """SELECT (SELECT COUNT(*) FROM suggestions WHERE trip_id = :trip) AS suggestions,
                  (SELECT COUNT(*) FROM follow_ups f JOIN ratings r ON r.id = f.rating_id
                       JOIN tickets tk ON tk.id = r.ticket_id
                   WHERE tk.trip_id = :trip AND f.status != 'closed') AS follow_ups_open""",
            {"trip": trip_id},
        )
    )
    return ShiftSummary(
        trip_id=trip_id,
        trip_date=date.fromisoformat(trips[0]["trip_date"]),
        stop_name=trips[0]["name"],
        status=trips[0]["status"],
        overall=grouped["overall"][0].figures if grouped["overall"] else _EMPTY,
        by_category=grouped["category"],
        by_staff=grouped["staff"],
        suggestions=counts["suggestions"],
        follow_ups_open=counts["follow_ups_open"],
    )


def evaluate(
    db: Database,
    date_from: date,
    date_to: date,
    weights: EvaluationWeights = EvaluationWeights(),
    *,
    by: Literal["staff", "department"] = "staff",
) -> list[Evaluation]:
    """Rank staff (or department windows) over a period by a weighted 0-100 score.

    Components, each 0..1: trips and cases relative to the best in the period;
    completion, satisfaction and praise rates; cooperation (mean mark 1-5) as
    (mark - 1) / 4. A missing component counts 0. Score = 100 · Σ w·c ÷ Σ w.
    """
    if by not in ("staff", "department"):
        raise InvalidValue(Code.STORE_NOT_A_CHOICE, field="metrics.evaluate_by", allowed="staff, department")
    values = [getattr(weights, f.name) for f in fields(EvaluationWeights)]
    if any(not isinstance(v, int | float) or v < 0 for v in values) or sum(values) <= 0:
        raise InvalidValue(Code.METRICS_WEIGHTS)
    scope, params = _scope(None, date_from, date_to)
    if by == "staff":
        crew = """SELECT tc.staff_id AS grp, COUNT(DISTINCT tc.trip_id) AS trips, AVG(tc.cooperation) AS cooperation
                  FROM trip_crew tc WHERE tc.trip_id IN scope GROUP BY tc.staff_id"""
    else:
        crew = """SELECT d.code AS grp,
                         (SELECT COUNT(DISTINCT cc.trip_id) FROM crew_categories cc
                          WHERE cc.category = d.queue_letter AND cc.trip_id IN scope) AS trips,
                         (SELECT AVG(tc.cooperation) FROM trip_crew tc JOIN staff s ON s.id = tc.staff_id
                          WHERE s.department = d.code AND tc.trip_id IN scope) AS cooperation
                  FROM departments d"""
    sql = f"""
    WITH scope AS (SELECT id FROM trips WHERE {scope}),
    crew AS ({crew}),
    figures AS ({_figures_sql((by,), scope, queue=False)}),
    members AS (SELECT grp FROM crew WHERE trips > 0 UNION SELECT grp FROM figures),
    scored AS (
        SELECT m.grp, COALESCE(cr.trips, 0) AS trips, COALESCE(f.cases, 0) AS cases,
               f.completion_rate, f.satisfaction_rate, f.praise_rate, cr.cooperation,
               100.0 * (
                   :w_trips * COALESCE(1.0 * COALESCE(cr.trips, 0) / NULLIF(MAX(COALESCE(cr.trips, 0)) OVER (), 0), 0)
                 + :w_cases * COALESCE(1.0 * COALESCE(f.cases, 0) / NULLIF(MAX(COALESCE(f.cases, 0)) OVER (), 0), 0)
                 + :w_completion * COALESCE(f.completion_rate, 0)
                 + :w_satisfaction * COALESCE(f.satisfaction_rate, 0)
                 + :w_praise * COALESCE(f.praise_rate, 0)
                 + :w_cooperation * COALESCE((cr.cooperation - 1) / 4.0, 0)
               ) / :w_total AS score
        FROM members m LEFT JOIN crew cr ON cr.grp = m.grp LEFT JOIN figures f ON f.grp = m.grp)
    SELECT RANK() OVER (ORDER BY score DESC) AS rank, grp, {_KEYS[by].name} AS name, {_KEYS[by].name_en} AS name_en,
           trips, cases, completion_rate, satisfaction_rate, praise_rate, cooperation, score
    FROM scored g ORDER BY rank, grp"""
    params.update({f"w_{f.name}": float(getattr(weights, f.name)) for f in fields(EvaluationWeights)})
    params["w_total"] = float(sum(values))
    return [
        Evaluation(
            rank=row["rank"],
            key=row["grp"],
            name=row["name"] or str(row["grp"]),
            trips=row["trips"],
            cases=row["cases"],
            completion_rate=row["completion_rate"],
            satisfaction_rate=row["satisfaction_rate"],
            praise_rate=row["praise_rate"],
            cooperation=row["cooperation"],
            score=row["score"],
            name_en=row["name_en"] or "",
        )
        for row in db.query(sql, params)
    ]


@dataclass(frozen=True)
class HourCount:
    hour: str  # local start of the hour, "09:00"
    arrivals: int


@dataclass(frozen=True)
class WaitBin:
    start_s: int  # waits from start_s up to start_s + the bin width
    tickets: int


def arrivals_by_hour(db: Database, trip_id: int, *, tz: ZoneInfo = clock.SHANGHAI) -> list[HourCount]:
    """Tickets issued per local hour, from the first hour with an arrival to the last
    (quiet hours in between count 0). A transfer is not a new arrival."""
    trip = _trip_date(db, trip_id)
    offset = tz.utcoffset(datetime.combine(trip, time(12)))
    assert offset is not None
    rows = list(
        db.query(
            """SELECT strftime('%Y-%m-%dT%H:00', issued_at, :offset) AS hour, COUNT(*) AS n FROM tickets
           WHERE trip_id = :trip AND transferred_from IS NULL AND status != 'cancelled'
           GROUP BY hour ORDER BY hour""",
            {"trip": trip_id, "offset": f"{int(offset.total_seconds()):+d} seconds"},
        )
    )
    if not rows:
        return []
    counts = {row["hour"]: row["n"] for row in rows}
    hour, last = datetime.fromisoformat(rows[0]["hour"]), datetime.fromisoformat(rows[-1]["hour"])
    hours = []
    while hour <= last:
        hours.append(HourCount(hour=hour.strftime("%H:%M"), arrivals=counts.get(hour.strftime("%Y-%m-%dT%H:%M"), 0)))
        hour += timedelta(hours=1)
    return hours


def wait_histogram(db: Database, trip_id: int, *, bin_s: int = 300) -> list[WaitBin]:
    """Called tickets by wait time (issued → first call) in bins of `bin_s` seconds, from
    0 to the longest wait; empty bins in between count 0."""
    if not isinstance(bin_s, int) or bin_s < 1:
        raise InvalidValue(Code.STORE_TOO_SMALL, field="metrics.bin_s", min=1)
    _trip_date(db, trip_id)
    counts = {
        row["b"]: row["n"]
        for row in db.query(
            """SELECT CAST(ROUND((julianday(called_at) - julianday(issued_at)) * 86400.0, 3) / :bin AS INTEGER) AS b,
                  COUNT(*) AS n
           FROM tickets WHERE trip_id = :trip AND called_at IS NOT NULL GROUP BY b""",
            {"trip": trip_id, "bin": bin_s},
        )
    }
    if not counts:
        return []
    return [WaitBin(start_s=b * bin_s, tickets=counts.get(b, 0)) for b in range(max(counts) + 1)]


def rating_distribution(db: Database, trip_id: int) -> dict[int, int]:
    """Ratings of a trip per score, 5 (非常满意) down to 1 (非常不满意), zeros included."""
    _trip_date(db, trip_id)
    counts = {
        row["score"]: row["n"]
        for row in db.query(
            """SELECT r.score, COUNT(*) AS n FROM ratings r JOIN tickets tk ON tk.id = r.ticket_id
           WHERE tk.trip_id = ? GROUP BY r.score""",
            [trip_id],
        )
    }
    return {score: counts.get(score, 0) for score in (5, 4, 3, 2, 1)}


def trips_out(
    db: Database, date_from: date, date_to: date, *, by: Literal["overall", "staff", "category"]
) -> dict[Any, int]:
    """下沉次数 over a period: trips (opened or closed) per staff member, per queue
    category served, or overall (key 'all')."""
    scope, params = _scope(None, date_from, date_to)
    sql = {
        "overall": "SELECT 'all' AS grp, COUNT(*) AS n FROM scope",
        "staff": "SELECT staff_id AS grp, COUNT(DISTINCT trip_id) AS n FROM trip_crew WHERE trip_id IN scope GROUP BY grp",
        "category": """SELECT category AS grp, COUNT(DISTINCT trip_id) AS n FROM crew_categories
                       WHERE trip_id IN scope GROUP BY grp""",
    }
    if by not in sql:
        raise InvalidValue(Code.STORE_NOT_A_CHOICE, field="metrics.trips_out_by", allowed=", ".join(sql))
    return {
        row["grp"]: row["n"]
        for row in db.query(f"WITH scope AS (SELECT id FROM trips WHERE {scope}) {sql[by]}", params)
    }


def _trip_date(db: Database, trip_id: int) -> date:
    rows = list(db.query("SELECT trip_date FROM trips WHERE id = ?", [trip_id]))
    if not rows:
        raise NotFound(Code.TRIP_NOT_FOUND, trip=trip_id)
    return date.fromisoformat(rows[0]["trip_date"])


def recent_median_service_s(db: Database, trip_id: int, category: str, *, recent: int = 20) -> float | None:
    """Median service time of the `recent` latest served tickets of a category on a trip."""
    if not isinstance(recent, int) or recent < 1:
        raise InvalidValue(Code.STORE_TOO_SMALL, field="metrics.recent", min=1)
    row = next(
        db.query(
            f"""WITH svc AS (
                SELECT (julianday(MAX(c.outcome_at)) - julianday(tk.called_at)) * 86400.0 AS x,
                       MAX(c.outcome_at) AS finished
                FROM tickets tk JOIN cases c ON c.ticket_id = tk.id
                WHERE tk.trip_id = ? AND tk.category = ? AND tk.called_at IS NOT NULL AND c.outcome_at IS NOT NULL
                GROUP BY tk.id ORDER BY finished DESC LIMIT ?),
            ranked AS (SELECT x, ROW_NUMBER() OVER (ORDER BY x) - 1 AS i, COUNT(*) OVER () AS n FROM svc)
            SELECT {_quantile(0.5)} AS median_s FROM ranked""",
            [trip_id, category, recent],
        )
    )
    median: float | None = row["median_s"]
    return median
