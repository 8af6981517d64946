"""The week plan in a real PostgreSQL: drafted by CP-SAT from demand, edited, published, republished, exported."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from planning import export, week
from planning.errors import PlanCode, PlanningError
from tests.planning.support import MONDAY, TODAY, WEEK, past_trip, planning_store


def test_the_draft_follows_demand_and_keeps_the_rules(central_db: str) -> None:
    conn = planning_store(central_db)
    # The industrial park drew crowds; the community centre was visited yesterday.
    past_trip(conn, "lg-01", 1, TODAY - timedelta(days=20), "龙港经济开发区", 120)
    past_trip(conn, "lg-01", 2, TODAY - timedelta(days=1), "龙港市世纪新城社区服务中心", 10)
    week.set_day_off(conn, "lg-01", MONDAY)
    result = week.draft(conn, WEEK, today=TODAY)
    assert result.optimal
    plan = {van.van_id: van.slots for van in week.week_plan(conn, WEEK)}
    assert sorted(plan) == ["lg-01", "lg-02"] and all(len(slots) == 14 for slots in plan.values())
    monday = [slot for slot in plan["lg-01"] if slot.day == MONDAY]
    assert [slot.kind for slot in monday] == ["off", "off"]
    stops = [slot for slots in plan.values() for slot in slots if slot.kind == "stop"]
    # One stop per trip, each stop once: six stops, six trips, none twice.
    assert len(stops) == 6 and len({slot.stop_id for slot in stops}) == 6
    weekend = [slot for slot in stops if slot.day.weekday() >= 5]
    assert weekend and all((slot.stop and "社区" in slot.stop) or "商圈" in (slot.stop or "") for slot in weekend)
    assert all(slot.start.hour >= 9 and (slot.half == "am" or slot.end.hour >= 19) for slot in weekend)
    for slots in plan.values():
        assert sum(slot.kind == "free" and slot.day.weekday() < 5 for slot in slots) >= 2
    # The busy park comes before the community centre that was just served.
    order = {slot.stop: (slot.day, slot.half) for slot in stops}
    assert order["龙港经济开发区"] < order["龙港市世纪新城社区服务中心"]


def test_a_dispatchers_edit_survives_a_new_draft(central_db: str) -> None:
    conn = planning_store(central_db)
    week.draft(conn, WEEK, today=TODAY)
    week.set_slot(conn, "lg-02", MONDAY, "am", "home_visits", note="龙港上门")
    week.draft(conn, WEEK, today=TODAY)
    (slot,) = [
        s
        for van in week.week_plan(conn, WEEK)
        if van.van_id == "lg-02"
        for s in van.slots
        if s.day == MONDAY and s.half == "am"
    ]
    assert (slot.kind, slot.source, slot.note) == ("home_visits", "dispatcher", "龙港上门")
    with pytest.raises(PlanningError) as error:
        week.set_slot(conn, "lg-09", MONDAY, "am", "free")
    assert error.value.code == PlanCode.UNKNOWN_VAN
    with pytest.raises(PlanningError) as error:
        week.set_slot(conn, "lg-01", MONDAY, "am", "stop")
    assert error.value.code == PlanCode.SLOT_NEEDS_STOP


def test_a_week_published_changed_and_published_again(central_db: str) -> None:
    conn = planning_store(central_db)
    with pytest.raises(PlanningError) as error:
        week.publish(conn, WEEK, now=datetime(2026, 12, 3, 9, tzinfo=UTC))
    assert error.value.code == PlanCode.NOTHING_TO_PUBLISH
    week.draft(conn, WEEK, today=TODAY)
    first = week.publish(conn, WEEK, now=datetime(2026, 12, 3, 9, tzinfo=UTC))
    assert [(p.van_id, p.version) for p in first] == [("lg-01", 1), ("lg-02", 1)]
    assert week.publish(conn, WEEK, now=datetime(2026, 12, 3, 10, tzinfo=UTC)) == []  # nothing changed
    week.set_slot(conn, "lg-02", MONDAY + timedelta(days=2), "pm", "home_visits")
    again = week.publish(conn, WEEK, now=datetime(2026, 12, 3, 11, tzinfo=UTC))
    assert [(p.van_id, p.version, p.changes) for p in again] == [("lg-02", 2, 1)]
    down = conn.execute("SELECT van_id, body FROM down_outbox WHERE kind = 'plan.week' ORDER BY id").fetchall()
    assert [(van, body["version"]) for van, body in down] == [("lg-01", 1), ("lg-02", 1), ("lg-02", 2)]
    (change,) = down[-1][1]["changes"]
    assert change["day"] == "2026-12-09" and change["after"]["kind"] == "home_visits"
    assert week.deadline_of(WEEK) == date(2026, 12, 4)


def test_export_is_what_was_published_in_three_formats(central_db: str) -> None:
    conn = planning_store(central_db)
    week.draft(conn, WEEK, today=TODAY)
    week.publish(conn, WEEK, now=datetime(2026, 12, 3, 9, tzinfo=UTC))
    calendar = Calendar.from_ical(export.export_week(conn, WEEK, "ics"))
    events = calendar.walk("VEVENT")
    timezones = calendar.walk("VTIMEZONE")
    assert [str(tz["TZID"]) for tz in timezones] == ["Asia/Shanghai"]
    starts = sorted(event.decoded("dtstart") for event in events)
    assert starts[0].utcoffset() == timedelta(hours=8) and starts[0].date() >= MONDAY
    assert any("定点服务" in str(event["summary"]) for event in events)
    markdown = export.export_week(conn, WEEK, "md").decode()
    assert "| 12-07 周一 | 上午 | 09:00–12:00 |" in markdown
    import json

    data = json.loads(export.export_week(conn, WEEK, "json"))
    assert [van["version"] for van in data["vans"]] == [1, 1] and len(data["vans"][0]["slots"]) == 14
    with pytest.raises(PlanningError):
        export.export_week(conn, "2026-50", "md")
