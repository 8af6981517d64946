"""The captain's views, driven by keys against a real store file (and, for the close, a real
daemon with the emulated printer on a real broker).

The trip is the hand-worked shift of tests/db/test_metrics (see its docstring). By hand:
tickets 10 (A 7, F 3), served 8, no-shows 1, waiting 1; cases 9 = 4 on site + 2 forwarded
+ 2 not done + 1 consult; 办成率 6/8 = 75.0%; 7 ratings (5 5 2 4 4 1 3): 满意率 5/7 =
71.4%, 好评率 4/7 = 57.1%; 差评 A002 (named, called back) and A004 (anonymous, open), due
Friday 2026-11-27; waits median 6.0 min, p90 16.2 min; service median 6.5, p90 10.3 min.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static, TextArea

import db
from core.problems import Code, Problem
from daemon.messages import PaperControl
from db import incidents, report, staff, trips
from govan import config as config_module
from govan.config import Config
from tests.db.support import at, build_van, id_number, open_van
from tests.db.test_metrics import run_shift
from tests.support.stores import copy_store
from tests.support.van import write_config
from tui.app import GovanApp
from tui.screens.captain import CaptainScreen
from tui.screens.evaluation import EvaluationScreen
from tui.screens.followups import FollowUpsScreen
from tui.screens.summary import SummaryScreen
from tui.screens.trip_close import TripCloseScreen
from tui.widgets.ask_text import AskText


@dataclass
class Fixture:
    config: Config
    ids: dict[str, int]  # login → staff id


@pytest.fixture(scope="session")
def shift_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store with the hand-worked shift done (PIN hashing is slow: built once)."""
    path = tmp_path_factory.mktemp("captain") / "govan.db"
    build_van(path)
    van = open_van(path)
    run_shift(van)
    van.db.close()
    return path


def make_van(directory: Path, template: Path, settings: dict | None = None) -> Fixture:
    config = config_module.load(write_config(directory, settings))
    config.data_path.mkdir(parents=True, exist_ok=True)
    copy_store(template, config.database_path)
    store = db.open_store(config.database_path)
    ids = {row["login"]: row["id"] for row in store.query("SELECT id, login FROM staff")}
    store.close()
    return Fixture(config, ids)


@pytest.fixture
def van(tmp_path: Path, shift_template: Path) -> Fixture:
    return make_van(tmp_path, shift_template)


@pytest.fixture
def an_hour_in() -> Callable[[], datetime]:
    """The terminal's clock stands at 10:00 on the trip's day, an hour after the van opened."""
    return lambda: at(60)


async def as_captain(app: GovanApp, pilot: Pilot, ids: dict[str, int]) -> None:
    app.sign_in(staff.get_staff(app.store, ids["c1"]))
    await pilot.pause()
    await pilot.press("f4")
    await pilot.pause()


def lines_of(widget: Widget) -> str:
    """What a widget shows, as text, line by line (trailing spaces trimmed)."""
    return "\n".join(
        "".join(segment.text for segment in widget.render_line(y)).rstrip() for y in range(widget.size.height)
    )


def text_of(app: GovanApp, selector: str) -> str:
    return lines_of(app.screen.query_one(selector, Static))


def table_rows(app: GovanApp, selector: str) -> list[list[str]]:
    table = app.screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


async def answer(pilot: Pilot, key: str, text: str) -> None:
    """Press `key`, give `text` as the one-line answer it asks for, press Enter."""
    await pilot.press(key)
    pilot.app.screen.query_one(Input).value = text
    await pilot.press("enter")


async def until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 15) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out"
        await pilot.pause(0.05)


