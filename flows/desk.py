"""The ticket desk (取号) of one terminal: a ticket for an item, printed; who the next ticket is for.

- **Keys 1…0** issue for the items the captain set for the trip, in that order (flows.trip's
  TripSetup); never reordered by usage, for staff press them by memory. A trip opened without
  keys offers its first ten items in catalogue order, as TripSetup proposes them.
- **Any item** the trip offers can be searched by name, code or pinyin initials (flows.items).
- **The person the next ticket is for** comes from a card read on the reader this desk holds
  (flows.claims): the desk holds the shared ID reader and the scanner while it is shown. A card
  read for another terminal never reaches it; a card of someone else than the person already
  chosen is asked about before it replaces them (`ReplaceAsked`). Their priority is the
  store's rule (db.tickets.priority_for), shown before the ticket is issued; the desk never
  works it out itself. Special-needs priority can be given by hand for the next ticket.
- **An appointment** checks in by its scanned QR code or its typed code: a priority ticket.
- **Every ticket is printed** (flows.slips); a slip that fails is held out of the queue until
  staff reprint it, hand the number over in writing, or cancel it.

Issuing announces `ticket.issued`; printing and settling a slip announce theirs (flows.slips).
Personal data: the person is shown masked; nothing here logs a name or a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from core.masking import mask_id_number, mask_name
from core.problems import Code, Problem
from daemon.messages import CardEvent, QueueEvent, ScanEvent
from db import appointments, catalogue, citizens, tickets, trips
from db.catalogue import Department, Item
from db.errors import InvalidIdNumber, StoreError
from db.staff import Staff
from db.tickets import PriorityReason, Ticket
from db.trips import Trip
from flows import claims, slips
from flows.announce import Announcer
from flows.holding import Hold, Holding
from flows.intake import CardWarning, ReplaceAsked
from flows.slips import Slip
from flows.van import Van

__all__ = [
    "DESK_KEYS",
    "Action",
    "CardWarning",
    "Department",
    "DeskFlow",
    "DeskKey",
    "Hold",
    "Item",
    "NextPerson",
    "ReplaceAsked",
    "Slip",
    "Ticket",
    "desk_keys",
    "set_desk_keys",
]

# The number keys, in the order the captain sets their items (flows.trip uses the same).
DESK_KEYS = "1234567890"


class Action(Enum):
    ISSUE = "issue"  # a number key, or an item found by search
    CHECK_IN = "check_in"  # an appointment code, typed
    DISABLED = "disabled"  # special-needs priority for the next ticket, on or off
    CLEAR_PERSON = "clear_person"
    REPRINT = "reprint"  # the selected ticket's slip again: failed, or lost
    WRITE = "write"  # a held ticket handed over in writing
    CANCEL = "cancel"  # a held ticket cancelled
    TAKE_DEVICE = "take_device"  # the reader or scanner another terminal holds


@dataclass(frozen=True)
class DeskKey:
    key: str  # "1" … "0"
    item: Item


@dataclass(frozen=True)
class NextPerson:
    """The person the next ticket is for, from a card this desk read; shown masked."""

    citizen_id: int | None  # None: the card's number fails GB 11643, so the ticket is not linked
    name: str  # masked
    id_number: str  # masked
    age: int | None
    warnings: tuple[CardWarning, ...]


def set_desk_keys(van: Van, trip_id: int, codes: list[str]) -> list[str] | Problem:
    """The items of keys 1…0 for the trip, in key order (the captain's, at TripSetup.open)."""
    try:
        return trips.set_desk_keys(van.store, trip_id, codes)
    except StoreError as error:
        return error.problem


def desk_keys(van: Van, trip: Trip) -> list[DeskKey]:
    """The keys as the captain set them for the trip; else its first items in catalogue order."""
    store = van.store
    codes = trips.desk_keys(store, trip.id)
    items = (
        [catalogue.get_item(store, code) for code in codes]
        if codes
        else catalogue.list_items(store, trip_id=trip.id)[: len(DESK_KEYS)]
    )
    return [DeskKey(key, item) for key, item in zip(DESK_KEYS, items, strict=False)]


class DeskFlow:
    def __init__(self, van: Van, staff: Staff, trip: Trip) -> None:
        self.van = van
        self.staff = staff
        self.trip = trip
        self.keys = desk_keys(van, trip)
        self.person: NextPerson | None = None
        self.disabled = False
        self.last: Ticket | None = None  # the ticket issued, or reprinted, last at this desk
        self.slips: dict[int, Slip] = {}  # the last print outcome of each ticket printed here
        self._printing: set[int] = set()  # tickets issued here whose first slip has no outcome yet
        self.holding = Holding(van, None, staff.name)
        self._number: str | None = None  # the chosen person's full number, to compare cards with
        self._pending_card: CardEvent | None = None
        store = van.store
        self._departments = {department.code: department for department in catalogue.list_departments(store)}
        self._items = {item.code: item for item in catalogue.list_items(store, enabled_only=False)}

    # What may happen now
    def allowed(self, action: Action, ticket: Ticket | None = None) -> bool:
        if action is Action.CLEAR_PERSON:
            return self.person is not None or self.disabled
        if action is Action.REPRINT:
            return (
                ticket is not None
                and ticket.status in ("waiting", "called", "serving")
                and ticket.print_state != "pending"
            )
        if action in (Action.WRITE, Action.CANCEL):
            return ticket is not None and ticket.status == "waiting" and ticket.print_state == "failed"
        if action is Action.TAKE_DEVICE:
            return any(hold.elsewhere for hold in self.holding.holds())
        return True

    # The devices the desk reads from
    def devices_wanted(self) -> tuple[str, ...]:
        return (claims.reader_for(self.van, None), "scanner")

    async def hold_devices(self) -> list[Hold]:
        """Hold the shared reader and the scanner, unless another terminal has them (then `take`)."""
        return await self.holding.want(self.devices_wanted())

    async def release_devices(self) -> None:
        await self.holding.release_all()

    # The items
    def items(self) -> list[Item]:
        """What may be chosen: the items the trip offers."""
        return catalogue.list_items(self.van.store, trip_id=self.trip.id)

    def department(self, code: str) -> Department | None:
        return self._departments.get(code)

    def item(self, code: str | None) -> Item | None:
        """A ticket's item (switched off or not); the view shows its name in the staff's language."""
        return self._items.get(code) if code else None

    # Issuing
    def issue_key(self, key: str) -> Ticket | Problem:
        item = next((desk_key.item for desk_key in self.keys if desk_key.key == key), None)
        if item is None:
            return Problem(Code.DESK_KEY_UNSET, {"key": key})
        return self.issue(item.code)

    def issue(self, item_code: str) -> Ticket | Problem:
        """A ticket for the item, for the person read and with the priority given; then print it."""
        service = self.van.config.service
        try:
            ticket = tickets.issue_ticket(
                self.van.store,
                self.trip.id,
                item_code=item_code,
                citizen_id=self.person.citizen_id if self.person else None,
                disabled=self.disabled,
                priority_age=service.priority_age,
                now=self.van.now(),
                tz=self.van.config.tz,
            )
        except StoreError as error:
            return error.problem
        return self._issued(ticket)

    def check_in(self, code: str) -> Ticket | Problem:
        """An appointment's code, typed or scanned: its priority ticket, for its first item."""
        try:
            ticket = appointments.check_in(
                self.van.store,
                code,
                self.trip.id,
                priority_age=self.van.config.service.priority_age,
                now=self.van.now(),
                tz=self.van.config.tz,
            )
        except StoreError as error:
            return error.problem
        return self._issued(ticket)

    def scan(self, event: ScanEvent) -> Ticket | Problem | None:
        """A code from the scanner this desk holds: an appointment checks in. None for another terminal's scan."""
        if not claims.is_mine(self.van, event):
            return None
        return self.check_in(event.code)

    def _issued(self, ticket: Ticket) -> Ticket:
        self.clear_person()
        self.last = ticket
        self._printing.add(ticket.id)
        Announcer(self.van).ticket(ticket, "issued")
        return ticket

    def listed(self, ticket: Ticket) -> bool:
        """Whether the desk's list shows the ticket yet. A ticket issued here joins it with its slip's
        outcome: drawing the list again before the print command is sent held every ticket's slip back
        by a frame (issue 17). The last ticket (`last`) shows it at once."""
        return ticket.id not in self._printing

    async def print_slip(self, ticket_id: int, *, again: bool = False) -> Slip | Problem:
        """Print (or print again) a ticket's slip; a failure holds the ticket until staff settle it."""
        if again:
            self.last = self.ticket(ticket_id)
        try:
            result = await slips.print_slip(self.van, ticket_id, self.trip.stop_name, again=again)
        finally:
            self._printing.discard(ticket_id)
        if isinstance(result, Slip):
            self._settled(result)
        return result

    def hand_over_in_writing(self, ticket_id: int) -> Slip | Problem:
        return self._settle(slips.hand_over_in_writing(self.van, ticket_id))

    def cancel(self, ticket_id: int) -> Slip | Problem:
        return self._settle(slips.cancel(self.van, ticket_id))

    def _settle(self, result: Slip | Problem) -> Slip | Problem:
        if isinstance(result, Slip):
            self._settled(result)
            self.last = result.ticket
        return result

    def _settled(self, slip: Slip) -> None:
        self.slips[slip.ticket.id] = slip
        if self.last is not None and self.last.id == slip.ticket.id:
            self.last = slip.ticket

    # The person the next ticket is for
    def read_card(self, event: CardEvent) -> NextPerson | ReplaceAsked | Problem | None:
        """A card from the reader this desk holds; None for a card read for another terminal."""
        if not claims.is_mine(self.van, event):
            return None
        if self.person is not None and _number(event.id_number) != self._number:
            self._pending_card = event
            return ReplaceAsked(card_name=mask_name(event.name), current_name=self.person.name)
        return self._take_card(event)

    def replace_person(self) -> NextPerson | Problem | None:
        """Staff confirmed: the card read last is the person for the next ticket."""
        card, self._pending_card = self._pending_card, None
        return self._take_card(card) if card is not None else None

    def keep_person(self) -> None:
        self._pending_card = None

    def _take_card(self, card: CardEvent) -> NextPerson | Problem:
        warnings = tuple(
            warning
            for warning, applies in (
                (CardWarning.EXPIRED, card.expired),
                (CardWarning.CHECK_DIGIT, not card.id_number_valid),
            )
            if applies
        )
        citizen_id, age = None, None
        try:
            citizen = citizens.find_or_create(
                self.van.store,
                card.id_number,
                name=card.name,
                sex=card.sex,
                address=card.address or None,
                staff_id=self.staff.id,
                now=self.van.now(),
            )
        except InvalidIdNumber:
            pass  # a card whose number fails GB 11643: the ticket is not linked, and staff are told
        except StoreError as error:
            return error.problem
        else:
            citizen_id, age = citizen.id, citizen.age_on(self.van.now().date())
        self._number = _number(card.id_number)
        self.person = NextPerson(
            citizen_id=citizen_id,
            name=mask_name(card.name),
            id_number=mask_id_number(card.id_number),
            age=age,
            warnings=warnings,
        )
        return self.person

    def priority(self) -> PriorityReason | None:
        """The priority the next ticket gets, by the store's rule: age, or special needs (by hand or on record)."""
        citizen_id = self.person.citizen_id if self.person else None
        try:
            return tickets.priority_for(
                self.van.store,
                citizen_id=citizen_id,
                disabled=self.disabled,
                priority_age=self.van.config.service.priority_age,
                now=self.van.now(),
                tz=self.van.config.tz,
            )
        except StoreError:
            return None  # the person's record went away: the ticket's issue will say why

    def toggle_disabled(self) -> bool:
        self.disabled = not self.disabled
        return self.disabled

    def clear_person(self) -> None:
        self.person, self._number, self._pending_card, self.disabled = None, None, None, False

    # The queue as the store has it
    def tickets(self) -> list[Ticket]:
        """The trip's tickets, the newest first."""
        return sorted(tickets.list_tickets(self.van.store, self.trip.id), key=lambda ticket: ticket.id, reverse=True)

    def ticket(self, ticket_id: int) -> Ticket:
        return tickets.get_ticket(self.van.store, ticket_id)

    def heard(self, event: QueueEvent) -> Ticket | None:
        """The ticket a queue event is about, as the store has it now; None for other news."""
        if event.ticket is None:
            return None
        ticket = tickets.find_ticket(self.van.store, self.trip.id, event.ticket.number)
        if ticket is not None and self.last is not None and self.last.id == ticket.id:
            self.last = ticket
        return ticket

    def waiting(self) -> dict[str, int]:
        """People waiting per queue letter: tickets held for a failed slip are not counted."""
        return tickets.queue_board(self.van.store, self.trip.id).waiting


def _number(text: str) -> str:
    return text.strip().upper()
