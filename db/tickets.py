"""The queue: issuing tickets, calling them to windows, and what happens next.

Ticket numbers run per trip and per category (a department's queue letter), with
no gaps and no duplicates however many processes issue at once: the next number is
read and written inside one BEGIN IMMEDIATE transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from core.problems import Code
from core.queue import MAX_DEFER_PLACES
from db import clock, metrics
from db.catalogue import department_for_category, get_item
from db.connection import immediate
from db.errors import InvalidValue, NotFound, WrongState
from db.trips import get_trip

TicketStatus = Literal["waiting", "called", "serving", "done", "no_show", "transferred", "cancelled"]
PriorityReason = Literal["appointment", "age", "disabled"]
# "written": the slip did not print and staff handed the number over in writing.
PrintState = Literal["pending", "printed", "failed", "reprinted", "written"]
PRINT_RESULTS: tuple[PrintState, ...] = ("printed", "failed", "reprinted")  # what a print attempt may record
# In the queue: waiting, and not held back by a slip that failed to print (staff choose first:
# reprint, hand it over in writing, or cancel it). Such a ticket is neither called nor counted.
IN_QUEUE = "status = 'waiting' AND print_state != 'failed'"
DEFAULT_PRIORITY_AGE = 70


@dataclass(frozen=True)
class Ticket:
    id: int
    trip_id: int
    category: str
    number: int
    item_code: str | None
    citizen_id: int | None
    appointment_id: int | None
    priority: bool
    priority_reason: PriorityReason | None
    status: TicketStatus
    target_window: str | None
    window: str | None
    staff_id: int | None
    call_count: int
    print_state: PrintState
    transferred_from: int | None
    issued_at: str
    called_at: str | None
    last_called_at: str | None
    serving_at: str | None
    done_at: str | None
    let_pass: int = 0  # 过号顺延: calls at windows of its queue that still go first
    deferrals: int = 0

    @property
    def label(self) -> str:
        """What the ticket and the display board show, e.g. 'A012'."""
        return f"{self.category}{self.number:03d}"


@dataclass(frozen=True)
class WaitEstimate:
    people_ahead: int
    median_service_s: float
    windows: int
    seconds: float | None  # None when no window serves the category


@dataclass(frozen=True)
class Board:
    """What a queue display needs (B/queue/board): no personal data."""

    calling: list[tuple[str, str, str]]  # (label, window, last called at), newest first
    waiting: dict[str, int]
    # The last calls, done or not, so a person who missed one can check: newest first.
    recent: list[tuple[str, str, str]]


# Issuing ---------------------------------------------------------------------


def issue_ticket(
    db: Database,
    trip_id: int,
    *,
    category: str | None = None,
    item_code: str | None = None,
    citizen_id: int | None = None,
    appointment_id: int | None = None,
    disabled: bool = False,
    priority_age: int = DEFAULT_PRIORITY_AGE,
    now: datetime | None = None,
    tz: ZoneInfo = clock.SHANGHAI,
) -> Ticket:
    """The next ticket of a category (or of the item's department) on an open trip.

    Priority goes to appointment holders, people aged `priority_age` or more by the
    birth date on file, and people flagged disabled (here or on their citizen record).
    """
    moment = clock.resolve(now)
    with immediate(db):
        trip = get_trip(db, trip_id)
        if trip.status != "open":
            raise WrongState(Code.TRIP_NOT_OPEN, trip=trip_id, status=trip.status)
        category = _category_for(db, trip_id, trip.items, category, item_code)
        reason = _priority_reason(db, citizen_id, appointment_id, disabled, priority_age, clock.local_date(moment, tz))
        if not any(category in member.categories for member in trip.crew):
            raise WrongState(Code.TICKET_NO_WINDOW, category=category, trip=trip_id)
        return _insert(
            db,
            trip_id,
            category,
            item_code=item_code,
            citizen_id=citizen_id,
            appointment_id=appointment_id,
            reason=reason,
            issued_at=clock.to_text(moment),
        )


def _category_for(
    db: Database, trip_id: int, offered: Iterable[str], category: str | None, item_code: str | None
) -> str:
    if item_code is None:
        if category is None:
            raise InvalidValue(Code.TICKET_NO_CATEGORY_OR_ITEM)
        return department_for_category(db, category).queue_letter
    item = get_item(db, item_code)
    if not item.enabled:
        raise WrongState(Code.CATALOGUE_ITEM_DISABLED, item=item_code)
    offered = tuple(offered)
    if offered and item_code not in offered:
        raise WrongState(Code.TRIP_ITEM_NOT_OFFERED, item=item_code, trip=trip_id)
    letter: str = next(db.query("SELECT queue_letter FROM departments WHERE code = ?", [item.department]))[
        "queue_letter"
    ]
    if category is not None and category != letter:
        raise InvalidValue(Code.TICKET_ITEM_OTHER_QUEUE, item=item_code, letter=letter, category=category)
    return letter


def priority_for(
    db: Database,
    *,
    citizen_id: int | None = None,
    disabled: bool = False,
    priority_age: int = DEFAULT_PRIORITY_AGE,
    now: datetime | None = None,
    tz: ZoneInfo = clock.SHANGHAI,
) -> PriorityReason | None:
    """The priority a walk-in ticket issued now would get: what the desk shows before it issues one."""
    return _priority_reason(db, citizen_id, None, disabled, priority_age, clock.local_date(clock.resolve(now), tz))


def _priority_reason(
    db: Database, citizen_id: int | None, appointment_id: int | None, disabled: bool, priority_age: int, today: date
) -> PriorityReason | None:
    if not isinstance(priority_age, int) or not 0 < priority_age <= 120:
        raise InvalidValue(Code.STORE_NOT_IN_RANGE, field="ticket.priority_age", min=1, max=120)
    citizen = None
    if citizen_id is not None:
        rows = list(db.query("SELECT birth_date, disabled FROM citizens WHERE id = ?", [citizen_id]))
        if not rows:
            raise NotFound(Code.CITIZEN_NOT_FOUND, citizen=citizen_id)
        citizen = rows[0]
    if appointment_id is not None:
        if not list(db.query("SELECT 1 FROM appointments WHERE id = ?", [appointment_id])):
            raise NotFound(Code.APPOINTMENT_NOT_FOUND, appointment=appointment_id)
        return "appointment"
    if citizen is not None and citizen["birth_date"]:
        if clock.age_on(date.fromisoformat(citizen["birth_date"]), today) >= priority_age:
            return "age"
    if disabled or (citizen is not None and citizen["disabled"]):
        return "disabled"
    return None


def _insert(
    db: Database,
    trip_id: int,
    category: str,
    *,
    item_code: str | None,
    citizen_id: int | None,
    appointment_id: int | None,
    reason: PriorityReason | None,
    issued_at: str,
    transferred_from: int | None = None,
) -> Ticket:
    """Must run inside immediate(): the next number is read, then written."""
    number = next(
        db.query(
            "SELECT COALESCE(MAX(number), 0) + 1 AS n FROM tickets WHERE trip_id = ? AND category = ?",
            [trip_id, category],
        )
    )["n"]
    cursor = db.execute(
        """INSERT INTO tickets (trip_id, category, number, item_code, citizen_id, appointment_id, priority,
                                priority_reason, transferred_from, issued_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            trip_id,
            category,
            number,
            item_code,
            citizen_id,
            appointment_id,
            int(reason is not None),
            reason,
            transferred_from,
            issued_at,
        ],
    )
    assert cursor.lastrowid is not None
    return get_ticket(db, cursor.lastrowid)


