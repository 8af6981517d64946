"""Intake on two terminals at once, as on the van: two apps against one daemon and one store.

What is asserted is what staff see on either screen: the rendered text and the footer's keys.
"""

from __future__ import annotations

from pathlib import Path

from db import audit, tickets
from flows import claims
from tests.tui.harness import TuiVan, footer_keys, screen_text, signed_in, tui_van, until
from tui.app import GovanApp

LI_AGONG_PHONE = "13800000002"


def citizen_named(van: TuiVan, name: str) -> int:
    return next(row["id"] for row in van.store.query("SELECT id FROM citizens WHERE name = ?", [name]))


async def start_service(window: GovanApp, pilot, van: TuiVan, login: str) -> None:  # noqa: ANN001
    """Sign in at the window, call the next ticket and start intake on it (n, s)."""
    await signed_in(window, pilot, van, login)
    await pilot.press("n")
    await until(pilot, lambda: "s 开始办理" in footer_keys(window), what="the ticket called")
    await pilot.press("s")
    await until(pilot, lambda: type(window.screen).__name__ == "IntakeScreen", what="intake")


async def test_a_card_placed_for_the_desk_does_not_replace_the_person_at_the_window(tmp_path: Path) -> None:
    """Window 2 served 李阿公 from his appointment; a card placed for the desk put 林小燕 beside his phone,
    and the audit log blamed the desk."""
    async with tui_van(tmp_path) as van:
        li = citizen_named(van, "李阿公")
        tickets.issue_ticket(van.store, van.demo.trip_id, item_code="pension_certification", citizen_id=li)
        window, desk = GovanApp(van.config), GovanApp(van.config)
        async with window.run_test(size=(80, 24)) as at_window, desk.run_test(size=(80, 24)) as at_desk:
            # The desk holds the shared reader (its own claim), for its next walk-in.
            await signed_in(desk, at_desk, van, van.desk_login)
            assert await claims.claim(desk.van, "idreader", None, "吴敏") is None
            await start_service(window, at_window, van, van.window_login("2"))
            await until(
                at_window,
                lambda: (
                    "李*公" in screen_text(window) and window.screen.query_one("#person-phone").value == LI_AGONG_PHONE
                ),
                what="李阿公 from his appointment",
            )

            # The window says who has the reader, and offers to take it.
            await until(
                at_window,
                lambda: "读卡器正由取号台 吴敏 使用 · F12 取用" in screen_text(window),
                what="who holds the reader",
            )
            assert "f12 取用设备" in footer_keys(window)
            van.sim("idreader", "place", {"preset": "resident_expired"})
            await until(at_desk, lambda: "林*燕" in screen_text(desk), what="the card at the desk")
            await at_window.pause(0.2)
            assert window.screen.query_one("#person-name").value == "李阿公"
            assert window.screen.query_one("#person-phone").value == LI_AGONG_PHONE

            # The window takes the reader; a card of someone else asks before it replaces anyone.
            await at_window.press("f12")
            await until(at_window, lambda: "读卡器正由" not in screen_text(window), what="the reader taken")
            assert "f12 取用设备" not in footer_keys(window)
            van.sim("idreader", "place", {"preset": "hk_mo_tw"})
            await until(
                at_window,
                lambda: "读到的证件是 黄*欣，不是 李*公。要换人吗？" in screen_text(window),
                what="the question",
            )
            await at_window.press("enter")  # the first answer keeps him
            await until(at_window, lambda: "要换人吗" not in screen_text(window), what="the question answered")
            assert window.screen.query_one("#person-name").value == "李阿公"
            van.sim("idreader", "place", {"preset": "resident_expired"})
            await until(at_window, lambda: "读到的证件是 林*燕" in screen_text(window), what="the question again")
            await at_window.press("down", "enter")
            await until(
                at_window, lambda: window.screen.query_one("#person-name").value == "林小燕", what="林小燕 in his place"
            )
            assert window.screen.query_one("#person-phone").value == ""  # nothing of his is kept for her
            await until(at_window, lambda: "已有档案" in screen_text(window), what="her record found")

            # The audit log names the clerk who served them at the window.
            clerk = window.session.staff.id
            for person in (li, citizen_named(van, "林小燕")):
                assert audit.entries(van.store, subject="citizen", subject_id=person)[-1].staff_id == clerk


async def test_esc_strands_no_case_and_a_visit_ends_only_with_an_outcome_or_a_reason(tmp_path: Path) -> None:
    """`s`, then Esc at 申请人, left the window with only `t 转窗口/类别 f 办结离开`, and f closed the ticket
    with no case and no rating. Once the materials were open, Esc could not go back to fix a typo."""
    async with tui_van(tmp_path) as van:
        ticket = tickets.issue_ticket(van.store, van.demo.trip_id, item_code="hukou_certificate")
        window, desk = GovanApp(van.config), GovanApp(van.config)
        async with window.run_test(size=(80, 24)) as at_window, desk.run_test(size=(80, 24)) as at_desk:
            await signed_in(desk, at_desk, van, van.desk_login)
            await start_service(window, at_window, van, van.window_login("1"))
            await at_window.press("tab", *"张三", "f5")
            await until(at_window, lambda: "居民户口簿" in screen_text(window), what="the materials")
            assert "esc 返回" in footer_keys(window) and "f10 放弃办理" in footer_keys(window)

            # Back to the person with the case open: Esc asks, it does not leave.
            await at_window.press("escape")
            await until(at_window, lambda: "请将身份证放在读卡器上" in screen_text(window), what="the person step")
            await at_window.press("escape")
            await until(at_window, lambda: "“户籍证明开具”尚未记录办理结果" in screen_text(window), what="the question")
            await at_window.press("escape")  # go back to the visit
            await until(
                at_window,
                lambda: (
                    "尚未记录办理结果" not in screen_text(window) and "请将身份证放在读卡器上" in screen_text(window)
                ),
                what="back at the person",
            )
            assert tickets.get_ticket(van.store, ticket.id).status == "serving"

            # Abandoned with a reason: the case is recorded as such, the ticket ends, every terminal sees it.
            await at_window.press("f10")
            await until(at_window, lambda: "放弃：办事人已离开" in screen_text(window), what="the reasons")
            await at_window.press("enter")
            await until(at_window, lambda: type(window.screen).__name__ == "WindowScreen", what="the window")
            await until(at_window, lambda: "空闲：按 N 叫下一位" in screen_text(window), what="the window free")
            assert any(toast.message == "A001 已放弃办理：放弃：办事人已离开" for toast in window._notifications)
            [case] = list(van.store.query("SELECT outcome, reason, status FROM cases WHERE ticket_id = ?", [ticket.id]))
            assert case == {"outcome": "not_done", "reason": "abandoned.person_left", "status": "closed"}
            await until(at_desk, lambda: "已办结" in screen_text(desk), what="the desk following the van")