async def test_live_view_shows_the_hand_computed_figures(van: Fixture, an_hour_in: Callable[[], datetime]) -> None:
    app = GovanApp(van.config, connect=False, clock=an_hour_in)
    async with app.run_test(size=(120, 40)) as pilot:
        await as_captain(app, pilot, van.ids)
        assert isinstance(app.screen, CaptainScreen)
        title = text_of(app, "#captain-title")
        assert "新城社区党群服务中心 · 2026-11-20 定时定点 · 09:00 出车，已 1 小时 00 分 · 专员 3 人" in title
        queue = text_of(app, "#captain-tickets").split("\n")
        assert [line.split() for line in queue if line.strip().startswith(("A", "F", "合计"))] == [
            ["A", "公安", "7", "1", "5", "1"],
            ["F", "人力社保", "3", "0", "3", "0"],
            ["合计", "10", "1", "8", "1"],
        ]
        assert "等候时间：中位 6.0 分，P90 16.2 分" in queue[-1]
        cases = text_of(app, "#captain-cases")
        assert "办件 9 件" in cases and "现场办结 4 · 受理转办 2 · 未办成 2 · 咨询 1" in cases
        assert "办成率 75.0%" in cases and "中位 6.5 分，P90 10.3 分" in cases
        ratings = text_of(app, "#captain-ratings")
        assert "评价 7 条" in ratings and "满意率 71.4% · 好评率 57.1%" in ratings
        assert "差评 2 条，待跟进 2 条" in ratings and "意见建议 1 条" in ratings
        await answer(pilot, "g", "希望能刷医保卡")
        assert "意见建议 2 条" in text_of(app, "#captain-ratings")
        assert [s.text for s in db.ratings.list_suggestions(app.store, trip_id=1)] == [
            "希望增加周末服务",
            "希望能刷医保卡",
        ]
        assert text_of(app, "#captain-devices") == "本次出车设备无故障记录"
        # Trouble recorded while the trip is open shows up on the next refresh.
        # Kept as the daemon's code, worded in the staff's language; free text without a code is data.
        paper_out = Problem(Code.PRINTER_PAPER_OUT)
        incidents.record(app.store, "printer", "state", state="error", problem=paper_out, at=at(10).isoformat())
        incidents.record(app.store, "scanner", "error", detail="frame 0x1f", at=at(11).isoformat())
        await pilot.press("f5")
        devices = text_of(app, "#captain-devices")
        assert "09:10 打印机 故障 打印机缺纸" in devices and "09:11 扫码枪 出错 frame 0x1f" in devices


async def test_the_captain_only_and_in_english(
    tmp_path: Path, shift_template: Path, an_hour_in: Callable[[], datetime]
) -> None:
    fixture = make_van(tmp_path, shift_template, {"locale": "en"})
    app = GovanApp(fixture.config, connect=False, clock=an_hour_in)
    async with app.run_test(size=(120, 40)) as pilot:
        app.sign_in(staff.get_staff(app.store, fixture.ids["s1"]))
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        assert not isinstance(app.screen, CaptainScreen)  # staff have no captain's view
        app.sign_out()
        await pilot.pause()
        await as_captain(app, pilot, fixture.ids)
        assert "Completion rate 75.0%" in text_of(app, "#captain-cases")
        assert "Satisfaction 71.4% · praise 57.1%" in text_of(app, "#captain-ratings")
        paper_out = Problem(Code.PRINTER_PAPER_OUT)
        incidents.record(app.store, "printer", "state", state="error", problem=paper_out, at=at(10).isoformat())
        await pilot.press("f5")
        assert "09:10 Printer error the printer is out of paper" in text_of(app, "#captain-devices")
        # Departments by their English names, on screen and in the exported ranking.
        await pilot.press("e")
        assert isinstance(app.screen, EvaluationScreen)
        await pilot.press("w")
        assert [row[1] for row in table_rows(app, "#evaluation-table")][:2] == [
            "Public Security",
            "HR and Social Security",
        ]
        await pilot.press("ctrl+e")
        path = fixture.config.data_path / "exports" / "evaluation-department-2026-11-01-2026-11-20.csv"
        ranked = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        assert [row["name"] for row in ranked][:2] == ["Public Security", "HR and Social Security"]


