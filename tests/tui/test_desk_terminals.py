"""The desk and a window on two terminals at once, as on the van: a card serves the terminal that holds
the reader, and every other terminal says who holds it. What is asserted is what staff see."""

from __future__ import annotations

from pathlib import Path

from db import tickets
from flows import claims
from tests.tui.harness import footer_keys, screen_text, signed_in, tui_van, until
from tui.app import GovanApp


async def test_a_card_read_at_a_window_never_becomes_the_desks_next_person(tmp_path: Path) -> None:
    """Defect 1: window 5 read 黄嘉欣's card; the desk then showed her as the person for its next
    walk-in, and stored ticket A006 with her citizen_id."""
    async with tui_van(tmp_path) as van:
        tickets.issue_ticket(van.store, van.demo.trip_id, item_code="pension_certification")
        desk, window = GovanApp(van.config), GovanApp(van.config)
        async with desk.run_test(size=(80, 24)) as at_desk, window.run_test(size=(80, 24)) as at_window:
            await signed_in(desk, at_desk, van, van.desk_login)
            await until(at_desk, lambda: claims.holder(desk.van, "idreader").mine, what="the desk's reader")
            await signed_in(window, at_window, van, van.window_login("2"))
            # The window's device bar says who has the shared reader.
            await until(at_window, lambda: "读卡器由取号台 吴敏 使用" in screen_text(window), what="the holder")
            await at_window.press("n")
            await until(at_window, lambda: "s 开始办理" in footer_keys(window), what="the ticket called")
            await at_window.press("s")
            await until(
                at_window,
                lambda: "读卡器正由取号台 吴敏 使用 · F12 取用" in screen_text(window),
                what="intake naming the desk",
            )

            # Window 2 takes the reader: the desk now says who has it, and offers to take it back.
            await at_window.press("f12")
            await until(
                at_desk,
                lambda: "读卡器正由2号窗口 郑海波 使用 · F12 取用" in screen_text(desk),
                what="the desk naming the window",
            )
            assert "读卡器由2号窗口 郑海波 使用" in screen_text(desk) and "f12 取用设备" in footer_keys(desk)
            van.sim("idreader", "place", {"preset": "hk_mo_tw"})
            await until(
                at_window,
                lambda: window.screen.query_one("#person-name").value == "黄嘉欣",
                what="her card at the window",
            )
            await at_desk.pause(0.2)
            assert "未关联办事人" in screen_text(desk) and "黄" not in screen_text(desk)
            await at_desk.press("1")
            await until(at_desk, lambda: "A001" in screen_text(desk), what="the walk-in's ticket")
            walk_in = tickets.find_ticket(van.store, van.demo.trip_id, "A001")
            assert walk_in is not None and walk_in.citizen_id is None

            # The desk takes it back; a card of someone over 70 is its next person, with the store's priority.
            await at_desk.press("f12")
            await until(at_desk, lambda: "读卡器正由" not in screen_text(desk), what="the reader back at the desk")
            await until(at_window, lambda: "读卡器正由取号台 吴敏 使用" in screen_text(window), what="the window told")
            van.sim("idreader", "place", {"preset": "resident_long_term"})
            await until(
                at_desk,
                lambda: "办事人 雷*英" in screen_text(desk) and "下一张：高龄优先" in screen_text(desk),
                what="雷秀英 for the next ticket",
            )
            assert window.screen.query_one("#person-name").value == "黄嘉欣"  # the window's person stays hers

            # Someone else's card asks before it replaces her; kept, the ticket is hers.
            van.sim("idreader", "place", {"preset": "resident_expired"})
            await until(
                at_desk, lambda: "读到的证件是 林*燕，不是 雷*英。要换人吗？" in screen_text(desk), what="the question"
            )
            await at_desk.press("enter")  # the first answer keeps her
            await until(at_desk, lambda: "要换人吗" not in screen_text(desk), what="answered")
            assert "办事人 雷*英" in screen_text(desk)
            await at_desk.press("1")
            await until(at_desk, lambda: "A002" in screen_text(desk), what="her ticket")
            ticket = tickets.find_ticket(van.store, van.demo.trip_id, "A002")
            assert ticket is not None and ticket.priority_reason == "age" and ticket.citizen_id is not None
            assert "未关联办事人" in screen_text(desk)  # the next ticket starts afresh
