"""Telling the other terminals and the display board what changed in the queue.

The store is the truth; MQTT only says "look again". Events and the board carry
ticket labels, windows and counts: never personal data (CONTRACT.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from daemon.messages import BoardCall, QueueBoard, QueueEvent, QueueTicket
from db import tickets

if TYPE_CHECKING:
    from sqlite_utils import Database

    from tui.link import DaemonLink


def board_message(store: Database, trip_id: int, tz) -> QueueBoard:  # noqa: ANN001
    board = tickets.queue_board(store, trip_id)
    calling = [
        BoardCall(number=label, window=window, at=datetime.fromisoformat(at).astimezone(tz).isoformat(timespec="seconds"))
        for label, window, at in board.calling
    ]
    return QueueBoard(calling=calling, waiting=board.waiting)


def announce(link: DaemonLink, store: Database, ticket: tickets.Ticket, kind: str, tz) -> None:  # noqa: ANN001
    """Publish `ticket.<kind>` and the retained board after a change to `ticket`."""
    topics = link.topics
    event = QueueEvent(
        type=f"ticket.{kind}",
        ticket=QueueTicket(number=ticket.label, category=ticket.category, window=ticket.window),
        at=datetime.now(tz).isoformat(timespec="milliseconds"),
    )
    link.publish(topics.queue_event, event)
    link.publish(topics.queue_board, board_message(store, ticket.trip_id, tz), retain=True)
