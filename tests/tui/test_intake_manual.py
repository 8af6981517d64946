"""Intake without the devices: entry by hand with the same checks, every step going back, consult
only, another item, delivery to the door, and an honest printer failure. No daemon link here."""

from __future__ import annotations

from pathlib import Path

import pytest

from core import idnumber
from db import cases, citizens, tickets
from tests.tui.harness import call_ticket, footer_keys, prepare, screen_text, sign_in_and_open, until
from tui.app import GovanApp
from tui.problems import describe
from tui.screens.intake import IntakeScreen
from tui.screens.rating import RatingScreen

GOOD_ID, WRONG_CHECK = "11010519491231002X", "110105194912310021"


def text_of(app: GovanApp, selector: str) -> str:
    widget = app.screen.query_one(selector)
    value = getattr(widget, "value", None)
    return value if isinstance(value, str) else str(widget.render())


async def intake(app: GovanApp, pilot, item_code: str | None) -> IntakeScreen:  # noqa: ANN001
    desk = app.desk  # type: ignore[attr-defined]
    sign_in_and_open(app, desk, call_ticket(app, desk, item_code))
    return await until(pilot, lambda: app.screen if isinstance(app.screen, IntakeScreen) else None, what="intake")


def manual_app(tmp_path: Path, settings: dict | None = None) -> GovanApp:
    desk = prepare(tmp_path, settings)
    app = GovanApp(desk.config, connect=False)
    app.desk = desk  # type: ignore[attr-defined]
    return app


async def test_entry_by_hand_is_checked_and_a_visit_can_hold_several_items(tmp_path: Path) -> None:
    app = manual_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await intake(app, pilot, "hukou_certificate")
        ticket_id = screen.intake.ticket.id
        assert tickets.get_ticket(app.store, ticket_id).status == "serving"
        assert app.screen.focused.id == "person-id"

        await pilot.press(*WRONG_CHECK, "enter")
        assert "校验位不符" in text_of(app, "#person-id-error")
        await pilot.press("f5")
        assert "申请人" in screen_text(app) and "校验位不符" in screen_text(app)  # a wrong number does not get through
        await pilot.press("backspace", "x", "enter")  # the last character mistyped; a lower-case x is common
        assert text_of(app, "#person-id-error") == ""
        assert text_of(app, "#person-id") == "1101**********002X"
        assert "1949-12-31" in text_of(app, "#person-birth")
        assert app.screen.focused.id == "person-name"

        # A clerk's checks: a name with an emoji (pasted: no key types it), a phone that is no number, an
        # address too long (never cut).
        typed = {"#person-name": "李四😀", "#person-phone": "138abc"}
        for selector, value in typed.items():
            app.screen.query_one(selector).value = value
        await pilot.press("f5")
        await until(pilot, lambda: "姓名只能包含文字" in screen_text(app), what="the name refused")
        assert app.screen.focused.id == "person-name"
        await pilot.press("backspace", "f5")
        await until(pilot, lambda: "电话号码无效" in screen_text(app), what="the phone refused")
        assert app.screen.focused.id == "person-phone"
        app.screen.query_one("#person-phone").value = "138 1234 5678"
        app.screen.query_one("#person-address").value = "路" * 300
        await pilot.press("f5")
        await until(pilot, lambda: "地址最多200个字，现为300个字" in screen_text(app), what="the address refused")
        assert text_of(app, "#person-address") == "路" * 300  # nothing was cut
        app.screen.query_one("#person-address").value = "龙港市某路1号"
        await pilot.press("f5")
        await until(pilot, lambda: "身份证原件" in screen_text(app), what="the materials")
        citizen = citizens.get(app.store, screen.intake.citizen.id, staff_id=None, purpose="test")
        assert (citizen.id_number, citizen.name, citizen.sex, citizen.phone) == (GOOD_ID, "李四", "2", "13812345678")

        # Consult only: recorded, nothing printed, then another item for the same person.
        await pilot.press("f5", "4", "f9")
        await until(pilot, lambda: "已记录：仅咨询" in screen_text(app), what="the consult recorded")
        first = screen.intake.recorded[-1]
        assert "f11 重打" not in footer_keys(app)
        await pilot.press("f5")  # another item: the command palette finds it
        await until(pilot, lambda: app.screen.__class__.__name__ == "CommandPalette", what="the palette")
        await pilot.press(*"户口迁入")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(
            pilot,
            lambda: "户口迁移" in text_of(app, "#item-line") or "户口迁入" in text_of(app, "#item-line"),
            what="the second item",
        )
        second = screen.intake.case
        assert second is not None and second.citizen_id == first.citizen_id  # the same person, not a new record

        # Accepted, delivered to the door: its address and a date; the printer is unreachable and says why.
        await pilot.press("o", "down", "o", "down", "o", "f5", "2", "f8")
        assert app.screen.focused.id == "delivery-date"  # the person's address is already there
        assert text_of(app, "#delivery-address") == "龙港市某路1号"
        await pilot.press(*"2030-01-20", "f9")
        await until(pilot, lambda: "回执打印失败" in text_of(app, "#status"), what="the print failure")
        assert "连不上消息服务" in text_of(app, "#status") and "F11" in text_of(app, "#status")
        case = cases.get_case(app.store, second.id)
        assert (case.outcome, case.delivery, case.delivery_date, case.status, case.has_delivery_address) == (
            "accepted_forwarded",
            "door",
            "2030-01-20",
            "awaiting_delivery",
            True,
        )
        assert "f11 重打" in footer_keys(app)

        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, RatingScreen))
        await pilot.press("f10")  # leaving without a score is allowed: nobody is made to rate
        await until(pilot, lambda: not isinstance(app.screen, RatingScreen))
        assert list(app.store.query("SELECT COUNT(*) AS n FROM ratings")) == [{"n": 0}]
        assert tickets.get_ticket(app.store, ticket_id).status == "done"


