"""好差评: the person rates the visit on five levels, or does not; a suggestion (意见建议) is apart.

Nothing is chosen until the person presses a level, and the choice can be corrected until
the clerk finishes: only then is the rating stored, with the comment the person gave
with it, so a 差评's follow-up keeps what was said (it once became a suggestion, and the
follow-up read 意见：—). A 差评 (1 or 2) opens its follow-up, due
`[service] followup_working_days` working days later; the deadline is known as soon as
the level is chosen. A suggestion is the person's idea for the service, stored as its own
thing whether or not they rate.

The person may rate on their own phone or on the window's tablet instead (govan web, through
this same flow). A stored rating is announced as `ticket.rated`, without its score; the
terminal's flow then learns from `given_elsewhere` that a rating was given, and whether it
opened a follow-up, and never what the score was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from core.problems import Code, Problem
from db import hall, ratings, workdays
from db.errors import StoreError
from db.hall import RatingGiven
from db.ratings import LEVELS, FollowUp, Rating, Suggestion
from db.staff import Staff
from db.tickets import Ticket
from db.trips import Trip
from flows.announce import Announcer
from flows.van import Van

__all__ = [
    "LEVELS",
    "SCORES",
    "Action",
    "FollowUp",
    "Rated",
    "Rating",
    "RatingFlow",
    "RatingGiven",
    "Step",
    "Suggestion",
]

SCORES = (5, 4, 3, 2, 1)  # the order GB/T 39735 lists them: 非常满意 first


class Step(Enum):
    INVITED = "invited"  # nothing chosen
    CHOSEN = "chosen"
    DECLINED = "declined"  # the person chose not to rate
    DONE = "done"
    ELSEWHERE = "elsewhere"  # rated on the phone or the window's tablet: nothing more to do here


class Action(Enum):
    RATE = "rate"
    DECLINE = "decline"
    FINISH = "finish"


@dataclass(frozen=True)
class Rated:
    """What was stored: the rating (None if the person did not rate), its follow-up, the suggestion."""

    rating: Rating | None
    follow_up: FollowUp | None
    suggestion: Suggestion | None


class RatingFlow:
    def __init__(self, van: Van, ticket: Ticket, *, named: bool, staff: Staff, trip: Trip) -> None:
        self.van = van
        self.ticket = ticket
        self.named = named  # the person gave their name (实名): a 差评 owes them a callback
        self.staff = staff
        self.trip = trip
        self.step = Step.INVITED
        self.score: int | None = None
        self._stored: Rated = Rated(None, None, None)

    def allowed(self, action: Action) -> bool:
        return self.step not in (Step.DONE, Step.ELSEWHERE)

    def given_elsewhere(self) -> RatingGiven | None:
        """A rating the person gave on their phone or the window's tablet, read from the store: that it
        was given and whether it opened a follow-up, never its score. The flow then has nothing left to do."""
        if self._stored.rating is not None:
            return None  # the one given here
        given = hall.rating_given(self.van.store, self.ticket.id)
        if given is not None:
            self.score, self.step = None, Step.ELSEWHERE
        return given

    def choose(self, score: int) -> Problem | None:
        if not self.allowed(Action.RATE):
            return Problem(Code.RATING_ALREADY_RATED, {"ticket": self.ticket.label})
        if score not in LEVELS:
            return Problem(Code.STORE_NOT_IN_RANGE, {"field": "rating.score", "min": min(LEVELS), "max": max(LEVELS)})
        self.score, self.step = score, Step.CHOSEN
        return None

    def decline(self) -> None:
        if self.allowed(Action.DECLINE):
            self.score, self.step = None, Step.DECLINED

    @property
    def is_bad(self) -> bool:
        return self.score is not None and self.score <= ratings.BAD_REVIEW_MAX

    def follow_up_deadline(self) -> date | None:
        """For a 差评, when its follow-up is due: what the person is told."""
        if not self.is_bad:
            return None
        service = self.van.config.service
        return workdays.add_working_days(self.van.now().date(), service.followup_working_days, service.holidays)

    def finish(self, comment: str = "", suggestion: str = "") -> Rated | Problem:
        """Store the rating with its comment, and the suggestion; each once, even if this is tried again."""
        if not self.allowed(Action.FINISH):
            return self._stored
        comment, suggestion = comment.strip(), suggestion.strip()
        for text, where in ((comment, "rating.comment"), (suggestion, "suggestion.text")):
            if len(text) > ratings.MAX_TEXT:
                return Problem(Code.STORE_TEXT_TOO_LONG, {"field": where, "limit": ratings.MAX_TEXT})
        service = self.van.config.service
        try:
            if self.score is not None and self._stored.rating is None:
                rating, follow_up = ratings.rate(
                    self.van.store,
                    self.ticket.id,
                    self.score,
                    named=self.named,
                    comment=comment,
                    followup_working_days=service.followup_working_days,
                    holidays=service.holidays,
                    now=self.van.now(),
                    tz=self.van.config.tz,
                )
                self._stored = Rated(rating, follow_up, None)
                Announcer(self.van).rated(self.ticket)
            if suggestion and self._stored.suggestion is None:
                added = ratings.add_suggestion(
                    self.van.store, suggestion, trip_id=self.trip.id, staff_id=self.staff.id, now=self.van.now()
                )
                self._stored = Rated(self._stored.rating, self._stored.follow_up, added)
        except StoreError as error:
            return error.problem
        self.step = Step.DONE
        return self._stored
