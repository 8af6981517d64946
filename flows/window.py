"""A window (叫号): call the next number, recall it, mark a no-show or put it back (过号顺延),
transfer it, and serve it in intake.

- **Call next** takes the window's queues in the store's order (db.tickets.call_next); a
  window settles its ticket before calling another.
- **过号顺延** (`defer`): a called person who has not come goes back to waiting, and is called
  again after `[service] defer_places` other calls at windows of the same queue. Beside it,
  a no-show ends the ticket.
- **Transfer** (the rule of where a ticket may go lives here): to another window of the same
  queue, where it is called next and keeps its number, item and open case; or to another
  queue the trip's crew serves, with the item the person comes for there: a new number,
  printed here (flows.slips), with that item on it. A ticket with a case still open moves
  only to a window: its case goes with it.
- **Serve**: intake (flows.intake) starts the service of a called ticket, or comes back to one
  being served. A visit ends there, with its rating or an abandon and its reason: the window
  never ends a ticket by itself.

Every change is announced once, here or by intake.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from core.problems import Code, Problem
from db import cases, catalogue, clock, tickets
from db.catalogue import Department, Item
from db.errors import StoreError
from db.staff import Staff
from db.tickets import Ticket
from db.trips import CrewMember, Trip
from flows import slips
from flows.announce import Announcer, TicketEvent
from flows.slips import Slip
from flows.van import Van

__all__ = ["Action", "Call", "Item", "Side", "Slip", "Ticket", "ToQueue", "ToWindow", "Transferred", "WindowFlow"]

# The window's side list of the last numbers called, at any window.
RECENT_CALLS = 6


class Action(Enum):
    CALL_NEXT = "call_next"
    RECALL = "recall"
    NO_SHOW = "no_show"
    DEFER = "defer"  # 过号顺延
    TRANSFER = "transfer"
    SERVE = "serve"  # start the service of a called ticket, or come back to one being served: intake
    REPRINT = "reprint"  # a new number from a transfer whose slip did not print
    WRITE = "write"
    CANCEL = "cancel"


@dataclass(frozen=True)
class ToWindow:
    """Another window of the ticket's queue: called there next, same number."""

    window: str
    name: str  # who sits there


@dataclass(frozen=True)
class ToQueue:
    """Another queue served on this trip: a new number, for one of its items."""

    category: str
    department: Department | None  # None: a letter the catalogue does not know
    items: tuple[Item, ...]  # what the trip offers in it; empty: the number has no item


TransferTarget = ToWindow | ToQueue


@dataclass(frozen=True)
class Transferred:
    ticket: Ticket  # the ticket as it is now: waiting for the other window, or transferred
    new: Ticket | None  # the new number in the other queue, to print


@dataclass(frozen=True)
class Call:
    label: str
    window: str
    at: datetime  # local time


@dataclass(frozen=True)
class Side:
    waiting: dict[str, int]  # queue letter → people waiting
    recent: tuple[Call, ...]  # the newest first


