"""Intake end to end: a real broker and daemon with sim devices, the real app driven by keys.

Each test starts the daemon (embedded broker, pty ID reader and scanner, TCP virtual
printer, file-dropping camera) and the app on one event loop, signs in the clerk at
window 1 and calls a ticket to it, then works the intake screen by keys only. Intake holds
the reader at the person step and the scanner after it; a card or scan reaches it only then.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime

import pytest

from core.case_numbers import CASE_QR_PREFIX
from db import appointments, audit, cases, citizens, followups, ratings, tickets, workdays
from flows import claims
from tests.support.fonts import require_cjk_font
from tests.tui.harness import (
    SIM_DEVICES,
    call_ticket,
    daemon_ready,
    footer_keys,
    prepare_store,
    screen_text,
    sign_in_and_open,
    until,
)
from tui.app import GovanApp
from tui.screens.intake import IntakeScreen
from tui.screens.rating import RatingScreen

RESIDENT_ID, RESIDENT_ADDRESS = "330327199005170011", "浙江省温州市龙港市世纪大道888号"


def text_of(app: GovanApp, selector: str) -> str:
    widget = app.screen.query_one(selector)
    value = getattr(widget, "value", None)
    return value if isinstance(value, str) else str(widget.render())


async def open_intake(app: GovanApp, pilot, desk, item_code: str | None) -> IntakeScreen:  # noqa: ANN001
    await daemon_ready(app, pilot)
    ticket_id = call_ticket(app, desk, item_code)
    sign_in_and_open(app, desk, ticket_id)
    screen = await until(
        pilot, lambda: app.screen if isinstance(app.screen, IntakeScreen) else None, what="the intake screen"
    )
    await holding(app, pilot, "idreader")
    return screen


async def holding(app: GovanApp, pilot, device: str) -> None:  # noqa: ANN001
    await until(pilot, lambda: claims.holder(app.van, device).mine, what=f"intake holding the {device}")


async def place_card(van, app: GovanApp, pilot, preset: str, name: str) -> None:  # noqa: ANN001
    van.client.publish(van.topics.sim("idreader", "place"), {"preset": preset})
    await until(pilot, lambda: text_of(app, "#person-name") == name, what=f"the {preset} card in the form")
    # Then the holder is filed (or the number refused), just after the form is painted.
    await until(
        pilot,
        lambda: text_of(app, "#person-notice") or "不能建立" in text_of(app, "#person-warnings"),
        what="the card holder filed",
    )


def scan(van, code: str) -> None:  # noqa: ANN001
    van.client.publish(van.topics.sim("scanner", "scan"), {"code": code})


async def test_a_card_fills_the_form_ticks_its_original_and_a_completed_case_prints_its_number(van_factory) -> None:  # noqa: ANN001
    require_cjk_font()  # the certified copy carries the stamp
    async with van_factory(SIM_DEVICES) as van:
        desk = prepare_store(van.config)
        app = GovanApp(van.config)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_intake(app, pilot, desk, "hukou_certificate")
            await place_card(van, app, pilot, "resident", "陈志远")
            assert text_of(app, "#person-address") == RESIDENT_ADDRESS
            assert text_of(app, "#person-id") == "3303**********0011"  # masked once filled in
            assert "1990-05-17" in text_of(app, "#person-birth")
            assert text_of(app, "#person-nation") == "汉"
            assert "居民身份证" in text_of(app, "#person-card") and "2036-08-20" in text_of(app, "#person-validity")
            assert text_of(app, "#person-warnings") == ""
            await pilot.press("f5")
            await until(pilot, lambda: "居民户口簿" in screen_text(app), what="the materials step")
            # 身份证原件 is ticked by the card read; 居民户口簿: a certified copy from the document camera.
            assert re.search("身份证原件 +原件已核", screen_text(app))
            case_id = screen.intake.case.id
            await pilot.press("down", "c")
            await until(pilot, lambda: "已留存复印件" in screen_text(app), timeout=30, what="the certified copy")
            copy = cases.list_attachments(app.store, case_id)[0]
            assert copy.kind == "certified_copy" and copy.certified_by == desk.clerk.id and copy.certified_at
            assert copy.path.startswith(str(van.config.data_path)) and copy.bytes > 0
            await until(pilot, lambda: copy.path.rsplit("/", 1)[-1] in screen_text(app), what="the capture listed")

            # Completed on site: the receipt has the case number, the item, the result and a QR code.
            await pilot.press("f5", "1", "f9")
            printer = van.runtime("printer").unit.emulator
            receipt = (await printer.wait_for_receipts(1, timeout=10))[-1]
            number = screen.intake.number_of(cases.get_case(app.store, case_id))
            printed = "\n".join(receipt.lines)
            assert f"办件编号：{number}" in printed and "户籍证明开具" in printed and "已办结" in printed
            assert receipt.qr_data == [CASE_QR_PREFIX + number] and receipt.barcodes == [number]
            assert RESIDENT_ID not in printed and "陈*远" in printed
            case = cases.get_case(app.store, case_id)
            assert (case.outcome, case.delivery, case.status) == ("completed_on_site", "on_site", "closed")

            # The visit ends; the rating screen invites a score and suggests none.
            await until(pilot, lambda: "已打印" in text_of(app, "#status"), what="the print result")
            await pilot.press("f10")
            rating = await until(pilot, lambda: app.screen if isinstance(app.screen, RatingScreen) else None)
            assert rating.focused is None
            assert tickets.get_ticket(app.store, screen.intake.ticket.id).status == "done"
            await pilot.press("4", "f10")
            await until(pilot, lambda: not isinstance(app.screen, RatingScreen), what="the rating to close")
            assert [(r["score"], r["comment"]) for r in app.store.query("SELECT score, comment FROM ratings")] == [
                (4, "")
            ]
            assert ratings.list_follow_ups(app.store) == []


async def test_cards_warn_plainly_and_the_same_person_is_found_again(van_factory) -> None:  # noqa: ANN001
    async with van_factory(SIM_DEVICES) as van:
        desk = prepare_store(van.config)
        app = GovanApp(van.config)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_intake(app, pilot, desk, "hukou_certificate")
            await place_card(van, app, pilot, "resident_expired", "林小燕")
            assert "证件已过期（有效期至 2018-03-03）" in text_of(app, "#person-warnings")
            expired_citizen = screen.intake.citizen
            assert expired_citizen is not None  # an expired card still identifies the person

            # F7 clears the person: the next card fills in without asking to replace anyone.
            await pilot.press("f7")
            await place_card(van, app, pilot, "resident_bad_check_digit", "王建国")
            assert "校验位错误" in text_of(app, "#person-warnings") and "不能建立" in text_of(app, "#person-warnings")
            await pilot.press("f7")
            await place_card(van, app, pilot, "hk_mo_tw", "黄嘉欣")
            assert "港澳台居民居住证" in text_of(app, "#person-card") and "H12345678" in text_of(app, "#person-card")
            await pilot.press("f7")
            await place_card(van, app, pilot, "foreign_2017", "约翰·史密斯")
            assert "外国人永久居留身份证（2017版）" in text_of(app, "#person-card")
            assert "SMITH, JOHN MICHAEL" in text_of(app, "#person-card")
            assert "不能建立个人档案" in text_of(app, "#person-warnings")

            # The same card again: found, never duplicated.
            await pilot.press("f7")
            await place_card(van, app, pilot, "resident_expired", "林小燕")
            assert screen.intake.citizen.id == expired_citizen.id
            assert "已有档案" in text_of(app, "#person-notice")
            count = next(
                app.store.query("SELECT COUNT(*) AS n FROM citizens WHERE id_number = ?", ["330327198609110023"])
            )["n"]
            assert count == 1

            # Showing the full number is audited, with the clerk; the masked one is not.
            views_before = len(audit.entries(app.store, subject="citizen", subject_id=expired_citizen.id))
            assert text_of(app, "#person-id") == "3303**********0023"
            await pilot.press("f6")
            assert text_of(app, "#person-id") == "330327198609110023"
            entries = audit.entries(app.store, subject="citizen", subject_id=expired_citizen.id)
            assert len(entries) == views_before + 1
            assert entries[-1].action == "view" and "full ID number" in entries[-1].detail
            assert entries[-1].staff_id == desk.clerk.id
            await pilot.press("f6")
            assert text_of(app, "#person-id") == "3303**********0023"


async def test_not_done_prints_what_to_bring_and_a_bad_rating_keeps_its_comment(van_factory) -> None:  # noqa: ANN001
    """The comment typed on the rating screen became a separate suggestion; the follow-up read 意见：—."""
    async with van_factory(SIM_DEVICES) as van:
        desk = prepare_store(van.config)
        app = GovanApp(van.config)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_intake(app, pilot, desk, "hukou_certificate")
            await place_card(van, app, pilot, "resident", "陈志远")
            await pilot.press("f5")
            await until(pilot, lambda: "居民户口簿" in screen_text(app))
            # The camera fails: its problem is said in words and 居民户口簿 stays missing, so the case is not done.
            van.client.publish(van.topics.sim("camera", "fault"), {"fault": "fail"})
            await pilot.press("down", "c")
            await until(
                pilot,
                lambda: "拍摄失败：图片无法识别，请重拍" in text_of(app, "#status"),
                timeout=30,
                what="the camera's failure in words",
            )
            assert cases.get_case(app.store, screen.intake.case.id).materials[1].state == "missing"
            await pilot.press("f5", "3")
            await pilot.press("down", "f9")  # the first reason: materials missing
            await until(pilot, lambda: app.screen.__class__.__name__ == "AppointmentOffer", what="the offer")
            await pilot.press(*"2001-01-01 09:30", "enter")
            await until(pilot, lambda: "预约时间应晚于现在" in screen_text(app), what="a time in the past refused")
            app.screen.query_one("#appointment-at").value = ""
            await pilot.press(*"2030-01-15 09:30", "enter")
            receipt = (await van.runtime("printer").unit.emulator.wait_for_receipts(1, timeout=10))[-1]
            printed = "\n".join(receipt.lines)
            assert "补齐材料告知单" in printed and "1. 居民户口簿" in printed
            assert "已核验：身份证原件" in printed and "预约时间：2030-01-15 09:30" in printed
            case = cases.get_case(app.store, screen.intake.recorded[-1].id)
            assert case.outcome == "not_done" and case.reason == "missing_materials: 居民户口簿"
            [booked] = appointments.list_for_day(app.store, date(2030, 1, 15), tz=van.config.tz)
            assert booked.citizen_id == screen.intake.citizen.id and booked.items == ("hukou_certificate",)
            assert booked.qr_payload in receipt.qr_data

            await until(pilot, lambda: "已打印" in text_of(app, "#status"), what="the print result")
            await pilot.press("f10")
            await until(pilot, lambda: isinstance(app.screen, RatingScreen))
            await pilot.press("2")  # 不满意: the person is asked why, in their words
            today = datetime.now(van.config.tz).date()
            deadline = workdays.add_working_days(today, 5, van.config.service.holidays)
            assert deadline.isoformat() in screen_text(app) and "不满意的原因" in screen_text(app)
            assert app.screen.focused.id == "comment"
            await pilot.press(*"等了很久", "enter", "f10")
            await until(pilot, lambda: not isinstance(app.screen, RatingScreen))
            [follow_up] = followups.list_lines(app.store)
            assert (follow_up.score, follow_up.named, follow_up.comment) == (2, True, "等了很久")
            assert follow_up.follow_up.deadline == deadline
            assert ratings.list_suggestions(app.store) == []  # the comment is the rating's, not a suggestion


async def test_by_post_the_waybill_is_scanned_wherever_the_focus_is_and_no_personal_data_is_logged(
    van_factory,  # noqa: ANN001
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    async with van_factory(SIM_DEVICES) as van:
        desk = prepare_store(van.config)
        app = GovanApp(van.config)
        async with app.run_test(size=(80, 24)) as pilot:
            # 居民身份证换领: back office, mailable, needs an ID photo.
            screen = await open_intake(app, pilot, desk, "id_card_renewal")
            await place_card(van, app, pilot, "resident", "陈志远")
            await pilot.press(*"13812345678", "f5")
            await until(pilot, lambda: "身份证数字相片" in screen_text(app))
            assert re.search("原居民身份证 +原件已核", screen_text(app))
            case_id = screen.intake.case.id
            await pilot.press("down", "o", "down", "p")  # 身份证数字相片 in ID-photo mode
            await until(
                pilot,
                lambda: cases.get_case(app.store, case_id).materials[2].state == "copy_captured",
                timeout=30,
                what="the ID photo",
            )
            [photo] = cases.list_attachments(app.store, case_id)
            assert photo.kind == "id_photo" and photo.certified_by is None

            await pilot.press("f5", "2")  # accepted and forwarded; the focus stays on the outcome
            await holding(app, pilot, "scanner")
            scan(van, "1190123456789")  # scanning the waybill chooses the post
            await until(pilot, lambda: text_of(app, "#delivery-waybill") == "1190123456789", what="the scan")
            assert text_of(app, "#delivery-address") == RESIDENT_ADDRESS  # the address came from the card
            await pilot.press("f9")
            receipt, label = await van.runtime("printer").unit.emulator.wait_for_receipts(2, timeout=10)
            case = cases.get_case(app.store, case_id)
            assert (case.outcome, case.delivery, case.waybill, case.status) == (
                "accepted_forwarded",
                "post",
                "1190123456789",
                "awaiting_delivery",
            )
            receipt_text = "\n".join(receipt.lines)
            assert "受理回执" in receipt_text and "15个工作日" in receipt_text and "1190123456789" in receipt_text
            label_text = "\n".join(label.lines)
            assert "收件人：陈志远" in label_text and "电话：13812345678" in label_text
            assert RESIDENT_ADDRESS in label_text.replace("\n", "")
            assert label.barcodes == ["1190123456789"]
            [message] = [m for m in __import__("db").outbox.pending(app.store) if m.payload["case_id"] == case_id]
            assert message.payload["attachments"][0]["sha256"] == photo.sha256

            await until(pilot, lambda: "已打印" in text_of(app, "#status"), what="the print result")
            await pilot.press("f10")
            await until(pilot, lambda: isinstance(app.screen, RatingScreen))
            await pilot.press("f8", "tab", *"希望增加周末服务", "enter", "f10")
            await until(pilot, lambda: not isinstance(app.screen, RatingScreen))
            assert [s.text for s in ratings.list_suggestions(app.store)] == ["希望增加周末服务"]
            assert list(app.store.query("SELECT COUNT(*) AS n FROM ratings")) == [{"n": 0}]
            citizen = citizens.get(app.store, screen.intake.citizen.id, staff_id=None, purpose="test")

    logged = caplog.text + "".join(capfd.readouterr())
    assert caplog.records  # the check has teeth: DEBUG logging from every library was captured
    for secret in (RESIDENT_ID, RESIDENT_ADDRESS, "陈志远", "13812345678", citizen.address):
        assert secret not in logged


async def test_a_scanned_receipt_brings_its_case_back_wherever_the_focus_is(van_factory) -> None:  # noqa: ANN001
    """A scanned code was refused unless the case-number field had focus."""
    async with van_factory(SIM_DEVICES) as van:
        desk = prepare_store(van.config)
        app = GovanApp(van.config)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_intake(app, pilot, desk, "hukou_certificate")
            await pilot.press("f5")
            await until(pilot, lambda: "居民户口簿" in screen_text(app))
            await pilot.press("f5", "3", "down", "f9")
            await until(pilot, lambda: app.screen.__class__.__name__ == "AppointmentOffer")
            await pilot.press("escape")
            await until(pilot, lambda: "已记录：未办结" in screen_text(app))
            number = screen.intake.number_of(screen.intake.recorded[-1])
            await pilot.press("f10")
            await until(pilot, lambda: isinstance(app.screen, RatingScreen))
            await pilot.press("f10")

            # The next visit: a ticket for the queue only; the palette is closed, the checklist has the focus.
            screen = await open_intake(app, pilot, desk, None)
            await pilot.press("f5")
            await until(pilot, lambda: app.screen.__class__.__name__ == "CommandPalette")
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is screen)
            await holding(app, pilot, "scanner")
            assert screen.focused is not None and screen.focused.id == "materials-table"
            scan(van, CASE_QR_PREFIX + number)
            await until(pilot, lambda: number in text_of(app, "#lookup-result"), what="the case looked up")
            shown = text_of(app, "#lookup-result")
            assert "未办结" in shown and "材料不全" in shown
            assert "户籍证明开具" in text_of(app, "#item-line") and "身份证原件" in screen_text(app)
            assert "f5 下一步" in footer_keys(app)
            scan(van, "XX-99-000001")
            await until(pilot, lambda: "不是本车的办件号" in text_of(app, "#lookup-result"), what="the refusal")