# At the window ---------------------------------------------------------------


def call_next(db: Database, trip_id: int, window: str, *, now: datetime | None = None) -> Ticket | None:
    """Call the next ticket for a window's categories, or None if nobody is waiting.

    Order: tickets transferred to this very window, then priority, then first come
    first served; a ticket put back (过号顺延) lets its `let_pass` calls go first. A ticket
    whose slip failed to print is held until staff settle it. The window must have finished
    (or marked no-show) its last ticket.
    """
    stamp = clock.to_text(clock.resolve(now))
    with immediate(db):
        staff_id, categories = _window(db, trip_id, window)
        busy = list(
            db.query(
                "SELECT category, number FROM tickets WHERE trip_id = ? AND window = ? AND status IN ('called', 'serving')",
                [trip_id, window],
            )
        )
        if busy:
            label = f"{busy[0]['category']}{busy[0]['number']:03d}"
            raise WrongState(Code.TICKET_WINDOW_BUSY, window=window, ticket=label)
        marks = ", ".join("?" * len(categories))
        rows = list(
            db.query(
                f"""SELECT id FROM tickets
                WHERE trip_id = ? AND {IN_QUEUE} AND category IN ({marks})
                  AND (target_window IS NULL OR target_window = ?)
                ORDER BY target_window IS NULL, let_pass > 0, priority DESC, issued_at, id LIMIT 1""",
                [trip_id, *categories, window],
            )
        )
        if not rows:
            return None
        db.execute(
            """UPDATE tickets SET status = 'called', window = ?, staff_id = ?, target_window = NULL, let_pass = 0,
                      call_count = call_count + 1, called_at = COALESCE(called_at, ?), last_called_at = ?
               WHERE id = ? AND status = 'waiting'""",
            [window, staff_id, stamp, stamp, rows[0]["id"]],
        )
        # A ticket put back lets one more go first: this window could have called it instead.
        db.execute(
            f"""UPDATE tickets SET let_pass = let_pass - 1
                WHERE trip_id = ? AND status = 'waiting' AND let_pass > 0 AND category IN ({marks})""",
            [trip_id, *categories],
        )
        return get_ticket(db, rows[0]["id"])


