"""The ticket desk and the window, end to end: real store, real daemon with sim devices, real broker."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from db import tickets
from tests.tui.harness import signed_in, tui_van, until
from tui.app import GovanApp


def _tickets(van) -> list[tickets.Ticket]:  # noqa: ANN001
    return tickets.list_tickets(van.store, van.demo.trip_id)


async def test_issue_a_ticket_and_the_printed_slip_has_number_and_item(tmp_path: Path) -> None:
    async with tui_van(tmp_path) as van:
        app = GovanApp(van.config)
        async with app.run_test(size=(80, 24)) as pilot:
            await signed_in(app, pilot, van, van.desk_login)
            item = app.screen.frequent[0]
            await pilot.press("1")
            await until(pilot, lambda: van.receipts)
            receipt = van.receipts[-1]
            ticket = _tickets(van)[0]
            assert ticket.item_code == item.code
            assert ticket.label in receipt.lines
            assert item.name in receipt.lines
            assert "龙港市流动政务客厅" in receipt.lines
            assert receipt.cut
            await until(pilot, lambda: tickets.get_ticket(van.store, ticket.id).print_state == "printed")
            table = app.screen.query_one("#desk-tickets", DataTable)
            assert str(table.get_row_at(0)[3]) == "已打印"


async def test_appointment_scan_gives_a_priority_ticket_ahead_of_walk_ins(tmp_path: Path) -> None:
    async with tui_van(tmp_path) as van:
        desk = GovanApp(van.config)
        async with desk.run_test(size=(80, 24)) as pilot:
            await signed_in(desk, pilot, van, van.desk_login)
            # Two walk-ins for 居住证 (queue A) first.
            residence = next(item for item in desk.screen.search_items() if item.code == "residence_permit")
            desk.screen.choose_item(residence.code)
            desk.screen.choose_item(residence.code)
            await until(pilot, lambda: len(_tickets(van)) == 2)
            van.sim("scanner", "scan", {"code": f"GOVAN-APPT:{van.demo.checkin_codes[0]}"})
            await until(pilot, lambda: len(_tickets(van)) == 3)
        appointment = next(ticket for ticket in _tickets(van) if ticket.appointment_id is not None)
        assert appointment.priority_reason == "appointment"
        assert appointment.category == "A"
        window = GovanApp(van.config)
        async with window.run_test(size=(80, 24)) as pilot:
            await signed_in(window, pilot, van, van.window_login("1"))
            await pilot.press("n")
            await until(pilot, lambda: window.screen.current is not None)
            assert window.screen.current.id == appointment.id


async def test_a_call_in_one_terminal_shows_in_another(tmp_path: Path) -> None:
    async with tui_van(tmp_path) as van:
        ticket = tickets.issue_ticket(van.store, van.demo.trip_id, item_code="residence_permit")
        first, second = GovanApp(van.config), GovanApp(van.config)
        async with first.run_test(size=(80, 24)) as pilot_one, second.run_test(size=(80, 24)) as pilot_two:
            await signed_in(first, pilot_one, van, van.window_login("1"))
            await signed_in(second, pilot_two, van, van.desk_login)
            status_cell = lambda: str(second.screen.query_one("#desk-tickets", DataTable).get_row_at(0)[4])  # noqa: E731
            assert status_cell() == "等候"
            await pilot_one.press("n")
            await until(pilot_two, lambda: status_cell() == "已叫号", timeout=5)
            assert tickets.get_ticket(van.store, ticket.id).window == "1"


async def test_paper_out_marks_unprinted_and_the_reprint_prints_once(tmp_path: Path) -> None:
    async with tui_van(tmp_path) as van:
        app = GovanApp(van.config)
        async with app.run_test(size=(80, 24)) as pilot:
            await signed_in(app, pilot, van, van.desk_login)
            van.sim("printer", "paper", {"state": "out"})
            await until(pilot, lambda: app.link.status.devices["printer"].state == "error")
            await pilot.press("1")
            await until(pilot, lambda: _tickets(van) and _tickets(van)[0].print_state == "failed")
            ticket = _tickets(van)[0]
            assert van.receipts == []
            assert "paper out" in app.screen.print_detail[ticket.id]
            assert str(app.screen.query_one("#desk-tickets", DataTable).get_row_at(0)[3]) == "未打印"
            van.sim("printer", "paper", {"state": "ok"})
            await until(pilot, lambda: app.link.status.devices["printer"].state == "ready")
            await pilot.press("r")
            await until(pilot, lambda: tickets.get_ticket(van.store, ticket.id).print_state == "reprinted")
            assert len(van.receipts) == 1
            assert ticket.label in van.receipts[0].lines


async def test_window_recall_no_show_transfer_and_start_service(tmp_path: Path) -> None:
    async with tui_van(tmp_path) as van:
        first = tickets.issue_ticket(van.store, van.demo.trip_id, item_code="residence_permit")
        second = tickets.issue_ticket(van.store, van.demo.trip_id, item_code="residence_permit")
        app = GovanApp(van.config)
        async with app.run_test(size=(80, 24)) as pilot:
            await signed_in(app, pilot, van, van.window_login("1"))
            screen = app.screen
            await pilot.press("n")
            await until(pilot, lambda: screen.current is not None and screen.current.id == first.id)
            await pilot.press("r")
            await until(pilot, lambda: screen.current.call_count == 2)
            await pilot.press("x")
            await until(pilot, lambda: screen.current is None)
            assert tickets.get_ticket(van.store, first.id).status == "no_show"
            await pilot.press("n")
            await until(pilot, lambda: screen.current is not None and screen.current.id == second.id)
            # Transfer to queue F (人力社保): a new number, printed for the person.
            await pilot.press("t")
            await until(pilot, lambda: type(app.screen).__name__ == "Choose")
            choices = app.screen.choices
            target = next(index for index, (_, value) in enumerate(choices) if value == "category:F")
            app.screen.query_one("OptionList").highlighted = target
            await pilot.press("enter")
            await until(pilot, lambda: tickets.get_ticket(van.store, second.id).status == "transferred")
            moved = next(ticket for ticket in _tickets(van) if ticket.transferred_from == second.id)
            assert moved.category == "F"
            await until(pilot, lambda: any(moved.label in receipt.lines for receipt in van.receipts))


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


async def test_staff_without_an_open_trip_are_told_and_cannot_open_one(tmp_path: Path) -> None:
    from db import trips

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


async def test_item_search_finds_items_by_pinyin_initials(tmp_path: Path) -> None:
    from tui.item_search import ItemSearch, initials

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
            item = app.screen.frequent[0]
            catalogue.set_enabled(van.store, item.code, False)  # the captain switched it off meanwhile
            await pilot.press("1")
            await until(pilot, lambda: any(n.title == "无法取号" for n in app._notifications))
            [refusal] = [n for n in app._notifications if n.title == "无法取号"]
            assert refusal.message == f"事项 {item.code} 已停用"
        assert _tickets(van) == []