async def test_summary_screen_has_every_part(van: Fixture, an_hour_in: Callable[[], datetime]) -> None:
    store = db.open_store(van.config.database_path)
    report.set_notes(store, 1, "下午雨大，人少", staff_id=van.ids["c1"])
    store.close()
    app = GovanApp(van.config, connect=False, clock=an_hour_in)
    async with app.run_test(size=(120, 40)) as pilot:
        await as_captain(app, pilot, van.ids)
        await pilot.press("s")
        assert isinstance(app.screen, SummaryScreen)
        parts = [lines_of(widget) for widget in app.screen.query(".summary-part")]
        head, figures, per_staff, bad, backoffice, suggestions, incidents_part, notes = parts
        assert "时间 09:00 起（已 1 小时 00 分）" in head and "1号窗 员工s1（A，配合度 5）" in head
        rows = {line.split()[0]: line.split()[1:] for line in figures.split("\n")[2:] if line.strip()}
        assert rows["办成率"] == ["75.0%", "80.0%", "66.7%"]
        assert rows["满意率"] == ["71.4%", "60.0%", "100.0%"]
        assert rows["好评率"] == ["57.1%", "40.0%", "100.0%"]
        assert rows["等候中位"] == ["6.0", "分", "10.0", "分", "4.0", "分"]
        assert rows["等候P90"][0] == "16.2" and rows["办理中位"][0] == "6.5" and rows["办理P90"][0] == "10.3"
        assert rows["实名差评回访率"][0] == "100.0%" and rows["本年下沉次数"] == ["1", "1", "1"]
        staff_rows = {line.split()[0]: line.split()[1:] for line in per_staff.split("\n")[2:] if line.strip()}
        assert staff_rows["取号"] == ["4", "3", "2"] and staff_rows["好评率"] == ["66.7%", "100.0%", "0.0%"]
        assert "A002  2 不满意" in bad and "已回访" in bad and "A004" in bad and "待回访" in bad
        assert "实名差评回访 1/1（100.0%，要求 100%）" in bad
        assert backoffice.startswith("后台流转") and "已送达后台 0，后台已受理 0" in backoffice  # nothing synced yet
        assert "希望增加周末服务" in suggestions
        assert "无记录" in incidents_part
        assert "下午雨大，人少" in notes
        charts = [lines_of(chart) for chart in app.screen.query("BarChart")]
        assert charts[0].split("\n")[1].split()[::2] == ["09:00", "10"]
        assert [line.split()[-1] for line in charts[1].split("\n")[1:]] == ["3", "2", "2", "2"]


