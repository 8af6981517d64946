"""Intake without the devices: entry by hand with the same checks, consult only, another item,
delivery to the door, and an honest printer failure. The app has no daemon link here."""

from __future__ import annotations

from daemon.messages import ScanEvent
from db import cases, citizens, tickets
from tests.tui.harness import call_ticket, prepare, sign_in_and_open, until
from tui import receipts
from tui.app import GovanApp
from tui.messages import CodeScanned
from tui.screens.intake import IntakeScreen
from tui.screens.rating import RatingScreen

GOOD_ID, WRONG_CHECK = "11010519491231002X", "110105194912310021"


def text_of(app: GovanApp, selector: str) -> str:
    widget = app.screen.query_one(selector)
    value = getattr(widget, "value", None)
    return value if isinstance(value, str) else str(widget.render())


async def test_entry_by_hand_is_checked_and_a_visit_can_hold_several_items(tmp_path) -> None:  # noqa: ANN001
    desk = prepare(tmp_path)
    app = GovanApp(desk.config, connect=False)
    async with app.run_test(size=(80, 24)) as pilot:
        ticket_id = call_ticket(app, desk, "hukou_certificate")
        sign_in_and_open(app, desk, ticket_id)
        screen = await until(pilot, lambda: app.screen if isinstance(app.screen, IntakeScreen) else None)
        assert tickets.get_ticket(app.store, ticket_id).status == "serving"
        assert app.screen.focused.id == "person-id-input"

        await pilot.press(*WRONG_CHECK, "enter")
        assert "校验位不符" in text_of(app, "#person-id-error")
        await pilot.press("f5")
        assert screen.step == "person"  # a wrong number does not get through
        await pilot.press("backspace", "x", "enter")  # the last character mistyped; a lower-case x is common
        assert text_of(app, "#person-id-error") == ""
        assert text_of(app, "#person-id-shown") == "1101**********002X"
        assert "1949-12-31" in text_of(app, "#person-birth")
        assert app.screen.focused.id == "person-name"
        await pilot.press(*"李四", "f5")
        await until(pilot, lambda: screen.step == "materials")
        citizen = citizens.get(app.store, screen.citizen.id, staff_id=None, purpose="test")
        assert (citizen.id_number, citizen.name, citizen.sex) == (GOOD_ID, "李四", "2")

        # Consult only: recorded, nothing printed, then another item for the same person.
        await pilot.press("f5", "4", "f9")
        first = cases.get_case(app.store, screen.recorded[-1].id)
        assert first.outcome == "consult_only"
        assert not app.screen.check_action("reprint", ())
        await pilot.press("f5")  # another item: the command palette finds it
        await until(pilot, lambda: app.screen.__class__.__name__ == "CommandPalette", what="the palette")
        await pilot.press(*"户口迁入")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: screen.case is not None and screen.case.item_code == "hukou_move_in",
                    what="the second case")
        second = screen.case
        assert second.citizen_id == first.citizen_id  # the same person, not a new record

        # Accepted, delivered to the door on a date; the printer is unreachable and says so.
        await pilot.press("f5", "2", "f8", *"2030-01-20", "f9")
        await until(pilot, lambda: "打印失败" in text_of(app, "#status"), what="the print failure")
        assert "F11" in text_of(app, "#status")
        case = cases.get_case(app.store, second.id)
        assert (case.outcome, case.delivery, case.delivery_date, case.status) == (
            "accepted_forwarded", "door", "2030-01-20", "awaiting_delivery")
        assert app.screen.check_action("reprint", ())

        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, RatingScreen))
        await pilot.press("f10")  # leaving without a score is allowed: nobody is made to rate
        await until(pilot, lambda: not isinstance(app.screen, RatingScreen))
        assert list(app.store.query("SELECT COUNT(*) AS n FROM ratings")) == [{"n": 0}]
        assert tickets.get_ticket(app.store, ticket_id).status == "done"


