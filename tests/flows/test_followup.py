"""差评 follow-ups: a named one is called back first, with who, when and what was said; the number
to call is an audited read; nobody follows up a rating about themselves; deadlines count 调休."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from core.problems import Code, Problem
from db import audit, citizens, clock, metrics, ratings, staff, tickets, trips
from db.demo import demo_id_number
from db.errors import WrongState
from flows.followup import Action, FollowUpFlow
from flows.van import Van
from tests.flows.support import FlowVan, flow_van

# Friday 20 November 2026, 10:00 in Longgang.
FRIDAY = datetime.fromisoformat("2026-11-20T10:00:00+08:00")


def morning(fv: FlowVan) -> datetime:
    """10:00 on the demo trip's day (today)."""
    return datetime.combine(trips.get_trip(fv.van.store, fv.demo.trip_id).trip_date, time(10), fv.van.config.tz)


def bad_review(
    fv: FlowVan,
    window: str,
    *,
    named: bool,
    at: datetime,
    phone: str | None = None,
    days: int = 5,
    sequence: str = "123",
) -> int:
    """A visit served at `window` and rated 2 (不满意) with a comment: its follow-up's id."""
    store, trip_id = fv.van.store, fv.demo.trip_id
    citizen_id = None
    if phone is not None:
        citizen_id = citizens.find_or_create(
            store, demo_id_number("330383", "19900101", sequence), name="测试人", phone=phone, now=at
        ).id
    crew = trips.get_trip(store, trip_id).crew
    category = next(member.categories[0] for member in crew if member.window == window)
    ticket = tickets.issue_ticket(store, trip_id, category=category, citizen_id=citizen_id, now=at)
    called = tickets.call_next(store, trip_id, window, now=at)
    assert called is not None and called.id == ticket.id
    tickets.finish(store, tickets.start_service(store, ticket.id, now=at).id, now=at)
    service = fv.van.config.service
    _, follow_up = ratings.rate(
        store,
        ticket.id,
        2,
        named=named,
        comment="等了一个多小时",
        followup_working_days=days,
        holidays=service.holidays,
        extra_workdays=service.working_days,
        now=at,
    )
    assert follow_up is not None
    return follow_up.id


def as_of(fv: FlowVan, moment: datetime) -> Van:
    return Van(fv.van.store, fv.van.config, fv.van.bus, clock=lambda: moment)


def captain(fv: FlowVan) -> staff.Staff:
    return staff.get_staff(fv.van.store, fv.staff_id("c01"))


