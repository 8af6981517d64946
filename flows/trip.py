"""The trip: opening it with its crew and the desk's keys, changing its crew, closing it with its summary.

Only the captain opens, changes and closes a trip and marks the crew's cooperation (配合度),
never their own. Every change is announced here, once: `trip.opened`, `trip.crew_changed`
and `trip.closed` on B/queue/event (flows.announce), so every terminal follows the captain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from core.problems import Code, Problem
from db import cases, catalogue, report, staff, tickets, trip_close, trips
from db.catalogue import Item
from db.connection import immediate
from db.errors import StoreError
from db.report import TripReport
from db.staff import Staff
from db.trips import CrewMember, Stop, Trip
from flows.announce import Announcer
from flows.desk import DESK_KEYS, set_desk_keys
from flows.van import Van

__all__ = [
    "DESK_KEYS",
    "MODES",
    "Action",
    "Blockers",
    "CrewMember",
    "Item",
    "Seat",
    "Stop",
    "Trip",
    "TripClose",
    "TripReport",
    "TripSetup",
    "current_trip",
    "notes",
    "recent_trips",
    "save_notes",
]
MODES = trips.TRIP_MODES


class Action(StrEnum):
    SEAT = "seat"  # a person's window and queue categories, or not seated
    DESK_KEYS = "desk_keys"  # the order of the desk's keys 1…0
    OPEN = "open"  # open the planned trip
    CHANGE_CREW = "change_crew"  # apply the seats to the open trip
    MARK = "mark"  # the highlighted person's cooperation
    NOTES = "notes"
    CLOSE = "close"


@dataclass(frozen=True)
class Seat:
    window: str
    categories: tuple[str, ...]


class TripSetup:
    """Today's trip being planned, or the open trip's crew being changed: who sits where, the desk's keys."""

    def __init__(self, van: Van, captain: Staff, trip: Trip | None = None) -> None:
        self.van = van
        self.captain = captain
        self.trip = trip  # the open trip whose crew changes; None while planning a new one
        store = van.store
        self.stops = trips.list_stops(store)
        self.people = [person for person in staff.list_staff(store) if person.role != "dispatcher"]
        self.letters = {department.code: department.queue_letter for department in catalogue.list_departments(store)}
        self.items = {item.code: item for item in catalogue.list_items(store)}
        self.seats: dict[int, Seat] = self._seats_of(trip) if trip is not None else self._proposed_seats()
        self.desk_keys: list[str | None] = self._proposed_keys() if trip is None else []

    @property
    def known_categories(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.letters.values())))

    def allowed(self, action: Action) -> bool:
        if self.captain.role != "captain":
            return False
        if action is Action.SEAT:
            return True
        if action in (Action.OPEN, Action.DESK_KEYS):
            return self.trip is None
        if action is Action.CHANGE_CREW:
            return self.trip is not None
        return False

    # Seats -------------------------------------------------------------------------
    def seat_at(self, staff_id: int, window: str) -> Problem | None:
        """Seat a person at a window ("" unseats them); they keep their categories, or get their own department's."""
        window = window.strip()
        if not window:
            self.seats.pop(staff_id, None)
            return None
        if any(seat.window == window for other, seat in self.seats.items() if other != staff_id):
            return Problem(Code.SEAT_WINDOW_TAKEN, {"window": window})
        seat = self.seats.get(staff_id)
        self.seats[staff_id] = Seat(window, seat.categories if seat else self._own_categories(staff_id))
        return None

    def serve(self, staff_id: int, letters: str) -> Problem | None:
        """The queue categories a seated person serves, as typed: "F H", "fh"."""
        chosen = tuple(dict.fromkeys(letter for letter in letters.upper() if letter.isalpha()))
        known = self.known_categories
        if not chosen or any(letter not in known for letter in chosen):
            return Problem(Code.SEAT_CATEGORIES, {"known": " ".join(known)})
        seat = self.seats.get(staff_id)
        if seat is None:
            return Problem(Code.SEAT_WINDOW_FIRST)
        self.seats[staff_id] = Seat(seat.window, chosen)
        return None

    def unseat(self, staff_id: int) -> None:
        self.seats.pop(staff_id, None)

    # The desk's keys -------------------------------------------------------------------
    def set_desk_key(self, index: int, code: str | None) -> None:
        """Key `DESK_KEYS[index]` issues for item `code` (None: the key issues nothing); an item has one key."""
        if code is not None:
            self.desk_keys = [None if key == code else key for key in self.desk_keys]
        self.desk_keys[index] = code

    def move_desk_key(self, index: int, step: int) -> int:
        """Swap a key's item with its neighbour's; the index it moved to."""
        other = index + step
        if not 0 <= other < len(self.desk_keys):
            return index
        self.desk_keys[index], self.desk_keys[other] = self.desk_keys[other], self.desk_keys[index]
        return other

    # Opening and changing ------------------------------------------------------------------
    def open(self, stop_id: int | None, mode: str, theme: str | None = None) -> Trip | Problem:
        """Plan today's trip at the stop, seat the crew, set the desk's keys and open it: all of it, or nothing."""
        if self.captain.role != "captain":
            return Problem(Code.CAPTAIN_ONLY)
        if stop_id is None:
            return Problem(Code.SETUP_NO_STOP)
        if not self.seats:
            return Problem(Code.SETUP_NO_CREW)
        store, now = self.van.store, self.van.now()
        try:
            with immediate(store):
                planned = trips.plan_trip(
                    store,
                    now.date(),
                    stop_id,
                    self.captain.id,
                    mode,  # type: ignore[arg-type]
                    theme=(theme or "").strip() or None,
                    now=now,
                )
                for staff_id, seat in self.seats.items():
                    trips.set_crew(store, planned.id, staff_id, seat.window, seat.categories)
                opened = trips.open_trip(store, planned.id, now=now)
                _store_desk_keys(self.van, opened.id, [code for code in self.desk_keys if code is not None])
        except StoreError as error:
            return error.problem
        except _Refused as refused:
            return refused.problem
        self.trip = opened
        Announcer(self.van).trip(opened, "opened")
        return opened

    def change_crew(self) -> Trip | Problem:
        """Apply the seats to the open trip; one `trip.crew_changed` for all that changed."""
        trip = self.trip
        assert trip is not None, "a new trip opens with open(); only an open one changes its crew"
        if self.captain.role != "captain":
            return Problem(Code.CAPTAIN_ONLY)
        if not self.seats:
            return Problem(Code.SETUP_NO_CREW)
        before = self._seats_of(trip)
        changed = [
            staff_id
            for staff_id in before.keys() | self.seats.keys()
            if before.get(staff_id) != self.seats.get(staff_id)
        ]
        if not changed:
            return trip
        store = self.van.store
        busy = {
            ticket.window: ticket for ticket in tickets.list_tickets(store, trip.id, statuses=("called", "serving"))
        }
        for staff_id in changed:
            old, new = before.get(staff_id), self.seats.get(staff_id)
            if old is not None and old.window in busy and (new is None or new.window != old.window):
                return Problem(Code.CREW_WINDOW_BUSY, {"window": old.window, "ticket": busy[old.window].label})
        marks = {member.staff_id: member.cooperation for member in trip.crew}
        try:
            with immediate(store):
                # Everyone who moves leaves first, so two people can swap windows.
                for staff_id in changed:
                    if staff_id in before:
                        trips.remove_crew(store, trip.id, staff_id)
                for staff_id in changed:
                    seat = self.seats.get(staff_id)
                    if seat is None:
                        continue
                    trips.set_crew(store, trip.id, staff_id, seat.window, seat.categories)
                    mark = marks.get(staff_id)
                    if mark is not None:  # a move keeps the mark already given
                        trips.rate_cooperation(store, trip.id, staff_id, mark)
                changed_trip = trips.get_trip(store, trip.id)
        except StoreError as error:
            return error.problem
        self.trip = changed_trip
        Announcer(self.van).trip(changed_trip, "crew_changed")
        return changed_trip

    def _seats_of(self, trip: Trip) -> dict[int, Seat]:
        return {member.staff_id: Seat(member.window, member.categories) for member in trip.crew}

    def _proposed_seats(self) -> dict[int, Seat]:
        """Everyone with a department sits at a window of their own, serving their department's queue."""
        seats: dict[int, Seat] = {}
        for person in self.people:
            if person.department in self.letters:
                seats[person.id] = Seat(str(len(seats) + 1), (self.letters[person.department],))
        return seats

    def _own_categories(self, staff_id: int) -> tuple[str, ...]:
        department = next((person.department for person in self.people if person.id == staff_id), None)
        letter = self.letters.get(department) if department is not None else None
        return (letter,) if letter is not None else self.known_categories[:1]

    def _proposed_keys(self) -> list[str | None]:
        """The catalogue's first items in its order, as the desk has them unset: never by usage, for staff
        press the keys by memory. The captain reorders from there."""
        codes = list(self.items)[: len(DESK_KEYS)]
        return [*codes, *[None] * (len(DESK_KEYS) - len(codes))]


