"""The queue ticket on paper (the slip), and what is done when it does not print.

A ticket whose slip failed to print is never silently counted: it is held out of the queue
(neither called nor counted as waiting, db.tickets.IN_QUEUE) until staff choose what it is:
- printed again (`print_slip(..., again=True)`), and it joins the queue;
- handed over in writing (`hand_over_in_writing`): the store marks it `written`, and it joins the queue;
- cancelled (`cancel`): nobody holds the number, it is never called and not counted.
Each outcome is announced once (`ticket.printed`, `ticket.unprinted`, `ticket.written`,
`ticket.cancelled`), so every terminal and the board follow.

The slip is the citizen's paper, like the receipts (flows.receipts): always in Chinese,
whatever language the staff work in, so its words live here and not in the views.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from core.problems import Code, Problem
from daemon.messages import Block, CutBlock, Document, FeedBlock, QrBlock, RuleBlock, TextBlock, new_id
from db import catalogue, clock, tickets
from db.errors import StoreError
from db.tickets import PriorityReason, Ticket
from flows.announce import Announcer
from flows.hall import ticket_page_url
from flows.printing import Printed, print_document
from flows.receipts import OFFICE
from flows.van import Van

__all__ = [
    "PRIORITY_LINES",
    "Slip",
    "SlipOutcome",
    "SlipText",
    "cancel",
    "hand_over_in_writing",
    "print_slip",
    "slip_document",
    "wait_minutes",
]

PRIORITY_LINES: dict[PriorityReason, str] = {
    "appointment": "预约优先",
    "age": "高龄优先",
    "disabled": "特殊群体优先",
}
# A ticket that is over needs no slip.
_STILL_NEEDED = ("waiting", "called", "serving")


class SlipOutcome(Enum):
    PRINTED = "printed"  # printed, the first time or again
    FAILED = "failed"  # not printed: held until staff choose
    WRITTEN = "written"  # handed over in writing
    CANCELLED = "cancelled"  # never handed out


@dataclass(frozen=True)
class Slip:
    """What became of a ticket's slip: the ticket as the store has it now, and why it did not print."""

    ticket: Ticket
    outcome: SlipOutcome
    problem: Problem | None = None  # why it did not print
    warning: Problem | None = None  # printed, but staff should know (paper near end)

    @property
    def held(self) -> bool:
        """Not printed, not settled: staff choose to reprint, write the number down, or cancel it."""
        return self.outcome is SlipOutcome.FAILED and self.ticket.status == "waiting"


@dataclass(frozen=True)
class SlipText:
    """What a slip says."""

    label: str
    item_name: str  # the category letter for a ticket without an item
    stop_name: str
    people_ahead: int
    wait_seconds: float | None  # None when no window serves the queue
    issued_at: datetime  # local time
    priority_reason: PriorityReason | None = None
    qr_url: str | None = None


def wait_minutes(seconds: float | None) -> int | None:
    """Whole minutes, rounded up; None when no window serves the queue."""
    return None if seconds is None else max(1, math.ceil(seconds / 60)) if seconds > 0 else 0


def slip_document(slip: SlipText) -> Document:
    minutes = wait_minutes(slip.wait_seconds)
    if minutes is None:
        wait = "请留意叫号"
    elif minutes == 0:
        wait = "马上轮到您，请留意叫号"
    else:
        wait = f"您前面还有 {slip.people_ahead} 人，预计等待约 {minutes} 分钟"
    blocks: list[Block] = [
        TextBlock(text=OFFICE, align="center", size=(2, 2), bold=True),
        TextBlock(text=slip.stop_name, align="center"),
        RuleBlock(),
        TextBlock(text=slip.label, align="center", size=(4, 4), bold=True),
        TextBlock(text=slip.item_name, align="center", size=(2, 2)),
    ]
    if slip.priority_reason:
        blocks.append(TextBlock(text=PRIORITY_LINES[slip.priority_reason], align="center", bold=True))
    blocks += [
        RuleBlock(),
        TextBlock(text=wait),
        TextBlock(text=f"取号时间 {slip.issued_at.strftime('%Y-%m-%d %H:%M')}"),
    ]
    if slip.qr_url:
        blocks.append(QrBlock(data=slip.qr_url.format(number=slip.label), size=5))
    blocks += [TextBlock(text="请妥善保管本号票，留意叫号", align="center"), FeedBlock(lines=2), CutBlock()]
    return Document(blocks=blocks)


def _text(van: Van, ticket: Ticket, stop_name: str) -> SlipText:
    store = van.store
    item = catalogue.get_item(store, ticket.item_code).name if ticket.item_code else ticket.category
    estimate = tickets.estimate_wait(store, ticket.trip_id, ticket.category, ticket_id=ticket.id)
    return SlipText(
        label=ticket.label,
        item_name=item,
        stop_name=stop_name,
        people_ahead=estimate.people_ahead,
        wait_seconds=estimate.seconds,
        issued_at=clock.from_text(ticket.issued_at).astimezone(van.config.tz),
        priority_reason=ticket.priority_reason,
        qr_url=ticket_page_url(store, van.config, ticket.id) or van.config.service.ticket_qr_url,
    )


async def print_slip(van: Van, ticket_id: int, stop_name: str, *, again: bool = False) -> Slip | Problem:
    """Print the ticket's slip and record the printer's honest answer; announce it once."""
    try:
        ticket = tickets.get_ticket(van.store, ticket_id)
        if ticket.status not in _STILL_NEEDED:
            return Problem(Code.TICKET_FINISHED, {"ticket": ticket.label, "status": ticket.status, "action": "print"})
        if again and ticket.print_state == "pending":
            return Problem(Code.SLIP_STILL_PRINTING, {"ticket": ticket.label})
        document = slip_document(_text(van, ticket, stop_name))
    except StoreError as error:
        return error.problem
    result = await print_document(van, document, job_id=f"ticket-{ticket.id}-{new_id()[:8]}")
    printed = isinstance(result, Printed)
    state: tickets.PrintState = "failed" if not printed else "reprinted" if again else "printed"
    try:
        ticket = tickets.set_print_state(van.store, ticket.id, state)
    except StoreError as error:
        return error.problem
    Announcer(van).ticket(ticket, "printed" if printed else "unprinted")
    if isinstance(result, Printed):
        return Slip(ticket, SlipOutcome.PRINTED, warning=result.warning)
    return Slip(ticket, SlipOutcome.FAILED, problem=result)


def hand_over_in_writing(van: Van, ticket_id: int) -> Slip | Problem:
    """Staff wrote the number down for the person: the ticket joins the queue, marked so."""
    try:
        ticket = tickets.hand_over_in_writing(van.store, ticket_id)
    except StoreError as error:
        return error.problem
    Announcer(van).ticket(ticket, "written")
    return Slip(ticket, SlipOutcome.WRITTEN)


def cancel(van: Van, ticket_id: int) -> Slip | Problem:
    """The number is not handed out: it is never called and not counted."""
    try:
        ticket = tickets.cancel(van.store, ticket_id, now=van.now())
    except StoreError as error:
        return error.problem
    Announcer(van).ticket(ticket, "cancelled")
    return Slip(ticket, SlipOutcome.CANCELLED)
