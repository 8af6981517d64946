"""The captain sees the centre's plan: what changed since they last looked, the week, today's bookings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import db
from core.plan import half_days, week_of
from db import plans
from tests.db.support import TRIP_DAY, at
from tests.tui.test_captain import (
    Fixture,
    an_hour_in,
    as_captain,
    make_van,
    shift_template,
    table_rows,
    text_of,
    until,
    van,
)
from tui.app import GovanApp
from tui.screens.plan import PlanScreen

__all__ = ["an_hour_in", "shift_template", "van"]  # fixtures used by name


def week_body(version: int, monday_pm: str) -> dict:
    monday = TRIP_DAY - timedelta(days=TRIP_DAY.weekday())
    slots = [
        {
            "day": h.day.isoformat(),
            "half": h.half,
            "kind": "free",
            "start": "09:00",
            "end": "12:00",
            "stop": None,
            "session": None,
            "note": "",
        }
        for h in half_days(monday)
    ]
    slots[1] |= {"kind": monday_pm, "stop": "新城社区" if monday_pm == "stop" else None}
    return {"week": week_of(TRIP_DAY), "version": version, "published_at": "2026-11-14T09:00:00+08:00", "slots": slots}


async def test_the_captain_sees_what_changed_and_todays_bookings(
    van: Fixture, an_hour_in: Callable[[], datetime]
) -> None:
    store = db.open_store(van.config.database_path)
    assert plans.apply_week(store, week_body(1, "stop"), now=at(0))
    plans.mark_seen(store, week_of(TRIP_DAY), now=at(0))
    assert plans.apply_week(store, week_body(2, "home_visits"), now=at(1))
    assert not plans.apply_week(store, week_body(1, "off"), now=at(2))  # a late old version changes nothing
    assert plans.apply_booking(
        store,
        {
            "booking_id": 7,
            "kind": "home_visit",
            "day": TRIP_DAY.isoformat(),
            "half": "pm",
            "at": datetime.combine(TRIP_DAY, datetime.min.time()).replace(hour=6).isoformat() + "+00:00",
            "items": ["residence_permit"],
            "name": "孙奶奶",
            "phone": "13900000009",
            "address": "龙港市某路9号",
            "needs": ["卧床", "听障"],
            "need_codes": ["bedridden", "hearing"],
            "checkin_code": "7K3M9QXA",
        },
        now=at(3),
    )
    store.close()
    app = GovanApp(van.config, connect=False, clock=an_hour_in)
    async with app.run_test(size=(120, 40)) as pilot:
        await as_captain(app, pilot, van.ids)
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, PlanScreen))
        changes = text_of(app, "#plan-changes")
        monday = TRIP_DAY - timedelta(days=TRIP_DAY.weekday())
        assert "中心调整了计划" in changes and f"{monday:%m-%d} 下午：定点 新城社区 → 上门" in changes
        rows = table_rows(app, "#plan-bookings")
        assert rows == [["14:00", "上门", "孙*奶", "卧床、听障", "龙港市某路9号", "居住证申领"]]  # the item by its name
        assert len(table_rows(app, "#plan-week")) == 14
        await pilot.press("a")
        assert text_of(app, "#plan-changes").startswith("计划没有新的变化")


def booking_body(booking_id: int, hour: int, **needs: list[str]) -> dict:
    return {
        "booking_id": booking_id,
        "kind": "home_visit",
        "day": TRIP_DAY.isoformat(),
        "half": "pm",
        "at": datetime.combine(TRIP_DAY, datetime.min.time()).replace(hour=hour).isoformat() + "+00:00",
        "items": ["residence_permit"],
        "name": "孙奶奶",
        "phone": "13900000009",
        "address": "龙港市某路9号",
        "checkin_code": f"7K3M9QX{booking_id}",
        **needs,
    }


async def test_in_english_the_bookings_needs_and_items_are_english_words(
    tmp_path: Path, shift_template: Path, an_hour_in: Callable[[], datetime]
) -> None:
    """The centre sends needs as codes, worded on the van in the staff's language; a centre that sent
    only Chinese words (before need_codes) still shows them, as it said them."""
    fixture = make_van(tmp_path, shift_template, {"locale": "en"})
    store = db.open_store(fixture.config.database_path)
    assert plans.apply_booking(
        store, booking_body(7, 6, needs=["视障", "需方言翻译"], need_codes=["visual", "language"]), now=at(3)
    )
    assert plans.apply_booking(store, booking_body(8, 7, needs=["轮椅"]), now=at(3))
    store.close()
    app = GovanApp(fixture.config, connect=False, clock=an_hour_in)
    async with app.run_test(size=(120, 40)) as pilot:
        await as_captain(app, pilot, fixture.ids)
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, PlanScreen))
        rows = table_rows(app, "#plan-bookings")
        assert [row[3] for row in rows] == ["sight, dialect", "轮椅"]
        assert [row[5] for row in rows] == ["Residence permit application"] * 2