def recall(db: Database, ticket_id: int, *, now: datetime | None = None) -> Ticket:
    """Call the same ticket again (the person has not come to the window yet)."""
    stamp = clock.to_text(clock.resolve(now))
    with immediate(db):
        _expect(db, ticket_id, ("called",), "recall")
        db.execute(
            "UPDATE tickets SET call_count = call_count + 1, last_called_at = ? WHERE id = ?", [stamp, ticket_id]
        )
        return get_ticket(db, ticket_id)


def mark_no_show(db: Database, ticket_id: int, *, now: datetime | None = None) -> Ticket:
    return _move(db, ticket_id, ("called",), "no_show", "done_at", now, "mark no-show")


def defer(db: Database, ticket_id: int, places: int) -> Ticket:
    """过号顺延: a called person who has not come goes back to waiting, `places` calls later.

    Each call at a window that serves the ticket's queue counts one place, whoever it calls;
    with nobody else waiting it is called again at once. The first call time is kept.
    """
    if not isinstance(places, int) or isinstance(places, bool) or not 1 <= places <= MAX_DEFER_PLACES:
        raise InvalidValue(Code.STORE_NOT_IN_RANGE, field="ticket.defer_places", min=1, max=MAX_DEFER_PLACES)
    with immediate(db):
        _expect(db, ticket_id, ("called",), "defer")
        db.execute(
            """UPDATE tickets SET status = 'waiting', window = NULL, staff_id = NULL, target_window = NULL,
                      let_pass = ?, deferrals = deferrals + 1 WHERE id = ?""",
            [places, ticket_id],
        )
        return get_ticket(db, ticket_id)


def start_service(db: Database, ticket_id: int, *, now: datetime | None = None) -> Ticket:
    return _move(db, ticket_id, ("called",), "serving", "serving_at", now, "start serving")


def finish(db: Database, ticket_id: int, *, now: datetime | None = None) -> Ticket:
    """The person leaves the window; record case outcomes before this."""
    return _move(db, ticket_id, ("serving",), "done", "done_at", now, "finish")


def transfer_to_window(db: Database, ticket_id: int, window: str) -> Ticket:
    """Send the person to another window of the same queue; that window calls them next."""
    with immediate(db):
        ticket = _expect(db, ticket_id, ("called", "serving"), "transfer")
        _, categories = _window(db, ticket.trip_id, window)
        if ticket.category not in categories:
            raise InvalidValue(Code.TICKET_WINDOW_WRONG_QUEUE, window=window, category=ticket.category)
        if window == ticket.window:
            raise InvalidValue(Code.TICKET_ALREADY_AT_WINDOW, ticket=ticket.label, window=window)
        db.execute(
            """UPDATE tickets SET status = 'waiting', target_window = ?, window = NULL, staff_id = NULL,
                             serving_at = NULL WHERE id = ?""",
            [window, ticket_id],
        )
        return get_ticket(db, ticket_id)


def transfer_to_category(
    db: Database, ticket_id: int, category: str, *, item_code: str | None = None, now: datetime | None = None
) -> Ticket:
    """Send the person to another department's queue: the old ticket becomes 'transferred'
    and a new ticket (new number, same person and priority) is returned for printing."""
    moment = clock.resolve(now)
    with immediate(db):
        ticket = _expect(db, ticket_id, ("called", "serving"), "transfer")
        trip = get_trip(db, ticket.trip_id)
        new_category = _category_for(db, trip.id, trip.items, category, item_code)
        if new_category == ticket.category:
            raise InvalidValue(Code.TICKET_ALREADY_IN_QUEUE, ticket=ticket.label, category=category)
        if not any(new_category in member.categories for member in trip.crew):
            raise WrongState(Code.TICKET_NO_WINDOW, category=new_category, trip=trip.id)
        stamp = clock.to_text(moment)
        db.execute("UPDATE tickets SET status = 'transferred', done_at = ? WHERE id = ?", [stamp, ticket_id])
        return _insert(
            db,
            trip.id,
            new_category,
            item_code=item_code,
            citizen_id=ticket.citizen_id,
            appointment_id=ticket.appointment_id,
            reason=ticket.priority_reason,
            issued_at=stamp,
            transferred_from=ticket_id,
        )


