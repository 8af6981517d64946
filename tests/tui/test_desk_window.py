"""The ticket desk and the window, end to end: real store, real daemon with sim devices, real broker.

What is asserted is what staff see: the rendered screen, the footer's keys, the printed slip.
"""

from __future__ import annotations

from pathlib import Path

from db import tickets
from flows import claims
from tests.tui.harness import TuiVan, footer_keys, screen_text, signed_in, tui_van, until
from tui.app import GovanApp


def _tickets(van: TuiVan) -> list[tickets.Ticket]:
    return tickets.list_tickets(van.store, van.demo.trip_id)


def _key_item(app: GovanApp, key: str) -> str:
    """The item a number key issues for, as the desk's key list shows it ("1 居住证申领")."""
    line = next(line for line in screen_text(app).splitlines() if f" {key} " in f" {line} ")
    words = line.split(f"{key} ", 1)[1].split()
    return words[0]


async def desk_ready(app: GovanApp, pilot, van: TuiVan) -> None:  # noqa: ANN001
    """Signed in at the desk, which holds the shared reader and the scanner."""
    await signed_in(app, pilot, van, van.desk_login)
    await until(
        pilot,
        lambda: claims.holder(app.van, "idreader").mine and claims.holder(app.van, "scanner").mine,
        what="the desk's reader and scanner",
    )


async def test_issue_a_ticket_and_the_printed_slip_has_number_and_item(tmp_path: Path) -> None:
    async with tui_van(tmp_path) as van:
        app = GovanApp(van.config)
        async with app.run_test(size=(80, 24)) as pilot:
            await desk_ready(app, pilot, van)
            item = _key_item(app, "1")
            await pilot.press("1")
            await until(pilot, lambda: van.receipts, what="the slip")
            receipt = van.receipts[-1]
            ticket = _tickets(van)[0]
            assert ticket.label in receipt.lines and item in receipt.lines
            assert "龙港市流动政务客厅" in receipt.lines and receipt.cut
            await until(pilot, lambda: "已打印" in screen_text(app), what="the print state")
            assert ticket.label in screen_text(app)


async def test_appointment_scan_gives_a_priority_ticket_ahead_of_walk_ins(tmp_path: Path) -> None:
    async with tui_van(tmp_path) as van:
        desk = GovanApp(van.config)
        async with desk.run_test(size=(80, 24)) as pilot:
            await desk_ready(desk, pilot, van)
            # Two walk-ins for 居住证 (queue A) first, found by the command palette's search.
            desk.screen.choose_item("residence_permit")
            desk.screen.choose_item("residence_permit")
            await until(pilot, lambda: len(_tickets(van)) == 2)
            van.sim("scanner", "scan", {"code": f"GOVAN-APPT:{van.demo.checkin_codes[0]}"})
            await until(pilot, lambda: len(_tickets(van)) == 3, what="the appointment's ticket")
            await until(pilot, lambda: "A003" in screen_text(desk) and "预约" in screen_text(desk))
        window = GovanApp(van.config)
        async with window.run_test(size=(80, 24)) as pilot:
            await signed_in(window, pilot, van, van.window_login("1"))
            await pilot.press("n")
            await until(pilot, lambda: "预约" in screen_text(window) and "已叫 1 次" in screen_text(window))
            assert "居住证" in screen_text(window)
        assert tickets.get_ticket(van.store, 3).window == "1"  # the appointment, ahead of both walk-ins


async def test_a_call_in_one_terminal_shows_in_another(tmp_path: Path) -> None:
    async with tui_van(tmp_path) as van:
        tickets.issue_ticket(van.store, van.demo.trip_id, item_code="residence_permit")
        first, second = GovanApp(van.config), GovanApp(van.config)
        async with first.run_test(size=(80, 24)) as pilot_one, second.run_test(size=(80, 24)) as pilot_two:
            await signed_in(first, pilot_one, van, van.window_login("1"))
            await signed_in(second, pilot_two, van, van.desk_login)
            assert "等候" in screen_text(second) and "已叫号" not in screen_text(second)
            await pilot_one.press("n")
            await until(pilot_two, lambda: "已叫号" in screen_text(second), timeout=5, what="the call at the desk")