async def test_a_named_bad_review_is_called_back_first_with_who_when_and_what_was_said(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv:
        follow_up_id = bad_review(fv, "1", named=True, phone="13812345678", at=morning(fv))
        noon = morning(fv) + timedelta(hours=2)
        van = as_of(fv, noon)
        flow = FollowUpFlow(van, captain(fv))
        flow.select(follow_up_id)
        line = flow.selected
        assert line is not None and line.comment == "等了一个多小时" and line.masked_phone == "138****5678"
        # x (整改) before b (回访): refused, and the view hides what is refused.
        assert not flow.allowed(Action.FIX) and not flow.allowed(Action.REPORT) and flow.allowed(Action.CALLBACK)
        assert flow.record(Action.FIX, "增加窗口") == Problem(
            Code.FOLLOW_UP_CALLBACK_FIRST, {"follow_up": follow_up_id}
        )
        # The store refuses it too, whoever asks.
        with pytest.raises(WrongState) as refused:
            ratings.record_fix(van.store, follow_up_id, fv.staff_id("c01"), "增加窗口")
        assert refused.value.problem == Problem(Code.FOLLOW_UP_CALLBACK_FIRST, {"follow_up": follow_up_id})
        assert ratings.get_follow_up(van.store, follow_up_id).status == "open"

        called = flow.record(Action.CALLBACK, "已电话联系，群众反映排队太久")
        assert not isinstance(called, Problem)
        assert (called.follow_up.status, called.callback_by_name, called.follow_up.callback_note) == (
            "called_back",
            "陈建国",
            "已电话联系，群众反映排队太久",
        )
        assert called.follow_up.callback_at == clock.to_text(noon)
        assert flow.allowed(Action.FIX) and not flow.allowed(Action.CALLBACK)
        assert not isinstance(flow.record(Action.FIX, "增加一个窗口"), Problem)
        closed = flow.record(Action.REPORT, "已电话告知整改情况")
        assert not isinstance(closed, Problem) and closed.follow_up.status == "closed"
        rule = flow.callback_rule()
        assert (rule.named, rule.called_back, rule.rate) == (1, 1, 1.0)
        year = metrics.figures(van.store, "overall", date_from=date(noon.year, 1, 1), date_to=noon.date())
        assert year[0].figures.named_bad_callback_rate == 1.0


async def test_the_number_to_call_back_is_an_audited_read_and_only_for_a_named_rating(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv:
        named = bad_review(fv, "1", named=True, phone="13812345678", at=FRIDAY)
        anonymous = bad_review(fv, "2", named=False, phone="13912345678", at=FRIDAY, sequence="456")
        flow = FollowUpFlow(as_of(fv, FRIDAY), captain(fv))
        before = len(audit.entries(fv.van.store, subject="citizen"))
        flow.select(named)
        assert flow.phone is None
        assert flow.read_phone() == "13812345678" and flow.phone == "13812345678"
        (entry,) = audit.entries(fv.van.store, subject="citizen")[before:]
        assert (entry.action, entry.staff_id, entry.at) == ("view", fv.staff_id("c01"), "2026-11-20T02:00:00.000+00:00")
        assert entry.detail == f"phone, to call back follow-up #{named}"  # why, and no number in the log
        # Another follow-up selected: the number is gone from the flow.
        flow.select(anonymous)
        assert flow.phone is None
        line = flow.selected
        assert line is not None and line.masked_phone is None  # an anonymous rater's number is not shown at all
        assert not flow.allowed(Action.PHONE)
        assert flow.read_phone() == Problem(Code.FOLLOW_UP_ANONYMOUS, {"follow_up": anonymous})
        assert len(audit.entries(fv.van.store, subject="citizen")) == before + 1
        # An anonymous 差评 goes to its fix without a callback.
        assert flow.allowed(Action.FIX)


async def test_nobody_follows_up_a_rating_about_themselves(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv:
        # 陈建国, the demo captain, also sits at window 5.
        own = bad_review(fv, "5", named=True, phone="13812345678", at=FRIDAY)
        flow = FollowUpFlow(as_of(fv, FRIDAY), captain(fv))
        flow.select(own)
        for action in Action:
            assert not flow.allowed(action)
            assert flow.refusal(action) == Problem(Code.FOLLOW_UP_OWN_RATING, {"follow_up": own})
        assert flow.record(Action.CALLBACK, "我自己回访") == Problem(Code.FOLLOW_UP_OWN_RATING, {"follow_up": own})
        assert flow.read_phone() == Problem(Code.FOLLOW_UP_OWN_RATING, {"follow_up": own})
        assert ratings.get_follow_up(fv.van.store, own).callback_at is None
        # Staff who are not the captain record no step at all.
        clerk = staff.get_staff(fv.van.store, fv.staff_id("s02"))
        flow = FollowUpFlow(as_of(fv, FRIDAY), clerk)
        flow.select(own)
        assert flow.record(Action.CALLBACK, "回访") == Problem(Code.CAPTAIN_ONLY)


async def test_deadlines_and_days_left_count_the_worked_weekends(tmp_path: Path) -> None:
    # 调休: Saturday 21 and Sunday 22 November are worked; Monday 23 is a holiday.
    settings = {"service": {"working_days": ["2026-11-21", "2026-11-22"], "holidays": ["2026-11-23"]}}
    async with flow_van(tmp_path, settings) as fv:
        follow_up_id = bad_review(fv, "1", named=True, days=3, at=FRIDAY)
        follow_up = ratings.get_follow_up(fv.van.store, follow_up_id)
        assert follow_up.deadline == date(2026, 11, 24)  # Sat, Sun, (not Mon), Tue
        flow = FollowUpFlow(as_of(fv, FRIDAY), captain(fv))
        flow.select(follow_up_id)
        line = flow.selected
        assert line is not None and flow.working_days_left(line) == 3
        saturday = FollowUpFlow(as_of(fv, FRIDAY + timedelta(days=1)), captain(fv))
        assert saturday.working_days_left(line) == 2
        wednesday = FollowUpFlow(as_of(fv, FRIDAY + timedelta(days=5)), captain(fv))
        assert wednesday.working_days_left(line) == -1 and line.overdue(wednesday.today)