def hand_over_in_writing(db: Database, ticket_id: int) -> Ticket:
    """The slip did not print: staff wrote the number down for the person, and it joins the queue."""
    with immediate(db):
        _held(db, ticket_id, "hand over in writing")
        db.execute("UPDATE tickets SET print_state = 'written' WHERE id = ?", [ticket_id])
        return get_ticket(db, ticket_id)


def cancel(db: Database, ticket_id: int, *, now: datetime | None = None) -> Ticket:
    """The slip did not print and the number is not handed out: nobody holds it, it is never called."""
    stamp = clock.to_text(clock.resolve(now))
    with immediate(db):
        _held(db, ticket_id, "cancel")
        db.execute("UPDATE tickets SET status = 'cancelled', done_at = ? WHERE id = ?", [stamp, ticket_id])
        return get_ticket(db, ticket_id)


def _held(db: Database, ticket_id: int, action: str) -> Ticket:
    """A waiting ticket whose slip failed to print: what staff may still hand over in writing or cancel."""
    ticket = _expect(db, ticket_id, ("waiting",), action)
    if ticket.print_state != "failed":
        raise WrongState(Code.TICKET_NOT_HELD, ticket=ticket.label, action=action)
    return ticket


def set_print_state(db: Database, ticket_id: int, state: PrintState) -> Ticket:
    """Record the printer's result: printed, failed, or reprinted (after a failure or a lost slip)."""
    if state not in PRINT_RESULTS:
        raise InvalidValue(Code.STORE_NOT_A_CHOICE, field="ticket.print_state", allowed=", ".join(PRINT_RESULTS))
    with immediate(db):
        ticket = get_ticket(db, ticket_id)
        if state == "reprinted" and ticket.print_state == "pending":
            raise WrongState(Code.TICKET_NEVER_PRINTED, ticket=ticket.label)
        db.execute("UPDATE tickets SET print_state = ? WHERE id = ?", [state, ticket_id])
        return get_ticket(db, ticket_id)


# Reading ---------------------------------------------------------------------


def get_ticket(db: Database, ticket_id: int) -> Ticket:
    rows = list(db.query("SELECT * FROM tickets WHERE id = ?", [ticket_id]))
    if not rows:
        raise NotFound(Code.TICKET_NOT_FOUND, ticket_id=ticket_id)
    return _ticket(rows[0])


def find_ticket(db: Database, trip_id: int, label: str) -> Ticket | None:
    """The trip's ticket with this label ('A012'), as a queue event names it; None if there is none."""
    category, digits = label[:1], label[1:]
    if not digits.isdigit():
        return None
    rows = list(
        db.query(
            "SELECT * FROM tickets WHERE trip_id = ? AND category = ? AND number = ?", [trip_id, category, int(digits)]
        )
    )
    return _ticket(rows[0]) if rows else None


def list_tickets(
    db: Database, trip_id: int, *, statuses: Iterable[TicketStatus] = (), category: str | None = None
) -> list[Ticket]:
    """Tickets of a trip in calling order (priority, then issue time)."""
    where: list[str] = ["trip_id = ?"]
    params: list[object] = [trip_id]
    statuses = tuple(statuses)
    if statuses:
        where.append(f"status IN ({', '.join('?' * len(statuses))})")
        params += statuses
    if category is not None:
        where.append("category = ?")
        params.append(category)
    rows = db.query(f"SELECT * FROM tickets WHERE {' AND '.join(where)} ORDER BY priority DESC, issued_at, id", params)
    return [_ticket(row) for row in rows]


