"""好差评: one rating per visit; every 差评 opens a follow-up due in working days."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

import db
from core.problems import Code
from db import ratings
from tests.db.support import Van, at, count, raises_problem


def served_ticket(van: Van) -> db.Ticket:
    ticket = db.issue_ticket(van.db, van.trip_id, category="A", now=at(1))
    db.call_next(van.db, van.trip_id, "1", now=at(2))
    db.start_service(van.db, ticket.id, now=at(3))
    return db.finish(van.db, ticket.id, now=at(10))


def test_a_good_rating_is_credited_to_whoever_served_and_opens_nothing(van: Van) -> None:
    ticket = served_ticket(van)
    rating, follow_up = db.rate(van.db, ticket.id, 5, comment="很好", now=at(11))
    assert (rating.score, rating.staff_id, rating.is_bad, follow_up) == (5, van.s1, False, None)
    assert ratings.LEVELS[rating.score] == "非常满意"


@pytest.mark.parametrize("score", [1, 2])
def test_a_bad_review_opens_a_follow_up_due_in_working_days(van: Van, score: int) -> None:
    ticket = served_ticket(van)
    rating, follow_up = db.rate(
        van.db, ticket.id, score, named=True, followup_working_days=5, holidays=["2026-11-25"], now=at(11)
    )  # Friday 09:11 in Longgang
    assert rating.is_bad and follow_up is not None
    assert (follow_up.status, follow_up.deadline) == ("open", date(2026, 11, 30))  # skips a weekend and a holiday
    assert not follow_up.overdue(date(2026, 11, 30)) and follow_up.overdue(date(2026, 12, 1))


def test_the_deadline_counts_from_the_local_day(van: Van) -> None:
    ticket = served_ticket(van)
    # Sunday 16:30 UTC is already Monday 00:30 in Longgang: one working day later is Tuesday.
    _, follow_up = db.rate(
        van.db, ticket.id, 1, followup_working_days=1, now=datetime(2026, 11, 22, 16, 30, tzinfo=UTC)
    )
    assert follow_up is not None and follow_up.deadline == date(2026, 11, 24)


def test_a_visit_is_rated_once(van: Van) -> None:
    ticket = served_ticket(van)
    db.rate(van.db, ticket.id, 2, now=at(11))
    with raises_problem(db.AlreadyRated, Code.RATING_ALREADY_RATED, ticket="A001"):
        db.rate(van.db, ticket.id, 5, now=at(12))
    assert count(van.db, "ratings") == count(van.db, "follow_ups") == 1
    assert db.get_ticket(van.db, ticket.id).status == "done"


def test_only_a_served_visit_can_be_rated(van: Van) -> None:
    ticket = db.issue_ticket(van.db, van.trip_id, category="A", now=at(1))
    with raises_problem(db.WrongState, Code.RATING_NOT_SERVED, ticket="A001", status="waiting"):
        db.rate(van.db, ticket.id, 4)


@pytest.mark.parametrize("score", [0, 6, -1, True, 4.5])
def test_scores_are_whole_numbers_from_1_to_5(van: Van, score: object) -> None:
    ticket = served_ticket(van)
    with raises_problem(db.InvalidValue, Code.STORE_NOT_IN_RANGE, field="rating.score", min=1, max=5):
        db.rate(van.db, ticket.id, score)  # type: ignore[arg-type]
    assert count(van.db, "ratings") == 0


def test_a_follow_up_goes_callback_fix_report_back(van: Van) -> None:
    _, follow_up = db.rate(van.db, served_ticket(van).id, 1, named=True, now=at(11))
    assert follow_up is not None
    with raises_problem(db.WrongState, Code.FOLLOW_UP_NOT_FIXED, follow_up=follow_up.id, status="open"):
        db.report_back(van.db, follow_up.id, van.captain, "已反馈")
    with raises_problem(db.InvalidValue, Code.FOLLOW_UP_NOTE_MISSING, step="callback"):
        db.record_callback(van.db, follow_up.id, van.captain, " ")
    db.record_callback(van.db, follow_up.id, van.captain, "已电话回访，群众反映等候时间长", now=at(60))
    db.record_fix(van.db, follow_up.id, van.captain, "增加一个公安窗口", now=at(120))
    closed = db.report_back(van.db, follow_up.id, van.captain, "已告知整改情况", now=at(180))
    assert (closed.status, closed.callback_by, closed.closed_at) == (
        "closed",
        van.captain,
        "2026-11-20T04:00:00.000+00:00",
    )
    assert ratings.list_follow_ups(van.db) == [] and len(ratings.list_follow_ups(van.db, open_only=False)) == 1


def test_an_anonymous_bad_review_can_be_fixed_without_a_callback(van: Van) -> None:
    _, follow_up = db.rate(van.db, served_ticket(van).id, 2, named=False, now=at(11))
    assert follow_up is not None
    assert db.record_fix(van.db, follow_up.id, van.captain, "改进引导", now=at(20)).status == "fixed"


def test_suggestions_are_collected_per_trip(van: Van) -> None:
    suggestion = db.add_suggestion(van.db, "希望周末也来", trip_id=van.trip_id, staff_id=van.s1, now=at(5))
    ratings.respond_to_suggestion(van.db, suggestion.id, "已安排错时服务", now=at(50))
    [stored] = ratings.list_suggestions(van.db, trip_id=van.trip_id)
    assert (stored.text, stored.response) == ("希望周末也来", "已安排错时服务")
    with raises_problem(db.InvalidValue, Code.SUGGESTION_EMPTY):
        db.add_suggestion(van.db, "   ")
    with pytest.raises(db.NotFound):
        db.add_suggestion(van.db, "x", trip_id=999)