async def test_the_outcome_form_says_what_is_missing(tmp_path) -> None:  # noqa: ANN001
    desk = prepare(tmp_path)
    app = GovanApp(desk.config, connect=False)
    async with app.run_test(size=(80, 24)) as pilot:
        # 户口迁移: back office, not mailable.
        sign_in_and_open(app, desk, call_ticket(app, desk, "hukou_move_in"))
        screen = await until(pilot, lambda: app.screen if isinstance(app.screen, IntakeScreen) else None)
        await pilot.press("f5")
        await until(pilot, lambda: screen.step == "materials")
        assert "未登记申请人" in text_of(app, "#status")
        await pilot.press("f5", "f9")
        assert "请先选择办理结果" in text_of(app, "#outcome-error")
        await pilot.press("1")  # completed on site is not offered for a back-office item
        assert screen.query_one("#outcome-form").outcome is None
        await pilot.press("2", "f7")  # by post is not offered for an item that cannot be mailed
        assert screen.query_one("#outcome-form").delivery == "on_site"
        await pilot.press("f8", "f9")
        assert "上门日期" in text_of(app, "#outcome-error")
        await pilot.press(*"2001-01-01", "f9")
        assert "不能早于今天" in text_of(app, "#outcome-error")
        await pilot.press("escape")  # back to the materials: nothing was recorded
        assert screen.step == "materials" and cases.get_case(app.store, screen.case.id).outcome is None
        await pilot.press("f5", "3", "f9")
        assert "请选择未办结原因" in text_of(app, "#outcome-error")
        await pilot.press("end", "f9")  # "other" needs words
        assert "请写明原因" in text_of(app, "#outcome-error")
        await pilot.press("tab", *"停电", "f9")
        await until(pilot, lambda: screen.step == "recorded")
        assert cases.get_case(app.store, screen.recorded[-1].id).reason == "other: 停电"


async def test_a_scanned_receipt_brings_its_case_back(tmp_path) -> None:  # noqa: ANN001
    """A person comes back with the receipt of an earlier case: its number goes into the focused
    case-number field, says what happened, and the new case is for the same item."""
    desk = prepare(tmp_path)
    app = GovanApp(desk.config, connect=False)
    async with app.run_test(size=(80, 24)) as pilot:
        sign_in_and_open(app, desk, call_ticket(app, desk, "hukou_certificate"))
        screen = await until(pilot, lambda: app.screen if isinstance(app.screen, IntakeScreen) else None)
        await pilot.press("f5")
        await until(pilot, lambda: screen.step == "materials")
        await pilot.press("f5", "3", "down", "f9")
        await until(pilot, lambda: app.screen.__class__.__name__ == "AppointmentOffer")
        await pilot.press("escape")
        await until(pilot, lambda: screen.step == "recorded")
        earlier = screen.recorded[-1]
        number = receipts.case_number(desk.config.van_id, earlier.id)
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, RatingScreen))
        await pilot.press("f10")

        # The next visit: a ticket for the queue only, no item yet.
        sign_in_and_open(app, desk, call_ticket(app, desk, None))
        screen = await until(pilot, lambda: app.screen if isinstance(app.screen, IntakeScreen) else None)
        await pilot.press("f5")
        await until(pilot, lambda: app.screen.__class__.__name__ == "CommandPalette")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        assert screen.case is None
        screen.query_one("#case-lookup").focus()
        await pilot.pause()
        scan = ScanEvent(event_id="s1", at="2026-11-20T10:00:00+08:00", code=receipts.CASE_QR_PREFIX + number,
                         symbology="qr")
        screen.post_message(CodeScanned(scan))
        await until(pilot, lambda: screen.case is not None, what="the case for the same item")
        assert screen.case.item_code == "hukou_certificate" and screen.case.id != earlier.id
        shown = text_of(app, "#lookup-result")
        assert number in shown and "未办结" in shown and "材料不全" in shown
        assert text_of(app, "#case-lookup") == receipts.CASE_QR_PREFIX + number

        screen.query_one("#case-lookup").focus()
        await pilot.pause()
        scan = ScanEvent(event_id="s2", at="2026-11-20T10:00:00+08:00", code="XX-99-000001", symbology=None)
        screen.post_message(CodeScanned(scan))
        await until(pilot, lambda: "不是本车的办件号" in text_of(app, "#lookup-result"), what="the refusal")


async def test_intake_in_english(tmp_path) -> None:  # noqa: ANN001
    desk = prepare(tmp_path, {"locale": "en"})
    app = GovanApp(desk.config, connect=False)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            sign_in_and_open(app, desk, call_ticket(app, desk, "hukou_certificate"))
            await until(pilot, lambda: isinstance(app.screen, IntakeScreen))
            assert "Intake A001" in text_of(app, "#intake-title")
            assert "Place the ID card" in text_of(app, "#person-card")
    finally:
        from tui.i18n import set_locale

        set_locale("zh_CN")
