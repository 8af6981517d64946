"""Who is at this terminal, on which trip, at which window."""

from __future__ import annotations

from dataclasses import dataclass

from db.staff import Staff
from db.trips import CrewMember, Trip


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