class WindowFlow:
    def __init__(self, van: Van, staff: Staff, trip: Trip, window: str) -> None:
        self.van = van
        self.staff = staff
        self.trip = trip
        self.window = window
        self.current: Ticket | None = None  # called to this window, or being served here
        self.held: Slip | None = None  # a new number from a transfer whose slip failed, until settled
        store = van.store
        self._departments = {d.queue_letter: d for d in catalogue.list_departments(store)}
        self._items = {item.code: item for item in catalogue.list_items(store, enabled_only=False)}
        self.refresh()

    @property
    def seat(self) -> CrewMember:
        return next(member for member in self.trip.crew if member.window == self.window)

    def department(self, letter: str) -> Department | None:
        """The department of a queue letter; the view shows its name in the staff's language."""
        return self._departments.get(letter)

    def item(self, code: str | None) -> Item | None:
        return self._items.get(code) if code else None

    def refresh(self) -> Ticket | None:
        """The ticket at this window as the store has it now (another terminal, or intake, may have moved it)."""
        mine = [
            ticket
            for ticket in tickets.list_tickets(self.van.store, self.trip.id, statuses=("called", "serving"))
            if ticket.window == self.window
        ]
        self.current = mine[0] if mine else None
        if self.held is not None:
            held = tickets.get_ticket(self.van.store, self.held.ticket.id)
            self.held = (
                None
                if held.print_state != "failed" or held.status != "waiting"
                else Slip(held, self.held.outcome, self.held.problem)
            )
        return self.current

    # What may happen now
    def allowed(self, action: Action) -> bool:
        status = self.current.status if self.current else None
        if action in (Action.REPRINT, Action.WRITE, Action.CANCEL):
            return self.held is not None
        rules = {
            Action.CALL_NEXT: status is None,
            Action.RECALL: status == "called",
            Action.NO_SHOW: status == "called",
            Action.DEFER: status == "called",
            Action.TRANSFER: status in ("called", "serving"),
            Action.SERVE: status in ("called", "serving"),
        }
        return rules[action]

    def _refused(self, action: Action) -> Problem | None:
        return None if self.allowed(action) else Problem(Code.WINDOW_NOT_NOW, {"action": action.value})

    # Calling
    def call_next(self) -> Ticket | Problem | None:
        """The next number for this window's queues, called; None when nobody is waiting."""
        refused = self._refused(Action.CALL_NEXT)
        if refused is not None:
            return refused
        try:
            called = tickets.call_next(self.van.store, self.trip.id, self.window, now=self.van.now())
        except StoreError as error:
            self.refresh()
            return error.problem
        if called is not None:
            self._changed(called, "called")
        return called

    def recall(self) -> Ticket | Problem:
        return self._change(
            Action.RECALL, lambda ticket: tickets.recall(self.van.store, ticket.id, now=self.van.now()), "recalled"
        )

    def no_show(self) -> Ticket | Problem:
        return self._change(
            Action.NO_SHOW,
            lambda ticket: tickets.mark_no_show(self.van.store, ticket.id, now=self.van.now()),
            "no_show",
        )

    def defer(self) -> Ticket | Problem:
        """过号顺延: the number goes back, called again after `[service] defer_places` others."""
        places = self.van.config.service.defer_places
        return self._change(Action.DEFER, lambda ticket: tickets.defer(self.van.store, ticket.id, places), "deferred")

    def serve(self) -> Ticket | Problem:
        """The ticket intake serves now (intake starts its service, or comes back to it)."""
        refused = self._refused(Action.SERVE)
        if refused is not None:
            return refused
        assert self.current is not None
        return self.current

    def _change(self, action: Action, change: Callable[[Ticket], Ticket], kind: TicketEvent) -> Ticket | Problem:
        refused = self._refused(action)
        if refused is not None:
            return refused
        assert self.current is not None
        try:
            ticket = change(self.current)
        except StoreError as error:
            self.refresh()
            return error.problem
        self._changed(ticket, kind)
        return ticket

    def _changed(self, ticket: Ticket, kind: TicketEvent) -> None:
        Announcer(self.van).ticket(ticket, kind)
        self.refresh()

    # Transfers
    def transfer_targets(self) -> list[TransferTarget]:
        """Where the current ticket may go: the other windows of its queue, then the other queues served."""
        ticket = self.current
        if ticket is None:
            return []
        windows: list[TransferTarget] = [
            ToWindow(member.window, member.name)
            for member in self.trip.crew
            if member.window != self.window and ticket.category in member.categories
        ]
        if self._open_case(ticket):
            return windows
        offered = catalogue.list_items(self.van.store, trip_id=self.trip.id)
        letters = {d.code: d.queue_letter for d in catalogue.list_departments(self.van.store)}
        served = sorted({letter for member in self.trip.crew for letter in member.categories} - {ticket.category})
        queues: list[TransferTarget] = [
            ToQueue(
                letter,
                self._departments.get(letter),
                tuple(item for item in offered if letters.get(item.department) == letter),
            )
            for letter in served
        ]
        return windows + queues

    def transfer(self, target: TransferTarget, item_code: str | None = None) -> Transferred | Problem:
        """Send the current ticket to a window of its queue, or to another queue for one of its items."""
        refused = self._refused(Action.TRANSFER)
        if refused is not None:
            return refused
        ticket = self.current
        assert ticket is not None
        targets = self.transfer_targets()
        if not targets:
            return Problem(Code.TRANSFER_NOWHERE)
        if isinstance(target, ToQueue) and self._open_case(ticket):
            return Problem(Code.TRANSFER_CASE_OPEN, {"ticket": ticket.label})
        known = next((known for known in targets if _same(known, target)), None)
        if known is None:
            return Problem(Code.TRANSFER_NOT_A_TARGET)
        store = self.van.store
        try:
            if isinstance(known, ToWindow):
                moved = tickets.transfer_to_window(store, ticket.id, known.window)
                self._changed(moved, "transferred")
                return Transferred(moved, None)
            if known.items and item_code not in {item.code for item in known.items}:
                return Problem(Code.TRANSFER_ITEM_NEEDED, {"category": known.category})
            new = tickets.transfer_to_category(
                store, ticket.id, known.category, item_code=item_code, now=self.van.now()
            )
        except StoreError as error:
            self.refresh()
            return error.problem
        old = tickets.get_ticket(store, ticket.id)
        Announcer(self.van).ticket(old, "transferred")
        self._changed(new, "issued")
        return Transferred(old, new)

    def _open_case(self, ticket: Ticket) -> bool:
        return any(case.outcome is None for case in cases.list_cases(self.van.store, ticket_id=ticket.id))

    # The new number's slip
    async def print_slip(self, ticket_id: int, *, again: bool = False) -> Slip | Problem:
        """A transfer's new number on paper; one that fails is held until staff settle it here."""
        result = await slips.print_slip(self.van, ticket_id, self.trip.stop_name, again=again)
        if isinstance(result, Slip):
            self.held = result if result.held else None
        return result

    async def reprint(self) -> Slip | Problem:
        refused = self._refused(Action.REPRINT)
        if refused is not None:
            return refused
        assert self.held is not None
        return await self.print_slip(self.held.ticket.id, again=True)

    def hand_over_in_writing(self) -> Slip | Problem:
        return self._settle(Action.WRITE, slips.hand_over_in_writing)

    def cancel(self) -> Slip | Problem:
        return self._settle(Action.CANCEL, slips.cancel)

    def _settle(self, action: Action, settle: Callable[[Van, int], Slip | Problem]) -> Slip | Problem:
        refused = self._refused(action)
        if refused is not None:
            return refused
        assert self.held is not None
        result = settle(self.van, self.held.ticket.id)
        if isinstance(result, Slip):
            self.held = None
        return result

    # What the window shows beside its ticket
    def side(self) -> Side:
        """Who waits per queue letter (tickets held for a failed slip are not counted) and the last numbers
        called at any window, the newest first: one read of the board per queue event."""
        board = tickets.queue_board(self.van.store, self.trip.id, recent=RECENT_CALLS)
        tz = self.van.config.tz
        return Side(
            waiting=board.waiting,
            recent=tuple(Call(label, window, clock.from_text(at).astimezone(tz)) for label, window, at in board.recent),
        )

    def waited(self, ticket: Ticket) -> timedelta:
        """From the ticket's issue to its first call (or to now, if it was never called)."""
        issued = clock.from_text(ticket.issued_at)
        return (clock.from_text(ticket.called_at) if ticket.called_at else self.van.now()) - issued


def _same(known: TransferTarget, target: TransferTarget) -> bool:
    if isinstance(known, ToWindow) and isinstance(target, ToWindow):
        return known.window == target.window
    return isinstance(known, ToQueue) and isinstance(target, ToQueue) and known.category == target.category