async def test_captain_closes_the_trip_prints_the_short_summary_and_writes_the_exports(
    van_factory,  # noqa: ANN001
    tmp_path: Path,
    shift_template: Path,
) -> None:
    async with van_factory({"devices": {"printer": {"driver": "sim", "paper_width_mm": 58}}}) as daemon_van:
        config = daemon_van.config
        config.data_path.mkdir(parents=True, exist_ok=True)
        copy_store(shift_template, config.database_path)
        store = db.open_store(config.database_path)
        ids = {row["login"]: row["id"] for row in store.query("SELECT id, login FROM staff")}
        store.close()
        printer = daemon_van.runtime("printer").unit.emulator
        app = GovanApp(config)
        async with app.run_test(size=(120, 40)) as pilot:
            await until(
                pilot, lambda: app.link.status.daemon_online and app.link.status.devices["printer"].state == "ready"
            )
            await as_captain(app, pilot, ids)
            # The printer runs out of paper and comes back: the terminal records both.
            daemon_van.client.publish(daemon_van.topics.sim("printer", "paper"), PaperControl(state="out"))
            await until(pilot, lambda: len(incidents.between(app.store, "2026-01-01")) == 1)
            daemon_van.client.publish(daemon_van.topics.sim("printer", "paper"), PaperControl(state="ok"))
            await until(pilot, lambda: len(incidents.between(app.store, "2026-01-01")) == 2)
            await until(pilot, lambda: "打印机 故障 打印机缺纸" in text_of(app, "#captain-devices"))

            await pilot.press("c")
            assert isinstance(app.screen, TripCloseScreen)
            await pilot.press("down", "4")  # 员工s2 cooperated well this time
            await pilot.press("ctrl+s")  # one ticket still waits: confirm it becomes a no-show
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, SummaryScreen))
            (receipt,) = await printer.wait_for_receipts(1, timeout=15)
            await until(pilot, lambda: "汇总小票已打印" in text_of(app, "#summary-outcome"))
            # Underneath, the captain's view afresh: the list of trips, since this one is over.
            assert [type(screen).__name__ for screen in app.screen_stack[1:]] == ["CaptainScreen", "SummaryScreen"]
            assert "当前没有开启的出车" in lines_of(app.screen_stack[1].query_one("#captain-title", Static))

        printed = "\n".join(receipt.lines)
        assert receipt.cut
        for figure in (
            "出车工作汇总",
            "新城社区党群服务中心",
            "取号 10 已服务 8 过号 2",
            "办件 9 办成率 75.0%",
            "评价 7 满意率 71.4%",
            "好评率 57.1%",
            "差评 2 待跟进 2",
            "实名差评回访 1/1",
            "等候 中位6.0 分 P90 16.2 分",
            "办理 中位6.5 分 P90 10.3 分",
            "意见建议 1 条",
            "设备故障 1 次",
        ):
            assert figure in printed, figure

    exports = config.data_path / "exports"
    assert sorted(path.name for path in exports.iterdir()) == [
        "trip-0001-2026-11-20.csv",
        "trip-0001-2026-11-20.json",
        "trip-0001-2026-11-20.md",
    ]
    data = json.loads((exports / "trip-0001-2026-11-20.json").read_text(encoding="utf-8"))
    assert data["trip"]["status"] == "closed"
    assert (data["overall"]["tickets"], data["overall"]["no_shows"], data["overall"]["waiting"]) == (10, 2, 0)
    assert data["overall"]["completion_rate"] == pytest.approx(0.75)
    assert [(i["device"], i["state"], i["problem"], i["detail"]) for i in data["incidents"]] == [
        ("printer", "error", {"code": "printer.paper_out", "params": {}}, ""),
        ("printer", "ready", None, ""),
    ]
    assert [member["cooperation"] for member in data["crew"]] == [5, 4, 4]
    rows = list(csv.DictReader(io.StringIO((exports / "trip-0001-2026-11-20.csv").read_text(encoding="utf-8-sig"))))
    overall = {row["metric"]: row["value"] for row in rows if row["section"] == "overall"}
    assert (overall["served"], float(overall["satisfaction_rate"])) == ("8", pytest.approx(5 / 7))
    markdown = (exports / "trip-0001-2026-11-20.md").read_text(encoding="utf-8")
    assert "| 好评率 | 57.1% | 40.0% | 100.0% |" in markdown  # in the staff's language
    assert "| 打印机 | 故障 | 打印机缺纸 |" in markdown  # heard at the real time
    # Stored and queued for the back office, exactly what was exported.
    store = db.open_store(config.database_path)
    (message,) = [m for m in db.outbox.pending(store) if m.kind == "trip.summary"]
    assert message.payload["overall"] == data["overall"]
    assert trips.get_trip(store, 1).status == "closed"
    store.close()


async def test_a_trip_with_someone_being_served_cannot_close(van: Fixture, an_hour_in: Callable[[], datetime]) -> None:
    store = db.open_store(van.config.database_path)
    ticket = db.call_next(store, 1, "1", now=at(55))
    assert ticket is not None
    db.start_service(store, ticket.id, now=at(55))
    store.close()
    app = GovanApp(van.config, connect=False, clock=an_hour_in)
    async with app.run_test(size=(120, 40)) as pilot:
        await as_captain(app, pilot, van.ids)
        await pilot.press("c")
        assert "1 人正在办理：请先办结" in text_of(app, "#close-check")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, TripCloseScreen)
        assert trips.get_trip(app.store, 1).status == "open"
        await pilot.press("n")  # the notes can still be written
        app.screen.query_one(TextArea).insert("车多人少")
        await pilot.press("ctrl+s")
        assert "备注：车多人少" in text_of(app, "#close-notes")
        assert report.notes(app.store, 1) == "车多人少"


