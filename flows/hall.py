"""The hall, as govan web shows it: a ticket's place in the queue, a window's visit to rate, the rating.

Everything here reads the store, except `rate_visit`, which goes through the same RatingFlow
as a rating typed at the terminal (差评 follow-ups included). Nothing here carries personal
data: a place is a ticket label, counts, minutes and a window.

A `Snapshot` is the open trip's queue read once, so that every phone page watching it is
answered from memory when the queue changes; `place` turns it into what one page shows.
A token belongs to its trip: once the trip has closed (or another is open) the page has expired.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from sqlite_utils import Database

from core.problems import Code, Problem
from db import catalogue, clock, hall, metrics, staff, tickets, trips
from db.errors import StoreError
from db.hall import RatingGiven
from db.tickets import Ticket
from db.trips import Trip
from flows.rating import RatingFlow
from flows.van import Van
from govan.config import Config

__all__ = [
    "RATE_AT_WINDOW_MINUTES",
    "Place",
    "RatedVisit",
    "Snapshot",
    "Ticket",
    "WindowVisit",
    "find_ticket",
    "place",
    "rate_at_window",
    "rate_visit",
    "snapshot",
    "ticket_page_url",
    "wait_minutes",
    "window_visit",
]

PlaceStatus = Literal["waiting", "called", "serving", "done", "no_show", "transferred", "cancelled", "expired"]
RatingOffer = Literal["offered", "given"]
# The service time assumed before any ticket of a queue was served, as tickets.estimate_wait assumes.
DEFAULT_SERVICE_S = 300.0
# How long after a visit ends the window's tablet still offers its rating (the person may have left).
RATE_AT_WINDOW_MINUTES = 10


@dataclass(frozen=True)
class Place:
    """One ticket as its phone page shows it (GET /api/ticket/{token})."""

    number: str
    status: PlaceStatus
    ahead: int
    wait_minutes: int | None  # None when no window serves the queue, or the ticket is not waiting
    window: str | None  # where to go, once called
    rating: RatingOffer | None = None  # offered once the visit has ended, until it is rated
    transferred_from: str | None = None  # the number printed on the ticket, when the person was sent on


@dataclass(frozen=True)
class Snapshot:
    """The open trip's queue, read once: every ticket, who is ahead of whom, the ratings given."""

    trip: Trip | None
    tickets: dict[int, Ticket] = field(default_factory=dict)
    ahead: dict[int, int] = field(default_factory=dict)  # waiting ticket → people ahead
    wait_s: dict[int, float | None] = field(default_factory=dict)
    rated: dict[int, RatingGiven] = field(default_factory=dict)
    successor: dict[int, int] = field(default_factory=dict)  # a transferred ticket → its new ticket
    categories: dict[str, str] = field(default_factory=dict)  # queue letter → department name
    read_at: datetime | None = None

    @property
    def trip_id(self) -> int | None:
        return self.trip.id if self.trip is not None else None

    @property
    def stop_name(self) -> str:
        return self.trip.stop_name if self.trip is not None else ""


@dataclass(frozen=True)
class WindowVisit:
    """What the tablet at a window shows: nothing, a visit in progress, or one to rate."""

    window: str
    state: Literal["idle", "serving", "offered", "given"]
    number: str | None = None


@dataclass(frozen=True)
class RatedVisit:
    number: str
    follow_up: bool  # a 差评 opened its follow-up


def wait_minutes(seconds: float | None) -> int | None:
    """Whole minutes, rounded up; 0 when next; None when no window serves the queue."""
    if seconds is None:
        return None
    return max(1, math.ceil(seconds / 60)) if seconds > 0 else 0


def ticket_page_url(store: Database, config: Config, ticket_id: int) -> str | None:
    """What a ticket's QR code carries: `{web.public_url}/t/{token}`; None when no public address is set."""
    if config.web.public_url is None:
        return None
    return f"{config.web.public_url.rstrip('/')}/t/{hall.token_for(store, ticket_id)}"


def find_ticket(store: Database, token: str) -> Ticket | None:
    return hall.ticket_by_token(store, token)


def snapshot(store: Database, now: datetime) -> Snapshot:
    """The open trip's queue as it is now (an empty snapshot when no trip is open)."""
    categories = {department.queue_letter: department.name for department in catalogue.list_departments(store)}
    trip = trips.current_trip(store)
    if trip is None:
        return Snapshot(trip=None, categories=categories, read_at=now)
    every = tickets.list_tickets(store, trip.id)  # in calling order
    windows: dict[str, int] = {}
    for member in trip.crew:
        for category in member.categories:
            windows[category] = windows.get(category, 0) + 1
    ahead: dict[int, int] = {}
    wait_s: dict[int, float | None] = {}
    medians: dict[str, float] = {}
    in_line: dict[str, int] = {}
    for ticket in every:
        if ticket.status != "waiting":
            continue
        count = in_line.get(ticket.category, 0)
        in_line[ticket.category] = count + 1
        ahead[ticket.id] = count
        if ticket.category not in medians:
            median = metrics.recent_median_service_s(store, trip.id, ticket.category)
            medians[ticket.category] = median if median is not None else DEFAULT_SERVICE_S
        serving = windows.get(ticket.category, 0)
        wait_s[ticket.id] = count * medians[ticket.category] / serving if serving else None
    successor = {ticket.transferred_from: ticket.id for ticket in every if ticket.transferred_from is not None}
    return Snapshot(
        trip=trip,
        tickets={ticket.id: ticket for ticket in every},
        ahead=ahead,
        wait_s=wait_s,
        rated=hall.ratings_of_trip(store, trip.id),
        successor=successor,
        categories=categories,
        read_at=now,
    )


