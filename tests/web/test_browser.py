"""The hall in a real browser: Debian's chromium, headless, driven by Playwright, against `govan web`
running as its own process, while a window calls numbers through the flows (the store, then
the announcement on the van's broker) exactly as a terminal does.

No timing is asserted: each wait has a generous liveness bound (LIVENESS_S), and says what
was missing when it runs out. Screenshots are kept in tests/artefacts/ for a person to look at.
"""

from __future__ import annotations

import asyncio
import math
from pathlib import Path
from typing import Any

import pytest

from daemon.client import DaemonClient
from db import demo, ratings, tickets, trips
from db.connection import open_store
from flows.announce import Announcer
from flows.van import Van
from govan import config as config_module
from tests.support.hall import LIVENESS_S, WebProcess, artefact, browser_page, get, hall_van, require_chromium
from tests.support.net import free_port
from tests.support.van import running_daemon, write_config
from tests.web.glyphs import ink_height

# Readable from 5 m: a glyph should subtend 20 minutes of arc (a common legibility floor for
# signs), 29 mm at 5 m; on a 55-inch 1080p screen a pixel is 0.634 mm, so 46 px.
VIEWING_MM, ARC_MINUTES, SCREEN_INCHES = 5000, 20, 55
PIXEL_MM = SCREEN_INCHES * 25.4 * 9 / math.hypot(16, 9) / 1080
MIN_GLYPH_PX = math.ceil(2 * VIEWING_MM * math.tan(math.radians(ARC_MINUTES / 60 / 2)) / PIXEL_MM)


@pytest.fixture(autouse=True)
def _chromium() -> None:
    require_chromium()


async def _until_text(page: Any, selector: str, text: str, what: str) -> None:
    try:
        await page.wait_for_function(
            "([selector, text]) => { const node = document.querySelector(selector);"
            " return node !== null && node.offsetParent !== null && node.textContent.includes(text); }",
            arg=[selector, text],
            timeout=LIVENESS_S * 1000,
        )
    except Exception as error:
        shown = await page.evaluate("(s) => document.querySelector(s)?.textContent", selector)
        raise AssertionError(f"{what}: {selector} never showed {text!r}; it shows {shown!r}") from error


async def _until_visible(page: Any, selector: str, visible: bool, what: str) -> None:
    state = "visible" if visible else "hidden"
    try:
        await page.wait_for_selector(selector, state=state, timeout=LIVENESS_S * 1000)
    except Exception as error:
        raise AssertionError(f"{what}: {selector} did not become {state}") from error


async def test_a_call_reaches_the_board_and_the_phone_page_further_back_counts_down_to_its_window(
    tmp_path: Path,
) -> None:
    async with hall_van(tmp_path) as hall, browser_page(1920, 1080) as board, browser_page(360, 640) as phone:
        issued = [hall.issue() for _ in range(4)]  # A001-A004, all for window 1 (公安)
        await board.goto(f"{hall.web.url}/board")
        await phone.goto(hall.page_url(issued[2]))
        await _until_text(phone, "#number", "A003", "the phone page names its ticket")
        await _until_text(phone, "#headline", "前面还有 2 人", "the phone page counts the people ahead")
        await _until_text(board, "#waiting", "4人", "the board counts who waits")
        await phone.screenshot(path=artefact("phone-waiting.png"))

        first = hall.call("1")
        await _until_text(board, "#hero .number", first.label, "the board shows the call")
        await _until_text(board, "#hero .window", "请到 1 号窗口", "the board shows the call's window")
        await _until_text(phone, "#headline", "前面还有 1 人", "the phone page counts down")
        hall.serve_and_finish(first)
        second = hall.call("1")
        await _until_text(board, "#hero .number", second.label, "the board shows the next call")
        await _until_text(board, "#recent", first.label, "the board keeps the last calls")
        await _until_text(phone, "#headline", "下一位就是您", "the phone page says it is next")
        hall.serve_and_finish(second)

        third = hall.call("1")
        assert third.label == "A003"
        await _until_text(phone, "#headline", "请到 1 号窗口", "the phone page shows the window when called")
        assert "called" in await phone.get_attribute("#state", "class")
        await _until_text(board, "#hero .number", "A003", "the board shows the phone's ticket called")
        await phone.screenshot(path=artefact("phone-called.png"))
        await board.screenshot(path=artefact("board.png"))