async def test_follow_ups_overdue_in_red_and_every_step_by_keys(van: Fixture) -> None:
    # Saturday 28 November: both 差评 were due on Friday the 27th.
    app = GovanApp(van.config, connect=False, clock=lambda: at(8 * 24 * 60))
    async with app.run_test(size=(120, 40)) as pilot:
        await as_captain(app, pilot, van.ids)
        await pilot.press("u")
        assert isinstance(app.screen, FollowUpsScreen)
        figure = text_of(app, "#followups-figure")
        assert "2026年实名差评回访率 1/1 = 100.0%（要求 100%）" in figure and "待办 2 条，逾期 2 条" in figure
        assert [row[:2] for row in table_rows(app, "#followups-table")] == [
            ["2026-11-27 逾期", "A002"],
            ["2026-11-27 逾期", "A004"],
        ]
        deadline = app.screen.query_one(DataTable).get_row_at(0)[0]
        assert "red" in str(deadline.style)
        # A002 was called back already: the fix, then the report back, closes it.
        await pilot.press("b")
        assert isinstance(app.screen, FollowUpsScreen)  # no second callback
        await answer(pilot, "x", "增加窗口")
        await answer(pilot, "r", "已电话告知")
        assert [row[1] for row in table_rows(app, "#followups-table")] == ["A004"]
        # The anonymous A004: callback, fix, report back.
        await pilot.press("b", *"ok", "enter")  # typed, as a person would
        assert table_rows(app, "#followups-table")[0][2] == "已回访"
        assert "回访" in text_of(app, "#followups-detail") and "ok" in text_of(app, "#followups-detail")
        await answer(pilot, "x", "调整排队")
        await answer(pilot, "r", "已反馈")
        assert table_rows(app, "#followups-table") == []
        assert "待办 0 条，逾期 0 条" in text_of(app, "#followups-figure")
        await pilot.press("a")  # the closed ones, green
        assert [row[2] for row in table_rows(app, "#followups-table")] == ["已反馈", "已反馈"]
        assert "2026-11-27 逾期" not in [row[0] for row in table_rows(app, "#followups-table")]
    store = db.open_store(van.config.database_path)
    assert [f.status for f in db.list_follow_ups(store, open_only=False)] == ["closed", "closed"]
    store.close()


async def test_a_named_bad_review_is_called_back_first_and_its_number_shown_on_request(van: Fixture) -> None:
    store = db.open_store(van.config.database_path)
    citizen = db.find_or_create_citizen(store, id_number("19900101"), name="王小明", phone="13812345678", now=at(50))
    ticket = db.issue_ticket(store, 1, category="F", citizen_id=citizen.id, now=at(50))
    assert db.call_next(store, 1, "2", now=at(51)) == db.get_ticket(store, ticket.id)
    db.finish(store, db.start_service(store, ticket.id, now=at(51)).id, now=at(55))
    db.rate(store, ticket.id, 1, named=True, comment="窗口态度差", now=at(56))
    store.close()
    app = GovanApp(van.config, connect=False, clock=lambda: at(120))
    async with app.run_test(size=(120, 40)) as pilot:
        await as_captain(app, pilot, van.ids)
        await pilot.press("u")
        table = app.screen.query_one(DataTable)
        row = next(i for i, line in enumerate(table_rows(app, "#followups-table")) if line[1] == ticket.label)
        table.move_cursor(row=row)
        await pilot.pause()
        detail = text_of(app, "#followups-detail")
        assert "意见：窗口态度差" in detail and "回访电话：138****5678" in detail and "13812345678" not in detail
        keys = app.screen.active_bindings
        assert keys["b"].enabled and not keys["x"].enabled and not keys["r"].enabled  # the callback comes first
        await pilot.press("x")
        assert not isinstance(app.screen, AskText)
        await pilot.press("p")
        assert "回访电话：13812345678（已记入审计日志）" in text_of(app, "#followups-detail")
        (read,) = [
            entry
            for entry in db.audit.entries(app.store, subject="citizen", subject_id=citizen.id)
            if entry.detail.startswith("phone")
        ]
        assert read.staff_id == van.ids["c1"]
        await answer(pilot, "b", "已致电道歉，说明情况")
        assert "回访 11-20 11:00 员工c1：已致电道歉，说明情况" in text_of(app, "#followups-detail")
        assert app.screen.active_bindings["x"].enabled


