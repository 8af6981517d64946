"""Telling the other terminals and the hall what changed: `B/queue/event` and the retained `B/queue/board`.

The store is the truth; MQTT only says "look again". Events and the board carry ticket
labels, windows and counts: never personal data (CONTRACT.md). Each change is announced
once, by the flow that made it. A call or a recall is also said by the hall's speaker
(flows.speaker); a rating is announced as `ticket.rated`, without its score.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from daemon.messages import BoardCall, QueueBoard, QueueEvent, QueueTicket, QueueTrip
from db import tickets, trips
from db.tickets import Ticket
from db.trips import Trip
from flows import speaker
from flows.van import Van

__all__ = ["RECENT_CALLS", "Announcer", "TicketEvent", "TripEvent"]

TicketEvent = Literal[
    "issued",
    "printed",
    "unprinted",
    "written",
    "cancelled",
    "called",
    "recalled",
    "serving",
    "done",
    "no_show",
    "deferred",
    "transferred",
]
# Calls the speaker says aloud.
SPOKEN: tuple[TicketEvent, ...] = ("called", "recalled")
TripEvent = Literal["opened", "closed", "crew_changed"]
# The board shows this many past calls, so someone who missed theirs can check (FQM #172).
RECENT_CALLS = 5


class Announcer:
    def __init__(self, van: Van) -> None:
        self.van = van

    def ticket(self, ticket: Ticket, kind: TicketEvent) -> None:
        """`ticket.<kind>`, then the board as it is now."""
        self._event(
            f"ticket.{kind}", ticket=QueueTicket(number=ticket.label, category=ticket.category, window=ticket.window)
        )
        self.board(ticket.trip_id)
        if kind in SPOKEN:
            speaker.say_call(self.van, ticket)

    def rated(self, ticket: Ticket) -> None:
        """`ticket.rated`: the visit was rated (on the terminal, the phone or the window's tablet). Never the
        score; the board does not change."""
        self._event(
            "ticket.rated", ticket=QueueTicket(number=ticket.label, category=ticket.category, window=ticket.window)
        )

    def trip(self, trip: Trip, kind: TripEvent) -> None:
        """`trip.<kind>`, then the board: empty for a trip that closed."""
        self._event(f"trip.{kind}", trip=QueueTrip(id=trip.id, status=trip.status, stop=trip.stop_name))
        self.board(trip.id)

    def board(self, trip_id: int | None = None) -> QueueBoard:
        """Publish the board of `trip_id` (default: the open trip) rebuilt from the store; also on connecting."""
        if trip_id is None:
            current = trips.current_trip(self.van.store)
            trip_id = current.id if current is not None else None
        message = self.board_of(trip_id)
        self.van.bus.publish(self.van.bus.topics.queue_board, message, retain=True)
        return message

    def board_of(self, trip_id: int | None) -> QueueBoard:
        if trip_id is None or trips.get_trip(self.van.store, trip_id).status != "open":
            return QueueBoard(calling=[], waiting={}, recent=[], trip_id=trip_id)
        board = tickets.queue_board(self.van.store, trip_id, recent=RECENT_CALLS)
        return QueueBoard(
            calling=self._calls(board.calling), waiting=board.waiting, recent=self._calls(board.recent), trip_id=trip_id
        )

    def _calls(self, calls: list[tuple[str, str, str]]) -> list[BoardCall]:
        tz = self.van.config.tz
        return [
            BoardCall(
                number=label, window=window, at=datetime.fromisoformat(at).astimezone(tz).isoformat(timespec="seconds")
            )
            for label, window, at in calls
        ]

    def _event(self, kind: str, **what: QueueTicket | QueueTrip) -> None:
        event = QueueEvent(type=kind, at=self.van.now().isoformat(timespec="milliseconds"), **what)  # type: ignore[arg-type]
        self.van.bus.publish(self.van.bus.topics.queue_event, event)
