"""好差评 (one rating per visit), the follow-up every 差评 gets, and 意见建议.

Levels: 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意. Ratings 1-2 are
差评: each opens a follow-up (callback, fix, report back) due a configured number
of working days later.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from core.problems import Code
from db import clock, workdays
from db.connection import IntegrityError, immediate
from db.errors import AlreadyRated, InvalidValue, NotFound, WrongState
from db.staff import get_staff
from db.tickets import get_ticket

LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
BAD_REVIEW_MAX = 2
MAX_TEXT = 2000  # a rating's comment, a suggestion
FollowUpStatus = Literal["open", "called_back", "fixed", "closed"]


@dataclass(frozen=True)
class Rating:
    id: int
    ticket_id: int
    score: int
    named: bool
    staff_id: int | None
    comment: str
    rated_at: str

    @property
    def is_bad(self) -> bool:
        return self.score <= BAD_REVIEW_MAX


@dataclass(frozen=True)
class FollowUp:
    id: int
    rating_id: int
    opened_at: str
    deadline: date
    status: FollowUpStatus
    callback_at: str | None
    callback_by: int | None
    callback_note: str | None
    fix_at: str | None
    fix_by: int | None
    fix_note: str | None
    report_at: str | None
    report_by: int | None
    report_note: str | None
    closed_at: str | None

    def overdue(self, today: date) -> bool:
        return self.status != "closed" and today > self.deadline


@dataclass(frozen=True)
class Suggestion:
    id: int
    trip_id: int | None
    text: str
    staff_id: int | None
    received_at: str
    response: str | None
    responded_at: str | None


def rate(
    db: Database,
    ticket_id: int,
    score: int,
    *,
    named: bool = False,
    comment: str = "",
    followup_working_days: int = 5,
    holidays: Iterable[str | date] = (),
    extra_workdays: Iterable[str | date] = (),
    now: datetime | None = None,
    tz: ZoneInfo = clock.SHANGHAI,
) -> tuple[Rating, FollowUp | None]:
    """The visit's one rating; a 差评 also opens its follow-up, returned alongside.

    `named` means the person gave their name (实名), so a callback is owed.
    The rated staff member is whoever served the ticket.
    """
    if not isinstance(score, int) or isinstance(score, bool) or score not in LEVELS:
        raise InvalidValue(Code.STORE_NOT_IN_RANGE, field="rating.score", min=min(LEVELS), max=max(LEVELS))
    if len(comment or "") > MAX_TEXT:
        raise InvalidValue(Code.STORE_TEXT_TOO_LONG, field="rating.comment", limit=MAX_TEXT)
    moment = clock.resolve(now)
    deadline = workdays.add_working_days(clock.local_date(moment, tz), followup_working_days, holidays, extra_workdays)
    stamp = clock.to_text(moment)
    with immediate(db):
        ticket = get_ticket(db, ticket_id)
        if list(db.query("SELECT 1 FROM ratings WHERE ticket_id = ?", [ticket_id])):
            raise AlreadyRated(Code.RATING_ALREADY_RATED, ticket=ticket.label)
        if ticket.status not in ("serving", "done"):
            raise WrongState(Code.RATING_NOT_SERVED, ticket=ticket.label, status=ticket.status)
        try:
            cursor = db.execute(
                "INSERT INTO ratings (ticket_id, score, named, staff_id, comment, rated_at) VALUES (?, ?, ?, ?, ?, ?)",
                [ticket_id, score, int(named), ticket.staff_id, (comment or "").strip(), stamp],
            )
        except IntegrityError:
            raise AlreadyRated(Code.RATING_ALREADY_RATED, ticket=ticket.label) from None
        rating_id = cursor.lastrowid
        assert rating_id is not None
        follow_up = None
        if score <= BAD_REVIEW_MAX:
            cursor = db.execute(
                "INSERT INTO follow_ups (rating_id, opened_at, deadline) VALUES (?, ?, ?)",
                [rating_id, stamp, deadline.isoformat()],
            )
            assert cursor.lastrowid is not None
            follow_up = get_follow_up(db, cursor.lastrowid)
        return get_rating(db, rating_id), follow_up


def record_callback(
    db: Database, follow_up_id: int, staff_id: int, note: str, *, now: datetime | None = None
) -> FollowUp:
    """回访: staff called the person back about their 差评."""
    return _step(db, follow_up_id, "callback", staff_id, note, ("open",), "called_back", now)


def record_fix(db: Database, follow_up_id: int, staff_id: int, note: str, *, now: datetime | None = None) -> FollowUp:
    """整改: what was fixed. A named rating is called back first; anonymous ones skip the callback."""
    return _step(db, follow_up_id, "fix", staff_id, note, ("open", "called_back"), "fixed", now)


def report_back(db: Database, follow_up_id: int, staff_id: int, note: str, *, now: datetime | None = None) -> FollowUp:
    """反馈: the person was told what was done; the follow-up closes."""
    return _step(db, follow_up_id, "report", staff_id, note, ("fixed",), "closed", now)


def _step(
    db: Database,
    follow_up_id: int,
    step: str,
    staff_id: int,
    note: str,
    allowed: tuple[FollowUpStatus, ...],
    status: FollowUpStatus,
    now: datetime | None,
) -> FollowUp:
    if not (note or "").strip():
        raise InvalidValue(Code.FOLLOW_UP_NOTE_MISSING, step=step)
    stamp = clock.to_text(clock.resolve(now))
    with immediate(db):
        follow_up = get_follow_up(db, follow_up_id)
        get_staff(db, staff_id)
        if follow_up.status not in allowed:
            raise _out_of_turn(follow_up, step)
        if step == "fix" and follow_up.status == "open" and get_rating(db, follow_up.rating_id).named:
            # 100% of named 差评 are called back: a fix first would close one without its callback.
            raise WrongState(Code.FOLLOW_UP_CALLBACK_FIRST, follow_up=follow_up_id)
        closed = stamp if status == "closed" else None
        db.execute(
            f"""UPDATE follow_ups SET {step}_at = ?, {step}_by = ?, {step}_note = ?, status = ?,
                       closed_at = COALESCE(?, closed_at) WHERE id = ?""",
            [stamp, staff_id, note.strip(), status, closed, follow_up_id],
        )
        return get_follow_up(db, follow_up_id)


def _out_of_turn(follow_up: FollowUp, step: str) -> WrongState:
    """Why a step cannot be recorded now: the follow-up is closed, past that step, or not at it yet."""
    if follow_up.status == "closed":
        return WrongState(Code.FOLLOW_UP_CLOSED, follow_up=follow_up.id, step=step)
    if step == "callback":
        return WrongState(Code.FOLLOW_UP_CALLBACK_PAST, follow_up=follow_up.id, status=follow_up.status)
    if step == "fix":
        return WrongState(Code.FOLLOW_UP_ALREADY_FIXED, follow_up=follow_up.id)
    return WrongState(Code.FOLLOW_UP_NOT_FIXED, follow_up=follow_up.id, status=follow_up.status)


def get_rating(db: Database, rating_id: int) -> Rating:
    rows = list(db.query("SELECT * FROM ratings WHERE id = ?", [rating_id]))
    if not rows:
        raise NotFound(Code.RATING_NOT_FOUND, rating=rating_id)
    values = dict(rows[0])
    values["named"] = bool(values["named"])
    return Rating(**values)


def get_follow_up(db: Database, follow_up_id: int) -> FollowUp:
    rows = list(db.query("SELECT * FROM follow_ups WHERE id = ?", [follow_up_id]))
    if not rows:
        raise NotFound(Code.FOLLOW_UP_NOT_FOUND, follow_up=follow_up_id)
    return _follow_up(rows[0])


def list_follow_ups(db: Database, *, open_only: bool = True) -> list[FollowUp]:
    """Follow-ups by deadline, earliest first."""
    sql = "SELECT * FROM follow_ups" + (" WHERE status != 'closed'" if open_only else "") + " ORDER BY deadline, id"
    return [_follow_up(row) for row in db.query(sql)]


def add_suggestion(
    db: Database, text: str, *, trip_id: int | None = None, staff_id: int | None = None, now: datetime | None = None
) -> Suggestion:
    """意见建议, collected on every trip."""
    text = (text or "").strip()
    if not text:
        raise InvalidValue(Code.SUGGESTION_EMPTY)
    if len(text) > MAX_TEXT:
        raise InvalidValue(Code.STORE_TEXT_TOO_LONG, field="suggestion.text", limit=MAX_TEXT)
    try:
        cursor = db.execute(
            "INSERT INTO suggestions (trip_id, text, staff_id, received_at) VALUES (?, ?, ?, ?)",
            [trip_id, text, staff_id, clock.to_text(clock.resolve(now))],
        )
    except IntegrityError:
        raise NotFound(Code.STORE_UNKNOWN_REFERENCE, record="suggestion") from None
    assert cursor.lastrowid is not None
    return _suggestion(db, cursor.lastrowid)


def respond_to_suggestion(
    db: Database, suggestion_id: int, response: str, *, now: datetime | None = None
) -> Suggestion:
    if not (response or "").strip():
        raise InvalidValue(Code.SUGGESTION_RESPONSE_EMPTY)
    cursor = db.execute(
        "UPDATE suggestions SET response = ?, responded_at = ? WHERE id = ?",
        [response.strip(), clock.to_text(clock.resolve(now)), suggestion_id],
    )
    if cursor.rowcount == 0:
        raise NotFound(Code.SUGGESTION_NOT_FOUND, suggestion=suggestion_id)
    return _suggestion(db, suggestion_id)


def list_suggestions(db: Database, *, trip_id: int | None = None) -> list[Suggestion]:
    sql, params = "SELECT * FROM suggestions", []
    if trip_id is not None:
        sql += " WHERE trip_id = ?"
        params.append(trip_id)
    return [Suggestion(**row) for row in db.query(sql + " ORDER BY id", params)]


def _suggestion(db: Database, suggestion_id: int) -> Suggestion:
    return Suggestion(**next(db.query("SELECT * FROM suggestions WHERE id = ?", [suggestion_id])))


def _follow_up(row: Mapping[str, Any]) -> FollowUp:
    values = dict(row)
    values["deadline"] = date.fromisoformat(values["deadline"])
    return FollowUp(**values)