@dataclass(frozen=True)
class Blockers:
    """What stands in the way of closing: people being served and cases without an outcome block it."""

    serving: int
    unrecorded: int
    pending: int  # waiting or called: they become no-shows, once the captain confirms

    @property
    def blocked(self) -> bool:
        return bool(self.serving or self.unrecorded)


class TripClose:
    """Closing the open trip (收车): what blocks it, the crew's cooperation marks, the notes, then the close."""

    def __init__(self, van: Van, captain: Staff, trip_id: int) -> None:
        self.van = van
        self.captain = captain
        self.trip_id = trip_id
        self.selected: int | None = None  # the staff member whose mark the next `mark` sets
        self.refresh()

    def refresh(self) -> None:
        store = self.van.store
        self.trip = trips.get_trip(store, self.trip_id)
        queue = tickets.list_tickets(store, self.trip_id)
        self.blockers = Blockers(
            serving=sum(1 for ticket in queue if ticket.status == "serving"),
            unrecorded=sum(1 for case in cases.list_cases(store, trip_id=self.trip_id) if case.outcome is None),
            pending=sum(1 for ticket in queue if ticket.status in ("waiting", "called")),
        )
        self.notes = report.notes(store, self.trip_id)

    def select(self, staff_id: int | None) -> None:
        self.selected = staff_id

    def allowed(self, action: Action) -> bool:
        if self.captain.role != "captain" or self.trip.status != "open":
            return False
        if action is Action.MARK:
            return self.selected is not None and self.selected != self.captain.id
        if action is Action.NOTES:
            return True
        if action is Action.CLOSE:
            return not self.blockers.blocked
        return False

    def mark(self, score: int) -> Problem | None:
        """The selected person's cooperation, 1-5."""
        if self.captain.role != "captain":
            return Problem(Code.CAPTAIN_ONLY)
        if self.selected is None:
            return None
        if self.selected == self.captain.id:
            return Problem(Code.COOPERATION_OWN)
        try:
            trips.rate_cooperation(self.van.store, self.trip_id, self.selected, score)
        except StoreError as error:
            return error.problem
        self.refresh()
        return None

    def close(self, *, abandon_waiting: bool) -> TripReport | Problem:
        """Close the trip, store its summary and queue it for the back office; announce `trip.closed`."""
        if self.captain.role != "captain":
            return Problem(Code.CAPTAIN_ONLY)
        try:
            summary = trip_close.close_with_report(
                self.van.store,
                self.trip_id,
                closed_by=self.captain.id,
                abandon_waiting=abandon_waiting,
                tz=self.van.config.tz,
                now=self.van.now(),
            )
        except StoreError as error:
            self.refresh()
            return error.problem
        self.refresh()
        Announcer(self.van).trip(self.trip, "closed")
        return summary


def current_trip(van: Van) -> Trip | None:
    return trips.current_trip(van.store)


def recent_trips(van: Van, limit: int, before: Trip | None = None) -> list[Trip]:
    """A page of trips, the latest first, for the captain to open a summary of; `before` pages back."""
    return trips.recent_trips(van.store, limit=limit, before=before)


def notes(van: Van, trip_id: int) -> str:
    """The captain's notes on a trip (车长备注), '' when there are none."""
    return report.notes(van.store, trip_id)


def save_notes(van: Van, by: Staff, trip_id: int, text: str) -> Problem | None:
    """Write the notes; they can change until the summary is stored at the close."""
    if by.role != "captain":
        return Problem(Code.CAPTAIN_ONLY)
    try:
        report.set_notes(van.store, trip_id, text, staff_id=by.id, now=van.now())
    except StoreError as error:
        return error.problem
    return None


class _Refused(Exception):
    """A problem found inside a transaction: raised to roll it back, returned after."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _store_desk_keys(van: Van, trip_id: int, codes: Sequence[str]) -> None:
    """The desk's keys for the trip, through the desk's own flow (raises _Refused with its problem)."""
    result = set_desk_keys(van, trip_id, list(codes))
    if isinstance(result, Problem):
        raise _Refused(result)