async def test_a_slip_that_did_not_print_says_so_and_staff_write_it_down_cancel_it_or_reprint_it(
    tmp_path: Path,
) -> None:
    """Defect 8: 该号未计为已发放, yet the ticket was in the queue and was called."""
    async with tui_van(tmp_path) as van:
        app = GovanApp(van.config)
        async with app.run_test(size=(80, 24)) as pilot:
            await desk_ready(app, pilot, van)
            van.sim("printer", "paper", {"state": "out"})
            await until(pilot, lambda: app.link.status.devices["printer"].state == "error")
            await pilot.press("1")
            await until(pilot, lambda: "该号暂不叫号、不计入等候" in screen_text(app), what="the held ticket")
            text = screen_text(app)
            assert "未打印：打印机缺纸" in text and "R 重打 W 手写交付 C 作废" in text
            assert "w 手写交付" in footer_keys(app) and "c 作废" in footer_keys(app)
            assert "等候人数  0" in text  # not counted
            await pilot.press("w")
            await until(pilot, lambda: "已手写交付，已排队" in screen_text(app), what="handed over in writing")
            assert "等候人数  A 1" in screen_text(app) and "w 手写交付" not in footer_keys(app)
            assert _tickets(van)[0].print_state == "written"

            await pilot.press("1")
            await until(pilot, lambda: "该号暂不叫号" in screen_text(app), what="the second held ticket")
            await pilot.press("c")
            await until(pilot, lambda: "已作废，不叫号" in screen_text(app), what="cancelled")
            assert [ticket.status for ticket in _tickets(van)] == ["waiting", "cancelled"]

            await pilot.press("1")
            await until(pilot, lambda: "该号暂不叫号" in screen_text(app), what="the third held ticket")
            van.sim("printer", "paper", {"state": "ok"})
            await until(pilot, lambda: app.link.status.devices["printer"].state == "ready")
            await pilot.press("r")
            await until(pilot, lambda: "已重打" in screen_text(app), what="reprinted")
            assert len(van.receipts) == 1 and "A003" in van.receipts[0].lines
            assert "等候人数  A 2" in screen_text(app)


async def test_the_window_recalls_puts_back_marks_no_show_transfers_with_an_item_and_starts_service(
    tmp_path: Path,
) -> None:
    async with tui_van(tmp_path, {"service": {"defer_places": 1}}) as van:
        first = tickets.issue_ticket(van.store, van.demo.trip_id, item_code="residence_permit")
        second = tickets.issue_ticket(van.store, van.demo.trip_id, item_code="residence_permit")
        app = GovanApp(van.config)
        async with app.run_test(size=(80, 24)) as pilot:
            await signed_in(app, pilot, van, van.window_login("1"))
            assert "y 过号顺延" not in footer_keys(app)
            await pilot.press("n")
            await until(pilot, lambda: "A001" in screen_text(app) and "已叫 1 次" in screen_text(app))
            await pilot.press("r")
            await until(pilot, lambda: "已叫 2 次" in screen_text(app))
            # 过号顺延, beside no-show: A001 goes back one place.
            assert {"x 过号", "y 过号顺延"} <= set(footer_keys(app))
            await pilot.press("y")
            await until(pilot, lambda: "空闲：按 N 叫下一位" in screen_text(app), what="the window free")
            await pilot.press("n")
            await until(pilot, lambda: "A002" in screen_text(app), what="A002 first")
            await pilot.press("x")
            await until(pilot, lambda: "空闲" in screen_text(app))
            assert tickets.get_ticket(van.store, second.id).status == "no_show"
            await pilot.press("n")
            await until(pilot, lambda: "A001" in screen_text(app) and "已顺延 1 次" in screen_text(app))

            # Transfer to queue F (人力社保) for one of its items: a new number, printed with that item.
            await pilot.press("t")
            await until(pilot, lambda: type(app.screen).__name__ == "Choose")
            await until(pilot, lambda: "F类 人力社保（重新取号）" in screen_text(app))
            options = app.screen.query_one("OptionList")
            options.highlighted = next(
                i for i in range(options.option_count) if options.get_option_at_index(i).id == "queue:F"
            )
            await pilot.press("enter")
            await until(pilot, lambda: "F类 人力社保：办理哪个事项？" in screen_text(app), what="the items of F")
            options = app.screen.query_one("OptionList")
            options.highlighted = next(
                i for i in range(options.option_count) if options.get_option_at_index(i).id == "social_insurance_enrol"
            )
            await pilot.press("enter")
            await until(pilot, lambda: tickets.get_ticket(van.store, first.id).status == "transferred")
            await until(pilot, lambda: any("F001" in receipt.lines for receipt in van.receipts), what="the slip")
            slip = next(receipt for receipt in van.receipts if "F001" in receipt.lines)
            assert "灵活就业人员社保参保登记" in slip.lines
            await until(pilot, lambda: "空闲" in screen_text(app))
        at_two = GovanApp(van.config)
        async with at_two.run_test(size=(80, 24)) as pilot:
            await signed_in(at_two, pilot, van, van.window_login("2"))
            await pilot.press("n")
            await until(pilot, lambda: "F001" in screen_text(at_two), what="F001 at window 2")
            assert "事项：灵活就业人员社保参保登记" in screen_text(at_two)  # it was 事项：— (defect 5)
            assert "s 开始办理" in footer_keys(at_two)
            await pilot.press("s")
            await until(pilot, lambda: type(at_two.screen).__name__ == "IntakeScreen", what="intake")


