"""The dispatcher at the keyboard in `govan tui --central` (80×24): plan and publish a week, book, set up a
themed session and make its poster — against a real PostgreSQL."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
from textual.pilot import Pilot
from textual.widgets import Checkbox, DataTable, Input, Select, Static

from govan import config as config_module
from planning import week
from tests.planning.support import CATALOGUE, planning_store
from tests.support.fonts import require_cjk_font
from tui.central.app import CentralApp
from tui.widgets.check_row import CheckRow


async def until(pilot: Pilot[Any], check: Callable[[], Any], what: str, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        await pilot.pause(0.05)
    return value


def note(app: CentralApp) -> str:
    return str(app.screen.query_one("#central-note", Static).render())


async def choose(pilot: Pilot[Any], choice: Select[str], code: str) -> None:
    """Pick `code` by keys as the dispatcher does: Enter opens the choice, Down moves, Enter picks."""
    for downs in range(10):  # more than any choice offers
        choice.focus()
        await pilot.press("enter", "home", *["down"] * downs, "enter")
        await pilot.pause()
        if choice.value == code:
            return
    raise AssertionError(f"{code} is not offered by {choice.id}")


async def fill(pilot: Pilot[Any], app: CentralApp, values: dict[str, str]) -> None:
    """Type into the text fields; choices and ticks by keys (codes here, words on the screen)."""
    for field, value in values.items():
        widget = app.screen.query_one(f"#form-{field}")
        if isinstance(widget, Select):
            await choose(pilot, widget, value)
        elif isinstance(widget, CheckRow):
            for box in widget.query(Checkbox):
                if box.value != (box.name in value.split(",")):
                    box.focus()
                    await pilot.press("space")
        else:
            assert isinstance(widget, Input)
            widget.value = value
    await pilot.pause(0.05)


async def test_plan_publish_book_and_announce_from_the_keyboard(tmp_path: Path, central_db: str) -> None:
    conn = planning_store(central_db)
    from planning import bookings

    bookings.load_items(conn, CATALOGUE)
    config = config_module.validate(
        msgspec.convert(
            {"data_dir": str(tmp_path / "data"), "central": {"database_url": central_db}}, config_module.Config
        ),
        "test",
    )
    app = CentralApp(config, url=central_db)
    app.week = "2026-W50"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("7")
        await until(pilot, lambda: "2026-W50" in note(app), "the week screen")
        await pilot.press("d")
        await until(pilot, lambda: "已生成草案" in note(app), "the draft")
        table = app.screen.query_one("#central-table", DataTable)
        assert table.row_count == 14 and len(table.columns) == 3
        # Monday morning of lg-01 becomes a home-visit run, by key.
        table.cursor_coordinate = table.cursor_coordinate._replace(row=0, column=1)
        await pilot.press("h")
        await until(
            pilot, lambda: str(table.get_cell_at(table.cursor_coordinate)).startswith("✎上门"), "the edited cell"
        )
        await pilot.press("p")
        await until(pilot, lambda: "已发布：lg-01 v1、lg-02 v1" in note(app), "the publication")
        await pilot.press("p")
        await until(pilot, lambda: "无需重新发布" in note(app), "nothing to publish again")
        # Page 8: a group booking through the form; then one that capacity refuses.
        await pilot.press("8")
        await until(pilot, lambda: app.screen.name == "bookings", "the bookings screen")
        day, half = min(
            (s.day, s.half)
            for v in week.week_plan(conn, "2026-W50")
            if v.van_id == "lg-01"
            for s in v.slots
            if s.kind == "free" and s.day.weekday() < 5
        )
        await fill(
            pilot,
            app,
            {
                "kind": "group",
                "van": "lg-01",
                "day": day.isoformat(),
                "half": half,
                "items": "居民身份证换领",  # by name; the home visit below gives its item's code
                "head_count": "9",
                "group": "印刷集团",
            },
        )
        await pilot.press("ctrl+b")
        await until(pilot, lambda: "已预约" in note(app), "the booking")
        assert "公安 180分钟 1人" in note(app)  # the tailored plan, by the department's name
        await pilot.press("ctrl+b")  # the same again: 180 more minutes than the officer has
        await until(pilot, lambda: "人手不足" in note(app), "capacity refusal in words")
        assert "police" in note(app)
        # A home visit the same half-day (social insurance still has time), then the run in driving order.
        await fill(
            pilot,
            app,
            {
                "kind": "home_visit",
                "items": "social_security_card",
                "head_count": "",
                "group": "",
                "name": "赵奶奶",
                "address": "龙港市某路2号",
                "point": "27.5750,120.5560",
                "needs": "bedridden",
            },
        )
        await pilot.press("ctrl+b")
        await until(pilot, lambda: "人力社保 20分钟 1人" in note(app), "the home visit")
        listing = app.screen.query_one("#plan-list", DataTable)
        await until(pilot, lambda: listing.row_count == 2, "both bookings listed")
        assert {str(listing.get_row_at(row)[4]) for row in range(2)} == {"居民身份证换领", "社会保障卡申领"}
        listing.focus()
        listing.move_cursor(row=next(row for row in range(2) if "上门" in listing.get_row_at(row)))
        await pilot.press("ctrl+r")
        await until(pilot, lambda: "上门顺序：赵*（车程" in note(app), "the home-visit run")
        # Moved to another free half-day of the van, by the form's day and half-day.
        later = max(
            (s.day, s.half)
            for v in week.week_plan(conn, "2026-W50")
            if v.van_id == "lg-01"
            for s in v.slots
            if s.kind == "free" and s.day.weekday() < 5
        )
        await fill(pilot, app, {"day": later[0].isoformat(), "half": later[1]})
        await pilot.press("ctrl+t")
        await until(pilot, lambda: f"改到 {later[0]:%m-%d}" in note(app), "the booking moved")
        assert [row[0] for row in conn.execute("SELECT action FROM booking_history ORDER BY id")] == [
            "booked",
            "booked",
            "rescheduled",
        ]
        # Page 9: a themed session and its poster.
        await pilot.press("9")
        await until(pilot, lambda: app.screen.name == "sessions", "the sessions screen")
        await fill(
            pilot,
            app,
            {
                "theme": "新业态就业专场",
                "items": "social_insurance_enrol,social_security_card",
                "van": "lg-02",
                "day": "2026-12-12",
                "half": "am",
                "stop": "龙港万达商圈",
                "deadline": "2026-12-10",
            },
        )
        await pilot.press("ctrl+n")
        await until(pilot, lambda: "已建专场" in note(app), "the session")
        require_cjk_font()
        await fill(pilot, app, {"qr": "https://mp.weixin.qq.com/s/example"})
        app.screen.query_one("#plan-list", DataTable).focus()
        await pilot.press("ctrl+g")
        await until(pilot, lambda: "已生成 5 个文件" in note(app), "the announcement", timeout=60)
    exports = config.data_path / "exports"
    assert sorted(path.name for path in exports.iterdir()) == [
        "session-1-leaflet-a5.pdf",
        "session-1-poster-a4.pdf",
        "session-1-wechat.html",
        "session-1-wechat.txt",
        "session-1.ics",
    ]
    await asyncio.sleep(0)
