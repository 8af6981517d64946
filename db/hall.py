"""What the hall needs of the store: each ticket's token for its phone page, and a few reads.

A token is 96 random bits (URL-safe base64, 16 characters), made the first time a ticket's
page address is asked for (when it is printed) and kept: the printed QR code is
`{web.public_url}/t/{token}`. Nothing else about the ticket can be guessed from it.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from db import clock
from db.connection import immediate
from db.tickets import Ticket, get_ticket

__all__ = [
    "TOKEN_BYTES",
    "RatingGiven",
    "named_visit",
    "rating_given",
    "ratings_of_trip",
    "ticket_by_token",
    "token_for",
]

TOKEN_BYTES = 12  # 96 bits: the contract asks for at least 64
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


@dataclass(frozen=True)
class RatingGiven:
    """That a visit was rated, and whether that opened a 差评 follow-up: never the score."""

    follow_up: bool


def token_for(db: Database, ticket_id: int, *, now: datetime | None = None) -> str:
    """The ticket's token, made on first use; NotFound for an unknown ticket."""
    with immediate(db):
        get_ticket(db, ticket_id)
        rows = list(db.query("SELECT token FROM ticket_tokens WHERE ticket_id = ?", [ticket_id]))
        if rows:
            return str(rows[0]["token"])
        token = secrets.token_urlsafe(TOKEN_BYTES)
        db.execute(
            "INSERT INTO ticket_tokens (ticket_id, token, created_at) VALUES (?, ?, ?)",
            [ticket_id, token, clock.to_text(clock.resolve(now))],
        )
        return token


def ticket_by_token(db: Database, token: str) -> Ticket | None:
    """The ticket a token belongs to, or None: a malformed token is as unknown as a wrong one."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    rows = list(db.query("SELECT ticket_id FROM ticket_tokens WHERE token = ?", [token]))
    return get_ticket(db, rows[0]["ticket_id"]) if rows else None


def rating_given(db: Database, ticket_id: int) -> RatingGiven | None:
    rows = list(
        db.query(
            """SELECT follow_ups.id IS NOT NULL AS follow_up FROM ratings
                            LEFT JOIN follow_ups ON follow_ups.rating_id = ratings.id
                            WHERE ratings.ticket_id = ?""",
            [ticket_id],
        )
    )
    return RatingGiven(follow_up=bool(rows[0]["follow_up"])) if rows else None


def ratings_of_trip(db: Database, trip_id: int) -> dict[int, RatingGiven]:
    """Every rated ticket of a trip: ticket id → whether its rating opened a follow-up."""
    return {
        row["ticket_id"]: RatingGiven(follow_up=bool(row["follow_up"]))
        for row in db.query(
            """SELECT ratings.ticket_id, follow_ups.id IS NOT NULL AS follow_up FROM ratings
           JOIN tickets ON tickets.id = ratings.ticket_id
           LEFT JOIN follow_ups ON follow_ups.rating_id = ratings.id
           WHERE tickets.trip_id = ?""",
            [trip_id],
        )
    }


def named_visit(db: Database, ticket_id: int) -> bool:
    """The person gave their name (实名) on this visit: the ticket, or one of its cases, names a citizen."""
    return bool(
        list(
            db.query(
                """SELECT 1 FROM tickets WHERE id = :ticket AND citizen_id IS NOT NULL
           UNION ALL SELECT 1 FROM cases WHERE ticket_id = :ticket AND citizen_id IS NOT NULL LIMIT 1""",
                {"ticket": ticket_id},
            )
        )
    )