async def test_the_outcome_says_what_is_missing_and_every_step_goes_back(tmp_path: Path) -> None:
    app = manual_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        # 户口迁移: back office, not mailable.
        screen = await intake(app, pilot, "hukou_move_in")
        await pilot.press("tab", *"张三", "f5")
        await until(pilot, lambda: "居民户口簿" in screen_text(app), what="the materials")
        assert "未登记申请人" in text_of(app, "#status")
        await pilot.press("f5", "f9")
        assert "请先选择办理结果" in text_of(app, "#outcome-error")
        await pilot.press("1")  # completed on site is not offered for a back-office item
        assert "本事项需后台办理" in screen_text(app) and "结果送达" not in screen_text(app)
        await pilot.press("2", "f7")  # by post is not offered for an item that cannot be mailed
        assert "结果送达" in screen_text(app) and "运单号" not in screen_text(app)
        await pilot.press("f8", "f9")
        assert "请填写地址" in text_of(app, "#outcome-error")  # 送证上门 needs the door's address
        await pilot.press(*"龙港市某路1号", "tab", "f9")
        assert "上门日期" in text_of(app, "#outcome-error")
        await pilot.press(*"2001-01-01", "f9")
        assert "不能早于今天" in text_of(app, "#outcome-error")

        # Every step goes back: outcome → materials → person, and the case stays open.
        case_id = screen.intake.case.id
        await pilot.press("escape")
        await until(
            pilot,
            lambda: "材料" in text_of(app, "#intake-step") and screen.query_one("#materials-table").has_focus,
            what="the materials again",
        )
        await pilot.press("escape")
        await until(
            pilot,
            lambda: "张三" in screen_text(app) and "请将身份证放在读卡器上" in screen_text(app),
            what="the person again",
        )
        await pilot.press("tab", "end", "backspace", *"山", "f5")  # a typo fixed
        await until(pilot, lambda: screen.query_one("#materials-table").has_focus, what="the materials once more")
        assert screen.intake.case.id == case_id and cases.get_case(app.store, case_id).outcome is None
        assert "张*" in text_of(app, "#intake-title")

        await pilot.press("f5", "3", "f9")
        assert "未办成的办件须说明原因" in text_of(app, "#outcome-error")
        await pilot.press("end", "f9")  # "other" needs words
        assert "请写明原因" in text_of(app, "#outcome-error")
        await pilot.press("tab", *"停电", "f9")
        await until(pilot, lambda: "已记录：未办结" in screen_text(app), what="not done recorded")
        assert cases.get_case(app.store, case_id).reason == "other: 停电"