async def test_captain_opens_todays_trip(tmp_path: Path) -> None:
    from db import trips

    async with tui_van(tmp_path) as van:
        trip = trips.current_trip(van.store)
        trips.close_trip(van.store, trip.id, closed_by=trip.captain_id, abandon_waiting=True)
        app = GovanApp(van.config)
        async with app.run_test(size=(80, 24)) as pilot:
            captain = next(login.login for login in van.demo.logins if login.role == "captain")
            await signed_in(app, pilot, van, captain)
            assert type(app.screen).__name__ == "NoTripScreen"
            await pilot.press("o")
            await until(pilot, lambda: type(app.screen).__name__ == "TripSetupScreen")
            setup = app.screen
            seated = {person: (seat.window, seat.categories) for person, seat in setup.flow.seats.items()}
            assert seated, "staff with a department start seated at their department's letter"
            await pilot.press("ctrl+s")
            await until(pilot, lambda: trips.current_trip(van.store) is not None)
        opened = trips.current_trip(van.store)
        assert {member.staff_id: (member.window, member.categories) for member in opened.crew} == seated


async def test_staff_without_an_open_trip_are_told_and_follow_a_trip_opened_elsewhere(tmp_path: Path) -> None:
    from db import trips
    from flows.announce import Announcer

    async with tui_van(tmp_path) as van:
        trip = trips.current_trip(van.store)
        trips.close_trip(van.store, trip.id, closed_by=trip.captain_id, abandon_waiting=True)
        app = GovanApp(van.config)
        async with app.run_test(size=(80, 24)) as pilot:
            await signed_in(app, pilot, van, van.window_login("1"))
            assert type(app.screen).__name__ == "NoTripScreen"
            await pilot.press("o")
            await pilot.pause()
            assert type(app.screen).__name__ == "NoTripScreen"
            assert app.check_action("desk", ()) is False
            # The captain opens one on another terminal: this one goes to its window.
            reopened = trips.plan_trip(van.store, trip.trip_date, trip.stop_id, trip.captain_id, "fixed")
            for member in trip.crew:
                trips.set_crew(van.store, reopened.id, member.staff_id, member.window, member.categories)
            Announcer(app.van).trip(trips.open_trip(van.store, reopened.id), "opened")
            await until(pilot, lambda: type(app.screen).__name__ == "WindowScreen", what="the window")


