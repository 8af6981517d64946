"""Who works at this terminal, on which trip, at which window: what routes them to the desk or a window."""

from __future__ import annotations

from dataclasses import dataclass

from db import trips
from db.staff import Staff
from db.trips import CrewMember, Trip
from flows.van import Van

__all__ = ["CrewMember", "Session", "Staff", "Trip", "session_for"]


@dataclass(frozen=True)
class Session:
    staff: Staff
    trip: Trip | None

    @property
    def seat(self) -> CrewMember | None:
        """This person's window and categories on the open trip, if seated."""
        if self.trip is None:
            return None
        return next((member for member in self.trip.crew if member.staff_id == self.staff.id), None)

    @property
    def is_captain(self) -> bool:
        return self.staff.role == "captain"


def session_for(van: Van, staff: Staff) -> Session:
    """The session of a signed-in person as the store has it now: the open trip, their seat on it."""
    return Session(staff, trips.current_trip(van.store))