def place(view: Snapshot, ticket: Ticket) -> Place:
    """Where a ticket stands in `view`; followed to the new ticket when the person was sent to another queue."""
    if view.trip is None or ticket.trip_id != view.trip.id:
        return Place(number=ticket.label, status="expired", ahead=0, wait_minutes=None, window=None)
    printed = ticket.label
    current = view.tickets.get(ticket.id, ticket)
    seen = {current.id}
    while current.id in view.successor and view.successor[current.id] not in seen:
        current = view.tickets[view.successor[current.id]]
        seen.add(current.id)
    moved = printed if current.label != printed else None
    if current.status == "waiting":
        return Place(
            number=current.label,
            status="waiting",
            ahead=view.ahead.get(current.id, 0),
            wait_minutes=wait_minutes(view.wait_s.get(current.id)),
            window=current.target_window,
            transferred_from=moved,
        )
    rating: RatingOffer | None = None
    if current.id in view.rated:
        rating = "given"
    elif current.status == "done" and current.serving_at is not None:
        rating = "offered"
    return Place(
        number=current.label,
        status=current.status,
        ahead=0,
        wait_minutes=None,
        window=current.window if current.status in ("called", "serving") else None,
        rating=rating,
        transferred_from=moved,
    )


def window_visit(view: Snapshot, window: str, now: datetime) -> WindowVisit:
    """The visit a window's tablet follows: the ticket last called there."""
    at_window = [ticket for ticket in view.tickets.values() if ticket.window == window and ticket.last_called_at]
    if not at_window:
        return WindowVisit(window, "idle")
    latest = max(at_window, key=lambda ticket: (ticket.last_called_at or "", ticket.id))
    if latest.status in ("called", "serving"):
        return WindowVisit(window, "serving", latest.label)
    if latest.status != "done" or latest.serving_at is None or latest.done_at is None:
        return WindowVisit(window, "idle")
    if latest.id in view.rated:
        return WindowVisit(window, "given", latest.label)
    if clock.from_text(latest.done_at) < now - timedelta(minutes=RATE_AT_WINDOW_MINUTES):
        return WindowVisit(window, "idle")
    return WindowVisit(window, "offered", latest.label)


def rate_visit(van: Van, ticket: Ticket, score: int, comment: str = "") -> RatedVisit | Problem:
    """The citizen's own 好差评 for the visit of `ticket` (or the ticket it was sent on to), once.

    The same RatingFlow as at the terminal: a 差评 opens its follow-up, named when the person
    gave their name on this visit; the rating is announced as `ticket.rated`, without its score.
    """
    try:
        view = snapshot(van.store, van.now())
        where = place(view, ticket)
        if where.status == "expired":
            return Problem(Code.HALL_TOKEN_EXPIRED, {"ticket": ticket.label})
        current = next(t for t in view.tickets.values() if t.label == where.number)
        if where.rating == "given":
            return Problem(Code.HALL_RATING_GIVEN, {"ticket": current.label})
        if where.rating != "offered" or current.staff_id is None:
            return Problem(Code.HALL_RATING_NOT_OFFERED, {"ticket": current.label, "status": current.status})
        flow = RatingFlow(
            van,
            current,
            named=hall.named_visit(van.store, current.id),
            staff=staff.get_staff(van.store, current.staff_id),
            trip=trips.get_trip(van.store, current.trip_id),
        )
    except StoreError as error:
        return error.problem
    chosen = flow.choose(score)
    if chosen is not None:
        return chosen
    rated = flow.finish(comment)
    if isinstance(rated, Problem):
        if rated.code is Code.RATING_ALREADY_RATED:
            return Problem(Code.HALL_RATING_GIVEN, {"ticket": current.label})
        return rated
    return RatedVisit(number=current.label, follow_up=rated.follow_up is not None)


def rate_at_window(van: Van, window: str, number: str, score: int, comment: str = "") -> RatedVisit | Problem:
    """The tablet at `window` rates the visit it shows, `number`, if that is still the one to rate."""
    try:
        view = snapshot(van.store, van.now())
    except StoreError as error:
        return error.problem
    visit = window_visit(view, window, van.now())
    if visit.number != number or visit.state not in ("offered", "given"):
        return Problem(Code.HALL_NO_VISIT_AT_WINDOW, {"window": window})
    ticket = next(ticket for ticket in view.tickets.values() if ticket.label == number)
    return rate_visit(van, ticket, score, comment)