async def test_item_search_finds_items_by_pinyin_initials(tmp_path: Path) -> None:
    from flows.items import initials
    from tui.item_search import ItemSearch

    assert initials("居住证申领") == "jzzsl"
    async with tui_van(tmp_path) as van:
        app = GovanApp(van.config)
        async with app.run_test(size=(80, 24)) as pilot:
            await signed_in(app, pilot, van, van.desk_login)
            provider = ItemSearch(app.screen)
            hits = [hit async for hit in provider.search("jzz")]
            assert hits and hits[0].text.startswith("居住证")
            assert hits[0].help == "A 公安"
            hits[0].command()
            await until(pilot, lambda: _tickets(van) and _tickets(van)[0].item_code == "residence_permit")


async def test_a_ticket_the_store_refuses_is_told_in_the_staffs_words(tmp_path: Path) -> None:
    from db import catalogue

    async with tui_van(tmp_path) as van:
        app = GovanApp(van.config)
        async with app.run_test(size=(80, 24)) as pilot:
            await signed_in(app, pilot, van, van.desk_login)
            code = app.screen.flow.keys[0].item.code
            catalogue.set_enabled(van.store, code, False)  # the captain switched it off meanwhile
            await pilot.press("1")
            await until(pilot, lambda: any(n.title == "无法取号" for n in app._notifications))
            [refusal] = [n for n in app._notifications if n.title == "无法取号"]
            assert refusal.message == f"事项 {code} 已停用"
        assert _tickets(van) == []


async def test_the_desk_shows_the_newest_tickets_only_and_a_new_one_drops_the_oldest(tmp_path: Path) -> None:
    """A longer table made every ticket slower to issue (issue 17); the desk keeps TABLE_ROWS rows."""
    from tui.screens.desk import TABLE_ROWS

    async with tui_van(tmp_path) as van:
        issued = [tickets.issue_ticket(van.store, van.demo.trip_id, category="A") for _ in range(TABLE_ROWS + 5)]
        app = GovanApp(van.config)
        async with app.run_test(size=(80, 24)) as pilot:
            await desk_ready(app, pilot, van)
            table = app.screen.query_one("#desk-tickets")
            assert table.row_count == TABLE_ROWS
            assert str(table.get_row_at(0)[0]) == issued[-1].label
            oldest_shown = issued[-TABLE_ROWS].label
            assert str(table.get_row_at(TABLE_ROWS - 1)[0]) == oldest_shown
            await pilot.press("1")
            await until(pilot, lambda: van.receipts, what="the slip")
            newest = max(_tickets(van), key=lambda ticket: ticket.id)
            await until(pilot, lambda: str(table.get_row_at(0)[0]) == newest.label, what="the new ticket on top")
            assert table.row_count == TABLE_ROWS
            assert oldest_shown not in [str(table.get_row_at(row)[0]) for row in range(TABLE_ROWS)]


async def test_a_queue_event_redraws_only_the_window_panels_it_changed(tmp_path: Path) -> None:
    """Every terminal hears every queue event; a panel redrawn with the same words cost a layout of the
    screen each time (issue 17). A new ticket elsewhere changes the waiting counts, not the last calls."""
    from textual.widgets import Static

    from flows.announce import Announcer
    from flows.van import Van

    async with tui_van(tmp_path) as van:
        tickets.issue_ticket(van.store, van.demo.trip_id, item_code="residence_permit")
        app = GovanApp(van.config)
        async with app.run_test(size=(80, 24)) as pilot:
            await signed_in(app, pilot, van, van.window_login("1"))
            await pilot.press("n")
            await until(pilot, lambda: "已叫 1 次" in screen_text(app), what="the call")
            panels = {name: app.screen.query_one(f"#window-{name}", Static) for name in ("waiting", "recent", "ticket")}
            before = {name: panel.content for name, panel in panels.items()}
            ticket = tickets.issue_ticket(van.store, van.demo.trip_id, item_code="residence_permit")
            Announcer(Van(van.store, van.config, van.client)).ticket(ticket, "issued")
            await until(pilot, lambda: "A  1" in str(panels["waiting"].content), what="the new count")
            assert panels["recent"].content is before["recent"] and panels["ticket"].content is before["ticket"]
            assert panels["waiting"].content is not before["waiting"]
