"""Every terminal follows the captain (issue 14, defect 4): the captain's terminal closes, opens and re-crews
the trip by keys; another terminal, on the same daemon and store, hears each trip event once, and its
desk can no longer issue on the closed trip. Two GovanApps, as two real terminals are."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Static

from db import tickets, trips
from tests.support.heard import listening
from tests.tui.harness import signed_in, tui_van, until
from tui.app import GovanApp


def shown(app: GovanApp, selector: str) -> str:
    widget = app.screen.query_one(selector, Static)
    return "\n".join("".join(segment.text for segment in widget.render_line(y)) for y in range(widget.size.height))


async def test_the_captain_closes_opens_and_recrews_the_trip_and_the_other_terminal_hears_each_once(
    tmp_path: Path,
) -> None:
    async with tui_van(tmp_path) as van, listening(van.client) as heard:
        trip_id = van.demo.trip_id
        captain_login = next(login.login for login in van.demo.logins if login.role == "captain")
        captain, desk = GovanApp(van.config), GovanApp(van.config)
        async with captain.run_test(size=(120, 40)) as at_captain, desk.run_test(size=(80, 24)) as at_desk:
            await signed_in(desk, at_desk, van, van.desk_login)
            await signed_in(captain, at_captain, van, captain_login)
            before = len(tickets.list_tickets(van.store, trip_id))

            # Close (收车): F4, C, Ctrl+S; nobody is waiting, so no confirmation.
            await at_captain.press("f4")
            await until(at_captain, lambda: type(captain.screen).__name__ == "CaptainScreen")
            await at_captain.press("c")
            await until(at_captain, lambda: "可以收车" in shown(captain, "#close-check"))
            await at_captain.press("ctrl+s")
            await until(at_captain, lambda: type(captain.screen).__name__ == "SummaryScreen", what="the summary")
            assert "已收车" in shown(captain, ".summary-part")
            assert await heard.trip_events() == [("trip.closed", trip_id, "closed")]
            assert trips.get_trip(van.store, trip_id).status == "closed"
            # The desk's number key issues nothing on a closed trip, whatever the desk shows now.
            await at_desk.press("1")
            await at_desk.pause()
            assert len(tickets.list_tickets(van.store, trip_id)) == before
            assert all(receipt.lines[0] == "出车工作汇总" for receipt in van.receipts)  # the summary, no ticket

            # Open a new one: sign in again, O, Ctrl+S with the proposed crew.
            await at_captain.press("escape", "ctrl+o")
            await signed_in(captain, at_captain, van, captain_login)
            assert type(captain.screen).__name__ == "NoTripScreen"
            await at_captain.press("o")
            await until(at_captain, lambda: type(captain.screen).__name__ == "TripSetupScreen")
            await at_captain.press("ctrl+s")
            await until(at_captain, lambda: trips.current_trip(van.store) is not None, what="the new trip")
            opened = trips.current_trip(van.store)
            assert opened is not None and opened.id != trip_id
            assert await heard.trip_events() == [("trip.opened", opened.id, "open")]

            # Change the crew: F4, W, the highlighted person to window 9, Ctrl+S.
            await until(at_captain, lambda: type(captain.screen).__name__ in ("WindowScreen", "DeskScreen"))
            await at_captain.press("f4")
            await until(at_captain, lambda: type(captain.screen).__name__ == "CaptainScreen")
            await at_captain.press("w")
            await until(at_captain, lambda: type(captain.screen).__name__ == "TripSetupScreen")
            crew = captain.screen.query_one("#trip-crew", DataTable)
            moved = int(crew.coordinate_to_cell_key((crew.cursor_row, 0)).row_key.value)
            await at_captain.press("w")
            await until(at_captain, lambda: type(captain.screen).__name__ == "AskText")
            captain.screen.query_one(Input).value = "9"
            await at_captain.press("enter")
            await until(at_captain, lambda: "9" in [str(cell) for cell in crew.get_row_at(crew.cursor_row)])
            await at_captain.press("ctrl+s")
            await until(at_captain, lambda: type(captain.screen).__name__ == "CaptainScreen", what="back, saved")
            assert trips.get_trip(van.store, opened.id).window_of(moved) == "9"
            assert await heard.trip_events() == [("trip.crew_changed", opened.id, "open")]
