"""The captain's shift summary (汇总工作情况) of one trip, gathered from the store.

Every figure comes from db.metrics; this module only puts the pieces together:
the stop, date, crew and hours; the metrics overall, per category and per staff;
the charts' counts; each 差评 with its follow-up; suggestions; device incidents;
and the captain's notes. The TUI shows it, the printer gets a short version,
exports render it (db.report_export) and closing a trip stores it (db.trip_close).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from core.problems import Code
from db import clock, incidents, metrics, ratings
from db.connection import immediate
from db.errors import InvalidValue, WrongState
from db.followups import FollowUpLine, list_lines
from db.incidents import Incident
from db.metrics import HourCount, ShiftSummary, WaitBin
from db.ratings import Suggestion
from db.staff import get_staff
from db.trips import get_trip
from db.uplink import BackofficeCounts, backoffice_counts

WAIT_BIN_S = 300
MAX_NOTES = 4000


@dataclass(frozen=True)
class CrewLine:
    staff_id: int
    name: str
    window: str
    categories: tuple[str, ...]
    cooperation: int | None  # the captain's 1-5 mark (配合度)
    trips_out_year: int  # 下沉次数 from 1 January to the trip's day


@dataclass(frozen=True)
class TripReport:
    trip_id: int
    trip_date: date
    stop_name: str
    mode: str
    theme: str | None
    status: str
    captain: str
    opened_at: datetime | None  # local time
    closed_at: datetime | None
    generated_at: datetime
    crew: tuple[CrewLine, ...]
    summary: ShiftSummary
    trips_out_year: int  # trips out of the whole van this year, up to this one
    trips_out_year_by_category: dict[str, int]
    arrivals: list[HourCount]
    waits: list[WaitBin]
    wait_bin_s: int
    ratings: dict[int, int]  # score → count, 5 down to 1
    bad_reviews: list[FollowUpLine]
    suggestions: list[Suggestion]
    incidents: list[Incident]
    notes: str
    # How far the trip's forwarded cases have got: at the centre, 已送达后台, 后台已受理 (govan sync's receipts).
    backoffice: BackofficeCounts = field(default_factory=lambda: BackofficeCounts(0, 0, 0, 0, 0))

    @property
    def today(self) -> date:
        """The local day the report was made, against which deadlines are overdue."""
        return self.generated_at.date()

    @property
    def hours_s(self) -> float | None:
        """How long the trip was open (so far, while it is open)."""
        if self.opened_at is None:
            return None
        return ((self.closed_at or self.generated_at) - self.opened_at).total_seconds()


def build(db: Database, trip_id: int, *, tz: ZoneInfo = clock.SHANGHAI, now: datetime | None = None) -> TripReport:
    """The summary as it stands now; for an open trip, the figures so far."""
    generated = clock.resolve(now).astimezone(tz)
    trip = get_trip(db, trip_id)
    summary = metrics.shift_summary(db, trip_id)
    year_start = date(trip.trip_date.year, 1, 1)
    by_staff = metrics.trips_out(db, year_start, trip.trip_date, by="staff")
    by_category = metrics.trips_out(db, year_start, trip.trip_date, by="category")
    overall = metrics.trips_out(db, year_start, trip.trip_date, by="overall")
    crew = tuple(
        CrewLine(
            staff_id=member.staff_id,
            name=member.name,
            window=member.window,
            categories=member.categories,
            cooperation=member.cooperation,
            trips_out_year=by_staff.get(member.staff_id, 0),
        )
        for member in trip.crew
    )
    return TripReport(
        trip_id=trip.id,
        trip_date=trip.trip_date,
        stop_name=trip.stop_name,
        mode=trip.mode,
        theme=trip.theme,
        status=trip.status,
        captain=get_staff(db, trip.captain_id).name,
        opened_at=_local(trip.opened_at, tz),
        closed_at=_local(trip.closed_at, tz),
        generated_at=generated,
        crew=crew,
        summary=summary,
        trips_out_year=overall.get("all", 0),
        trips_out_year_by_category={group.key: by_category.get(group.key, 0) for group in summary.by_category},
        arrivals=metrics.arrivals_by_hour(db, trip_id, tz=tz),
        waits=metrics.wait_histogram(db, trip_id, bin_s=WAIT_BIN_S),
        wait_bin_s=WAIT_BIN_S,
        ratings=metrics.rating_distribution(db, trip_id),
        bad_reviews=list_lines(db, open_only=False, trip_id=trip_id),
        suggestions=ratings.list_suggestions(db, trip_id=trip_id),
        incidents=incidents.during(db, trip),
        notes=notes(db, trip_id),
        backoffice=backoffice_counts(db, trip_id),
    )


def notes(db: Database, trip_id: int) -> str:
    """The captain's notes on a trip ('' when there are none)."""
    rows = list(db.query("SELECT notes FROM trip_reports WHERE trip_id = ?", [trip_id]))
    return rows[0]["notes"] if rows else ""


def set_notes(db: Database, trip_id: int, text: str, *, staff_id: int, now: datetime | None = None) -> None:
    """Write the captain's notes; they can change until the summary is stored at the close."""
    text = (text or "").strip()
    if len(text) > MAX_NOTES:
        raise InvalidValue(Code.STORE_TEXT_TOO_LONG, field="report.notes", limit=MAX_NOTES)
    stamp = clock.to_text(clock.resolve(now))
    with immediate(db):
        get_trip(db, trip_id)
        get_staff(db, staff_id)
        if stored_at(db, trip_id) is not None:
            raise WrongState(Code.REPORT_ALREADY_STORED, trip=trip_id)
        db.execute(
            """INSERT INTO trip_reports (trip_id, notes, notes_by, notes_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (trip_id) DO UPDATE SET notes = excluded.notes, notes_by = excluded.notes_by,
                                                   notes_at = excluded.notes_at""",
            [trip_id, text, staff_id, stamp],
        )


def stored_at(db: Database, trip_id: int) -> str | None:
    rows = list(db.query("SELECT stored_at FROM trip_reports WHERE trip_id = ?", [trip_id]))
    return rows[0]["stored_at"] if rows else None


def _local(text: str | None, tz: ZoneInfo) -> datetime | None:
    return clock.from_text(text).astimezone(tz) if text else None
