"""The captain's live view of the open trip: the queue, cases, ratings and device trouble, as they stand.

Every figure comes from db.metrics; the view only lays them out. Without an open trip the
captain picks a recent trip's summary. Suggestions handed to the captain are kept here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.problems import Code, Problem
from db import clock, incidents, metrics, ratings, trips
from db.errors import StoreError
from db.incidents import Incident
from db.metrics import Figures, GroupFigures, HourCount, ShiftSummary
from db.staff import Staff
from db.trips import Trip
from flows.van import Van

__all__ = ["Figures", "GroupFigures", "HourCount", "Incident", "LiveTrip", "ShiftSummary", "TripWatch"]


@dataclass(frozen=True)
class LiveTrip:
    """The open trip as it stands now."""

    trip: Trip
    opened_at: datetime  # local time
    open_s: float  # how long it has been open
    summary: ShiftSummary
    arrivals: list[HourCount]
    ratings: dict[int, int]  # score → count, 5 down to 1
    incidents: list[Incident]  # heard while it was open, oldest first

    @property
    def troubles(self) -> int:
        """Incidents that were trouble, not a recovery."""
        return sum(1 for incident in self.incidents if not incident.recovered)


class TripWatch:
    def __init__(self, van: Van, captain: Staff) -> None:
        self.van = van
        self.captain = captain

    def live(self) -> LiveTrip | None:
        """The open trip's figures so far, or None when no trip is open."""
        store = self.van.store
        trip = trips.current_trip(store)
        if trip is None or trip.opened_at is None:
            return None
        opened = clock.from_text(trip.opened_at).astimezone(self.van.config.tz)
        return LiveTrip(
            trip=trip,
            opened_at=opened,
            open_s=(self.van.now() - opened).total_seconds(),
            summary=metrics.shift_summary(store, trip.id),
            arrivals=metrics.arrivals_by_hour(store, trip.id, tz=self.van.config.tz),
            ratings=metrics.rating_distribution(store, trip.id),
            incidents=incidents.during(store, trip),
        )

    def add_suggestion(self, trip_id: int, text: str) -> Problem | None:
        """意见建议 handed to the captain (a slip, a word at the door), kept with the trip."""
        if self.captain.role != "captain":
            return Problem(Code.CAPTAIN_ONLY)
        try:
            ratings.add_suggestion(self.van.store, text, trip_id=trip_id, staff_id=self.captain.id, now=self.van.now())
        except StoreError as error:
            return error.problem
        return None
