"""The printed queue ticket, as a print document (rendered late by the daemon)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from daemon.messages import CutBlock, Document, FeedBlock, QrBlock, RuleBlock, TextBlock
from tui.i18n import t


@dataclass(frozen=True)
class TicketSlip:
    label: str
    item_name: str
    stop_name: str
    people_ahead: int
    wait_seconds: float | None
    issued_at: datetime
    priority_reason: str | None = None
    qr_url: str | None = None


def wait_minutes(seconds: float | None) -> int | None:
    """Whole minutes, rounded up; None when no window serves the queue."""
    return None if seconds is None else max(1, math.ceil(seconds / 60)) if seconds > 0 else 0


def ticket_document(slip: TicketSlip) -> Document:
    minutes = wait_minutes(slip.wait_seconds)
    if minutes is None:
        wait = t("ticket.no_window")
    elif minutes == 0:
        wait = t("ticket.next")
    else:
        wait = t("ticket.ahead", ahead=slip.people_ahead, minutes=minutes)
    blocks: list = [
        TextBlock(text=t("app.title"), align="center", size=(2, 2), bold=True),
        TextBlock(text=slip.stop_name, align="center"),
        RuleBlock(),
        TextBlock(text=slip.label, align="center", size=(4, 4), bold=True),
        TextBlock(text=slip.item_name, align="center", size=(2, 2)),
    ]
    if slip.priority_reason:
        blocks.append(TextBlock(text=t("ticket.priority." + slip.priority_reason), align="center", bold=True))
    blocks += [
        RuleBlock(),
        TextBlock(text=wait),
        TextBlock(text=t("ticket.issued", time=slip.issued_at.strftime("%Y-%m-%d %H:%M"))),
    ]
    if slip.qr_url:
        blocks.append(QrBlock(data=slip.qr_url.format(number=slip.label), size=5))
    blocks += [TextBlock(text=t("ticket.keep"), align="center"), FeedBlock(lines=2), CutBlock()]
    return Document(blocks=blocks)