def estimate_wait(
    db: Database,
    trip_id: int,
    category: str,
    *,
    ticket_id: int | None = None,
    recent: int = 20,
    default_service_s: float = 300.0,
) -> WaitEstimate:
    """People ahead × recent median service time ÷ windows serving the category.

    Without `ticket_id` it estimates for a ticket issued now. The median is over the
    `recent` latest served tickets of the category on this trip, else `default_service_s`.
    """
    department_for_category(db, category)
    if ticket_id is None:
        ahead = next(
            db.query(
                f"SELECT COUNT(*) AS n FROM tickets WHERE trip_id = ? AND category = ? AND {IN_QUEUE}",
                [trip_id, category],
            )
        )["n"]
    elif (ticket := get_ticket(db, ticket_id)).status != "waiting":
        ahead = 0
    else:
        ahead = next(
            db.query(
                f"""SELECT COUNT(*) AS n FROM tickets
               WHERE trip_id = ? AND category = ? AND {IN_QUEUE} AND id != ?
                 AND (priority > ? OR (priority = ? AND (issued_at < ? OR (issued_at = ? AND id < ?))))""",
                [
                    trip_id,
                    category,
                    ticket.id,
                    int(ticket.priority),
                    int(ticket.priority),
                    ticket.issued_at,
                    ticket.issued_at,
                    ticket.id,
                ],
            )
        )["n"]
    windows = next(
        db.query("SELECT COUNT(*) AS n FROM crew_categories WHERE trip_id = ? AND category = ?", [trip_id, category])
    )["n"]
    median = metrics.recent_median_service_s(db, trip_id, category, recent=recent)
    if median is None:
        median = default_service_s
    seconds = ahead * median / windows if windows else None
    return WaitEstimate(people_ahead=ahead, median_service_s=median, windows=windows, seconds=seconds)


def queue_board(db: Database, trip_id: int, *, recent: int = 5) -> Board:
    """Who is called, who waits per queue, the last calls: each read from its index (migration m011), so
    its cost follows the few rows it shows, not the trip's tickets (every terminal asks on every event)."""

    def calls(condition: str, index: str, limit: int = -1) -> list[tuple[str, str, str]]:
        return [
            (f"{row['category']}{row['number']:03d}", row["window"], row["last_called_at"])
            for row in db.query(
                f"""SELECT category, number, window, last_called_at FROM tickets INDEXED BY {index}
                    WHERE trip_id = ? AND {condition}
                    ORDER BY last_called_at DESC, id DESC LIMIT ?""",
                [trip_id, limit],
            )  # two calls may share a ms
        ]

    waiting = {
        row["category"]: row["n"]
        for row in db.query(
            f"""SELECT category, COUNT(*) AS n FROM tickets INDEXED BY tickets_by_state WHERE trip_id = ? AND {IN_QUEUE}
           GROUP BY category ORDER BY category""",
            [trip_id],
        )
    }
    return Board(
        calling=calls("status IN ('called', 'serving')", "tickets_by_state"),
        waiting=waiting,
        recent=calls("last_called_at IS NOT NULL", "tickets_by_last_call", recent),
    )


# Helpers ---------------------------------------------------------------------


def _window(db: Database, trip_id: int, window: str) -> tuple[int, list[str]]:
    """(staff id, categories) of a window on an open trip."""
    trip = get_trip(db, trip_id)
    if trip.status != "open":
        raise WrongState(Code.TRIP_NOT_OPEN, trip=trip_id, status=trip.status)
    member = next((m for m in trip.crew if m.window == window), None)
    if member is None:
        raise NotFound(Code.TRIP_WINDOW_UNSTAFFED, window=window, trip=trip_id)
    return member.staff_id, list(member.categories)


def _expect(db: Database, ticket_id: int, statuses: tuple[TicketStatus, ...], action: str) -> Ticket:
    ticket = get_ticket(db, ticket_id)
    if ticket.status in statuses:
        return ticket
    # Told by where the ticket is, which is what staff see on the queue list.
    if ticket.status == "waiting":
        raise WrongState(Code.TICKET_NOT_CALLED, ticket=ticket.label, action=action)
    if ticket.status == "called":
        raise WrongState(Code.TICKET_NOT_SERVING, ticket=ticket.label, status=ticket.status, action=action)
    if ticket.status == "serving":
        raise WrongState(Code.TICKET_BEING_SERVED, ticket=ticket.label, action=action)
    raise WrongState(Code.TICKET_FINISHED, ticket=ticket.label, status=ticket.status, action=action)


def _move(
    db: Database,
    ticket_id: int,
    statuses: tuple[TicketStatus, ...],
    status: TicketStatus,
    time_column: str,
    now: datetime | None,
    action: str,
) -> Ticket:
    stamp = clock.to_text(clock.resolve(now))
    with immediate(db):
        _expect(db, ticket_id, statuses, action)
        db.execute(f"UPDATE tickets SET status = ?, {time_column} = ? WHERE id = ?", [status, stamp, ticket_id])
        return get_ticket(db, ticket_id)


def _ticket(row: Mapping[str, Any]) -> Ticket:
    values = dict(row)
    values["priority"] = bool(values["priority"])
    return Ticket(**values)