async def test_evaluation_ranks_switches_and_exports_csv(van: Fixture, an_hour_in: Callable[[], datetime]) -> None:
    app = GovanApp(van.config, connect=False, clock=an_hour_in)
    async with app.run_test(size=(120, 40)) as pilot:
        await as_captain(app, pilot, van.ids)
        await pilot.press("e")
        assert isinstance(app.screen, EvaluationScreen)
        assert "考评（专员）：2026-11-01 至 2026-11-20" in text_of(app, "#evaluation-head")
        assert "权重：下沉次数 0.15 · 办件 0.15 · 办成率 0.2" in text_of(app, "#evaluation-head")
        rows = table_rows(app, "#evaluation-table")
        assert [row[:2] for row in rows] == [["1", "员工s1"], ["2", "员工s2"], ["3", "员工s3"]]
        assert rows[0][2:] == ["1", "3", "100.0%", "100.0%", "66.7%", "5.0", "95.0"]
        await pilot.press("ctrl+e")
        path = van.config.data_path / "exports" / "evaluation-staff-2026-11-01-2026-11-20.csv"
        ranked = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        assert [(row["rank"], row["name"]) for row in ranked] == [("1", "员工s1"), ("2", "员工s2"), ("3", "员工s3")]
        assert float(ranked[0]["score"]) == pytest.approx(95.0)
        await pilot.press("w")  # windows, by department
        assert [row[1] for row in table_rows(app, "#evaluation-table")][:2] == ["公安", "人力社保"]
        await answer(pilot, "p", "2026-12-01 2026-12-31")
        assert table_rows(app, "#evaluation-table") == []
        assert text_of(app, "#evaluation-outcome") == "这段时间没有出车记录"
        await answer(pilot, "p", "2026-12-31 2026-12-01")
        assert "起日不晚于止日" in text_of(app, "#evaluation-outcome")


async def test_past_trips_come_a_page_at_a_time_as_the_cursor_goes_down(
    van: Fixture, an_hour_in: Callable[[], datetime]
) -> None:
    store = db.open_store(van.config.database_path)
    db.close_trip(store, 1, closed_by=van.ids["c1"], abandon_waiting=True, now=at(60) - timedelta(minutes=1))
    first_day = date(2025, 1, 1)
    for day in range(45):  # 46 trips in all: three pages
        db.plan_trip(store, first_day + timedelta(days=day), 1, van.ids["c1"])
    store.close()
    app = GovanApp(van.config, connect=False, clock=an_hour_in)
    async with app.run_test(size=(80, 24)) as pilot:
        await as_captain(app, pilot, van.ids)
        dates = [row[0] for row in table_rows(app, "#captain-trips")]
        assert dates[:2] == ["2026-11-20", "2025-02-14"] and len(dates) == 20
        await pilot.press("ctrl+end")
        await until(pilot, lambda: len(table_rows(app, "#captain-trips")) == 40)
        await pilot.press("ctrl+end")
        await until(pilot, lambda: len(table_rows(app, "#captain-trips")) == 46)
        assert table_rows(app, "#captain-trips")[-1][0] == "2025-01-01"


async def test_without_an_open_trip_the_captain_picks_a_past_summary(
    van: Fixture, an_hour_in: Callable[[], datetime]
) -> None:
    store = db.open_store(van.config.database_path)
    db.close_trip(store, 1, closed_by=van.ids["c1"], abandon_waiting=True, now=at(60) - timedelta(minutes=1))
    store.close()
    app = GovanApp(van.config, connect=False, clock=an_hour_in)
    async with app.run_test(size=(80, 24)) as pilot:
        await as_captain(app, pilot, van.ids)
        assert isinstance(app.screen, CaptainScreen)
        assert table_rows(app, "#captain-trips") == [["2026-11-20", "新城社区党群服务中心", "定时定点", "已收车"]]
        await pilot.press("enter")
        assert isinstance(app.screen, SummaryScreen)
        assert "已收车" in lines_of(app.screen.query(".summary-part").first())
        await pilot.press("x", "down", "enter")  # CSV
        assert "已导出 trip-0001-2026-11-20.csv" in text_of(app, "#summary-outcome")
        assert (van.config.data_path / "exports" / "trip-0001-2026-11-20.csv").exists()
        await pilot.press("escape")
        assert isinstance(app.screen, CaptainScreen)