async def test_the_board_reads_from_five_metres(tmp_path: Path) -> None:
    """Every text a person must read has ink at least MIN_GLYPH_PX tall, measured on the screenshot."""
    async with hall_van(tmp_path) as hall, browser_page(1920, 1080) as board:
        for item in ("hukou_certificate", "hukou_certificate", "social_insurance_enrol", "social_insurance_enrol"):
            hall.issue(item)
        await board.goto(f"{hall.web.url}/board")
        first, other = hall.call("1"), hall.call("2")
        hall.serve_and_finish(first)
        newest = hall.call("1")
        await _until_text(board, "#hero .number", newest.label, "the board shows the newest call")
        await _until_text(board, "#calls", other.label, "the board keeps the other call")
        await _until_text(board, "#recent", first.label, "the board lists the last calls")
        await board.wait_for_timeout(300)  # the page has painted what it was sent
        heights = {}
        for name, selector in (
            ("newest number", "#hero .number"),
            ("its window", "#hero .window"),
            ("another call", "#calls .number"),
            ("last calls", "#recent .number"),
            ("waiting", "#waiting li"),
            ("stop name", "h1"),
            ("clock", "#clock"),
        ):
            heights[name] = ink_height(await board.locator(selector).first.screenshot())
        await board.screenshot(path=artefact("board-five-metres.png"))
        print(f"ink heights (px): {heights}")  # for docs/hall.md
        small = {name: height for name, height in heights.items() if height < MIN_GLYPH_PX}
        assert small == {}, (
            f"glyphs under {MIN_GLYPH_PX} px (20 arcmin at 5 m on a {SCREEN_INCHES}-inch screen): {heights}"
        )
        assert heights["newest number"] >= 3 * MIN_GLYPH_PX, heights


async def test_the_board_says_when_govan_web_is_gone_and_recovers_by_itself(tmp_path: Path) -> None:
    async with hall_van(tmp_path) as hall, browser_page(1920, 1080) as board:
        hall.issue()
        hall.issue()
        await board.goto(f"{hall.web.url}/board")
        await _until_text(board, "#waiting", "2人", "the board is live")
        await _until_visible(board, "#offline", False, "a live board has no 连接中断")
        assert hall.web.stop() == 0, "govan web stops cleanly on SIGTERM with status 0"
        await _until_visible(board, "#offline", True, "the board says 连接中断 while govan web is gone")
        assert "连接中断" in await board.text_content("#offline")
        await board.screenshot(path=artefact("board-disconnected.png"))
        called = hall.call("1")  # meanwhile the queue moves on
        await hall.web.start()
        await _until_visible(board, "#offline", False, "the board reconnects by itself")
        await _until_text(board, "#hero .number", called.label, "the board catches up with what happened meanwhile")


async def test_the_phone_rates_the_visit_once_and_the_rating_reaches_the_store_with_its_follow_up(
    tmp_path: Path,
) -> None:
    async with hall_van(tmp_path) as hall, browser_page(360, 640) as phone:
        ticket = hall.issue()
        await phone.goto(hall.page_url(ticket))
        called = hall.call("1")
        await _until_text(phone, "#headline", "请到 1 号窗口", "called")
        hall.serve_and_finish(called)
        await _until_visible(phone, "#rate", True, "the phone page offers the rating once the visit has ended")
        assert await phone.locator(".level.chosen").count() == 0, "nothing is chosen before the person taps"
        await phone.screenshot(path=artefact("phone-rate.png"))
        await phone.get_by_role("button", name="不满意", exact=True).click()
        await _until_visible(phone, "#comment", True, "a 差评 asks what went wrong")
        await phone.fill("#comment", "等了很久")
        await phone.click("#send")
        await _until_text(phone, "#detail", "感谢您的评价", "the phone page thanks the person")
        await _until_text(phone, "#detail", "跟进", "and says a 差评 is followed up")
        await _until_visible(phone, "#rate", False, "the rating is offered once")
        await phone.reload()
        await _until_text(phone, "#detail", "感谢您的评价", "the page still says it was rated")
        assert await phone.locator("#rate").is_hidden(), "and offers no second rating"
        (row,) = hall.store.query("SELECT * FROM ratings WHERE ticket_id = ?", [ticket.id])
        assert (row["score"], row["comment"], row["staff_id"]) == (2, "等了很久", called.staff_id)
        (follow_up,) = hall.store.query("SELECT * FROM follow_ups WHERE rating_id = ?", [row["id"]])
        assert follow_up["status"] == "open"
        assert ratings.get_rating(hall.store, row["id"]).named is False  # no ID card was read on this visit


async def test_the_window_tablet_follows_its_window_and_rates_the_visit_that_ended(tmp_path: Path) -> None:
    async with hall_van(tmp_path) as hall, browser_page(800, 1280) as tablet:
        hall.issue()
        await tablet.goto(f"{hall.web.url}/rate/1")
        await _until_text(tablet, "#headline", "欢迎", "an idle window")
        called = hall.call("1")
        await _until_text(tablet, "#headline", f"{called.label} 正在办理", "the tablet follows the visit")
        hall.serve_and_finish(called)
        await _until_visible(tablet, "#rate", True, "the tablet offers the rating when the visit ends")
        await tablet.get_by_role("button", name="非常满意", exact=True).click()
        await tablet.click("#send")
        await _until_text(tablet, "#headline", "感谢您的评价", "the tablet thanks the person")
        (row,) = hall.store.query("SELECT score FROM ratings WHERE ticket_id = ?", [called.id])
        assert row["score"] == 5
        await tablet.screenshot(path=artefact("tablet-rated.png"))