async def test_accepting_with_a_required_material_missing_asks_first(tmp_path: Path) -> None:
    """受理转办 was accepted with a required material marked 缺."""
    app = manual_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await intake(app, pilot, "residence_permit")
        await pilot.press("tab", *"张三", "f5")
        await until(pilot, lambda: "租赁合同" in screen_text(app), what="the materials")
        await pilot.press("o", "f5", "2", "f9")  # 身份证原件 seen; the lease and the photo missing
        await until(pilot, lambda: "必需材料缺：租赁合同或房产证明、近期照片" in screen_text(app), what="the question")
        await pilot.press("enter")  # the first answer goes back to the materials: nothing is recorded
        await until(pilot, lambda: not screen.intake.recorded and "材料缺" not in screen_text(app), what="back")
        assert cases.get_case(app.store, screen.intake.case.id).outcome is None
        await pilot.press("f9")
        await until(pilot, lambda: "必需材料缺" in screen_text(app), what="the question again")
        await pilot.press("down", "down", "enter")  # recorded as not done for missing materials instead
        await until(pilot, lambda: app.screen.__class__.__name__ == "AppointmentOffer", what="the offer to come back")
        await pilot.press("escape")
        await until(pilot, lambda: "已记录：未办结" in screen_text(app), what="recorded as not done")
        case = screen.intake.recorded[-1]
        assert (case.outcome, case.reason) == ("not_done", "missing_materials: 租赁合同或房产证明、近期照片")


async def test_a_typed_receipt_number_brings_its_case_back(tmp_path: Path) -> None:
    """A person comes back with the receipt of an earlier case: it says what happened, and the new case is
    for the same item. (A scan does the same wherever the focus is: test_intake_flow.py.)"""
    app = manual_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await intake(app, pilot, "hukou_certificate")
        await pilot.press("f5")
        await until(pilot, lambda: "身份证原件" in screen_text(app))
        await pilot.press("f5", "3", "down", "f9")
        await until(pilot, lambda: app.screen.__class__.__name__ == "AppointmentOffer")
        await pilot.press("escape")
        await until(pilot, lambda: "已记录：未办结" in screen_text(app))
        number = screen.intake.number_of(screen.intake.recorded[-1])
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, RatingScreen))
        await pilot.press("f10")

        # The next visit: a ticket for the queue only, no item yet.
        screen = await intake(app, pilot, None)
        await pilot.press("f5")
        await until(pilot, lambda: app.screen.__class__.__name__ == "CommandPalette")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        assert "请选择办理事项" in text_of(app, "#item-line")
        screen.query_one("#case-lookup").focus()
        await pilot.press(*"XX-99-000001", "enter")
        await until(pilot, lambda: "不是本车的办件号" in text_of(app, "#lookup-result"), what="the refusal")
        screen.query_one("#case-lookup").value = ""
        await pilot.press(*number.lower(), "enter")
        await until(pilot, lambda: number in text_of(app, "#lookup-result"), what="the earlier case")
        shown = text_of(app, "#lookup-result")
        assert "未办结" in shown and "材料不全" in shown
        assert "户籍证明开具" in text_of(app, "#item-line")


async def test_intake_in_english(tmp_path: Path) -> None:
    app = manual_app(tmp_path, {"locale": "en"})
    async with app.run_test(size=(80, 24)) as pilot:
        await intake(app, pilot, "hukou_certificate")
        assert "Intake A001" in text_of(app, "#intake-title")
        assert "Place the ID card" in text_of(app, "#person-card")
        await pilot.press("f10")
        await until(pilot, lambda: "Abandon this visit?" in screen_text(app), what="the abandon question")


@pytest.mark.parametrize(
    "typed, words",
    [
        ("110105194912310021", "校验位不符"),
        ("1101051949123", "现为13位"),
        ("110105491231002", "15位号码已停用"),
        ("11010519491231002A", "前17位应为数字"),
        ("110105194913310022", "出生日期无效"),
    ],
)
def test_a_typed_number_is_refused_saying_why(typed: str, words: str) -> None:
    problem = idnumber.problem(typed)
    assert problem is not None and words in describe(problem)