async def test_without_event_streams_the_phone_page_polls_and_still_counts_down(tmp_path: Path) -> None:
    async with hall_van(tmp_path) as hall, browser_page(360, 640) as phone:
        issued = [hall.issue() for _ in range(3)]
        await phone.add_init_script("delete window.EventSource;")
        await phone.goto(hall.page_url(issued[2]))
        await _until_text(phone, "#headline", "前面还有 2 人", "the polled page")
        hall.call("1")
        await _until_text(phone, "#headline", "前面还有 1 人", "the polled page counts down")


async def test_the_pages_come_from_govan_web_alone_and_weigh_under_100_kb(tmp_path: Path) -> None:
    async with hall_van(tmp_path) as hall, browser_page(1920, 1080) as board:
        ticket = hall.issue()
        weights: dict[str, int] = {}
        requested: list[str] = []

        async def weigh(response: Any) -> None:
            requested.append(response.url)
            if "/events" not in response.url and "/api/" not in response.url:
                weights[response.url] = len(await response.body())

        board.on("response", lambda response: asyncio.ensure_future(weigh(response)))
        for url in (f"{hall.web.url}/board", hall.page_url(ticket), f"{hall.web.url}/rate/1"):
            weights.clear()
            await board.goto(url, wait_until="networkidle" if "/board" not in url else "load")
            await board.wait_for_timeout(500)
            total = sum(weights.values())
            assert 0 < total <= 100 * 1024, f"{url}: {total} bytes in {weights}"
        outside = [url for url in requested if not url.startswith(hall.web.url)]
        assert outside == [], "nothing is fetched from anywhere but govan web (no CDN)"


async def test_an_unknown_or_expired_token_gets_a_clear_page(tmp_path: Path) -> None:
    async with hall_van(tmp_path) as hall, browser_page(360, 640) as phone:
        for token in ("NoSuchTicketToken1", "%3Cscript%3E"):
            response = await phone.goto(f"{hall.web.url}/t/{token}")
            assert response.status == 404
            assert "没有找到这张号票" in await phone.text_content("body")
        assert get(f"{hall.web.url}/api/ticket/NoSuchTicketToken1")[0] == 404
        ticket = hall.issue()
        url = hall.page_url(ticket)
        closed = trips.close_trip(hall.store, hall.trip_id, closed_by=hall.fv.staff_id("c01"), abandon_waiting=True)
        Announcer(hall.fv.van).trip(closed, "closed")
        status, place = get(f"{hall.web.url}/api/ticket/{url.rsplit('/', 1)[1]}")
        for _ in range(int(LIVENESS_S * 10)):  # govan web hears the trip close
            if place["status"] == "expired":
                break
            await asyncio.sleep(0.1)
            status, place = get(f"{hall.web.url}/api/ticket/{url.rsplit('/', 1)[1]}")
        assert (status, place["status"], place["number"]) == (200, "expired", ticket.label)
        response = await phone.goto(url)
        assert response.status == 410
        assert "号票已过期" in await phone.text_content("body")
        await phone.screenshot(path=artefact("phone-expired.png"))


async def test_the_board_says_when_the_broker_is_gone_and_recovers_by_itself(tmp_path: Path) -> None:
    port = free_port()
    devices = {name: {"driver": "sim"} for name in ("idreader", "scanner", "printer", "camera")}
    config_path = write_config(tmp_path, {"devices": devices, "web": {"listen": f"127.0.0.1:{port}"}})
    config = config_module.load(config_path)
    config.data_path.mkdir(parents=True, exist_ok=True)
    store = open_store(config.database_path)
    data = demo.load(store, tz=config.tz)
    web = WebProcess(config_path, port)
    daemon = running_daemon(config)
    await daemon.__aenter__()
    client = DaemonClient(config)
    await client.start()
    van = Van(store, config, client)
    try:
        await web.start()
        async with browser_page(1920, 1080) as board:
            ticket = tickets.issue_ticket(store, data.trip_id, category="A")
            Announcer(van).ticket(ticket, "issued")
            await board.goto(f"{web.url}/board")
            await _until_text(board, "#waiting", "1人", "the board is live")
            await daemon.__aexit__(None, None, None)  # the daemon stops, and its embedded broker with it
            daemon = None
            await _until_visible(board, "#offline", True, "the board says 连接中断 while the broker is gone")
            assert (await asyncio.to_thread(get, f"{web.url}/healthz"))[1] == {
                "status": "degraded",
                "mqtt": "disconnected",
            }
            daemon = running_daemon(config)
            await daemon.__aenter__()
            await _until_visible(board, "#offline", False, "govan web reconnects by itself")
            called = tickets.call_next(store, data.trip_id, "1")
            Announcer(van).ticket(called, "called")
            await _until_text(board, "#hero .number", called.label, "calls reach the board again")
    finally:
        web.stop()
        await client.close()
        if daemon is not None:
            await daemon.__aexit__(None, None, None)
        store.close()
