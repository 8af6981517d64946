"""Intake end to end: a real broker and daemon with sim devices, the real app driven by keys.

Each test starts the daemon (embedded broker, pty ID reader and scanner, TCP virtual
printer, file-dropping camera) and the app on one event loop, signs in the clerk at
window 1 and calls a ticket to it, then works the intake screen by keys only.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

import pytest

from db import appointments, audit, cases, citizens, ratings, tickets, workdays
from tests.support.fonts import require_cjk_font
from tests.tui.harness import (
    SIM_DEVICES,
    call_ticket,
    daemon_ready,
    prepare_store,
    sign_in_and_open,
    until,
)
from tui import receipts
from tui.app import GovanApp
from tui.screens.intake import IntakeScreen
from tui.screens.rating import RatingScreen

RESIDENT_ID, RESIDENT_ADDRESS = "330327199005170011", "浙江省温州市龙港市世纪大道888号"


def text_of(app: GovanApp, selector: str) -> str:
    widget = app.screen.query_one(selector)
    value = getattr(widget, "value", None)
    return value if isinstance(value, str) else str(widget.render())


async def open_intake(app: GovanApp, pilot, desk, item_code: str) -> IntakeScreen:  # noqa: ANN001
    await daemon_ready(app, pilot)
    ticket_id = call_ticket(app, desk, item_code)
    sign_in_and_open(app, desk, ticket_id)
    return await until(pilot, lambda: app.screen if isinstance(app.screen, IntakeScreen) else None,
                       what="the intake screen")


async def place_card(van, app: GovanApp, pilot, preset: str, name: str) -> None:  # noqa: ANN001
    van.client.publish(van.topics.sim("idreader", "place"), {"preset": preset})
    await until(pilot, lambda: text_of(app, "#person-name") == name, what=f"the {preset} card in the form")
    # Then the holder is filed (or the number refused), just after the form is painted.
    await until(pilot, lambda: text_of(app, "#person-notice") or "不能建立" in text_of(app, "#person-warnings"),
                what="the card holder filed")


async def test_a_card_fills_the_form_and_a_completed_case_prints_its_number(van_factory) -> None:  # noqa: ANN001
    require_cjk_font()  # the certified copy carries the stamp
    async with van_factory(SIM_DEVICES) as van:
        desk = prepare_store(van.config)
        app = GovanApp(van.config)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_intake(app, pilot, desk, "hukou_certificate")
            await place_card(van, app, pilot, "resident", "陈志远")
            assert text_of(app, "#person-address") == RESIDENT_ADDRESS
            assert text_of(app, "#person-id-shown") == "3303**********0011"  # masked once filled in
            assert "1990-05-17" in text_of(app, "#person-birth")
            assert text_of(app, "#person-nation") == "汉"
            assert "居民身份证" in text_of(app, "#person-card") and "2036-08-20" in text_of(app, "#person-validity")
            assert text_of(app, "#person-warnings") == ""
            await pilot.press("f5")
            await until(pilot, lambda: screen.step == "materials", what="the materials step")
            case_id = screen.case.id
            assert cases.get_case(app.store, case_id).citizen_id == screen.citizen.id

            # 身份证原件: original seen; 居民户口簿: a certified copy from the document camera.
            await pilot.press("o", "down", "c")
            await until(pilot, lambda: cases.get_case(app.store, case_id).materials[1].state == "copy_captured",
                        timeout=30, what="the certified copy")
            copy = cases.list_attachments(app.store, case_id)[0]
            assert copy.kind == "certified_copy" and copy.certified_by == desk.clerk.id and copy.certified_at
            assert copy.path.startswith(str(van.config.data_path)) and copy.bytes > 0
            assert [line.state for line in cases.get_case(app.store, case_id).materials] == [
                "original_seen", "copy_captured"]
            await until(pilot, lambda: copy.path.rsplit("/", 1)[-1] in str(
                app.screen.query_one("#captures-text").render()), what="the capture listed")

            # Completed on site: the receipt has the case number, the item, the result and a QR code.
            await pilot.press("f5", "1", "f9")
            printer = van.runtime("printer").unit.emulator
            receipt = (await printer.wait_for_receipts(1, timeout=10))[-1]
            number = receipts.case_number(van.config.van_id, case_id)
            printed = "\n".join(receipt.lines)
            assert f"办件编号：{number}" in printed and "户籍证明开具" in printed and "已办结" in printed
            assert receipt.qr_data == [receipts.CASE_QR_PREFIX + number] and receipt.barcodes == [number]
            assert RESIDENT_ID not in printed and "陈*远" in printed
            case = cases.get_case(app.store, case_id)
            assert (case.outcome, case.delivery, case.status) == ("completed_on_site", "on_site", "closed")

            # The visit ends; the rating screen invites a score and suggests none.
            await until(pilot, lambda: "已打印" in text_of(app, "#status"), what="the print result")
            await pilot.press("f10")
            rating = await until(pilot, lambda: app.screen if isinstance(app.screen, RatingScreen) else None)
            assert rating.focused is None
            assert tickets.get_ticket(app.store, screen.ticket_id).status == "done"
            await pilot.press("4", "f10")
            await until(pilot, lambda: not isinstance(app.screen, RatingScreen), what="the rating to close")
            assert ratings.list_follow_ups(app.store) == []


async def test_cards_warn_plainly_and_the_same_person_is_found_again(van_factory) -> None:  # noqa: ANN001
    async with van_factory(SIM_DEVICES) as van:
        desk = prepare_store(van.config)
        app = GovanApp(van.config)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_intake(app, pilot, desk, "hukou_certificate")
            await place_card(van, app, pilot, "resident_expired", "林小燕")
            assert "证件已过期（有效期至 2018-03-03）" in text_of(app, "#person-warnings")
            expired_citizen = screen.citizen
            assert expired_citizen is not None  # an expired card still identifies the person

            await place_card(van, app, pilot, "resident_bad_check_digit", "王建国")
            assert "校验位错误" in text_of(app, "#person-warnings")
            assert screen.citizen is None  # a number failing GB 11643 is not filed

            await place_card(van, app, pilot, "hk_mo_tw", "黄嘉欣")
            assert "港澳台居民居住证" in text_of(app, "#person-card") and "H12345678" in text_of(app, "#person-card")
            await place_card(van, app, pilot, "foreign_2017", "约翰·史密斯")
            assert "外国人永久居留身份证（2017版）" in text_of(app, "#person-card")
            assert "SMITH, JOHN MICHAEL" in text_of(app, "#person-card")
            assert "不能建立个人档案" in text_of(app, "#person-warnings")

            # The same card again: found, never duplicated.
            await place_card(van, app, pilot, "resident_expired", "林小燕")
            assert screen.citizen.id == expired_citizen.id
            assert "已有档案" in text_of(app, "#person-notice")
            count = next(app.store.query("SELECT COUNT(*) AS n FROM citizens WHERE id_number = ?",
                                         ["330327198609110023"]))["n"]
            assert count == 1

            # Showing the full number is audited; the masked one is not.
            views_before = len(audit.entries(app.store, subject="citizen", subject_id=expired_citizen.id))
            assert text_of(app, "#person-id-shown") == "3303**********0023"
            await pilot.press("f6")
            assert text_of(app, "#person-id-shown") == "330327198609110023"
            entries = audit.entries(app.store, subject="citizen", subject_id=expired_citizen.id)
            assert len(entries) == views_before + 1
            assert entries[-1].action == "view" and "full ID number" in entries[-1].detail
            assert entries[-1].staff_id == desk.clerk.id
            await pilot.press("f6")
            assert text_of(app, "#person-id-shown") == "3303**********0023"


async def test_not_done_prints_what_to_bring_and_a_bad_rating_opens_a_follow_up(van_factory) -> None:  # noqa: ANN001
    async with van_factory(SIM_DEVICES) as van:
        desk = prepare_store(van.config)
        app = GovanApp(van.config)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_intake(app, pilot, desk, "hukou_certificate")
            await place_card(van, app, pilot, "resident", "陈志远")
            await pilot.press("f5")
            await until(pilot, lambda: screen.step == "materials")
            # The camera fails: its error is shown and 居民户口簿 stays missing, so the case is not done.
            van.client.publish(van.topics.sim("camera", "fault"), {"fault": "fail"})
            await pilot.press("o", "down", "c")
            await until(pilot, lambda: "拍摄失败" in text_of(app, "#status"), timeout=30, what="the camera's failure")
            assert cases.get_case(app.store, screen.case.id).materials[1].state == "missing"
            await pilot.press("f5", "3")
            await pilot.press("down", "f9")  # the first reason: materials missing
            await until(pilot, lambda: app.screen.__class__.__name__ == "AppointmentOffer", what="the offer")
            await pilot.press(*"2030-01-15 09:30", "enter")
            receipt = (await van.runtime("printer").unit.emulator.wait_for_receipts(1, timeout=10))[-1]
            printed = "\n".join(receipt.lines)
            assert "补齐材料告知单" in printed and "1. 居民户口簿" in printed
            assert "已核验：身份证原件" in printed and "预约时间：2030-01-15 09:30" in printed
            case = cases.get_case(app.store, screen.case.id)
            assert case.outcome == "not_done" and case.reason == "missing_materials: 居民户口簿"
            [booked] = appointments.list_for_day(app.store, date(2030, 1, 15), tz=van.config.tz)
            assert booked.citizen_id == screen.citizen.id and booked.items == ("hukou_certificate",)
            assert booked.qr_payload in receipt.qr_data

            await until(pilot, lambda: "已打印" in text_of(app, "#status"), what="the print result")
            await pilot.press("f10")
            await until(pilot, lambda: isinstance(app.screen, RatingScreen))
            await pilot.press("2")
            [follow_up] = ratings.list_follow_ups(app.store)
            today = datetime.now(van.config.tz).date()
            assert follow_up.deadline == workdays.add_working_days(today, 5, van.config.service.holidays)
            assert van.config.service.followup_working_days == 5
            assert follow_up.deadline.isoformat() in text_of(app, "#rating-result")
            await pilot.press("1", "f10")  # one rating per visit: a second key does nothing
            await until(pilot, lambda: not isinstance(app.screen, RatingScreen))
            [rating] = list(app.store.query("SELECT score, named FROM ratings"))
            assert rating == {"score": 2, "named": 1}


async def test_by_post_the_waybill_is_scanned_and_the_label_printed_with_no_personal_data_logged(
    van_factory, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]  # noqa: ANN001
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
            await until(pilot, lambda: screen.step == "materials")
            case_id = screen.case.id
            await pilot.press("o", "down", "o", "down", "p")  # 身份证数字相片 in ID-photo mode
            await until(pilot, lambda: cases.get_case(app.store, case_id).materials[2].state == "copy_captured",
                        timeout=30, what="the ID photo")
            [photo] = cases.list_attachments(app.store, case_id)
            assert photo.kind == "id_photo" and photo.certified_by is None

            await pilot.press("f5", "2", "f7")  # accepted and forwarded, by post
            assert app.screen.focused.id == "delivery-waybill"  # the address came from the card
            assert text_of(app, "#delivery-address") == RESIDENT_ADDRESS
            van.client.publish(van.topics.sim("scanner", "scan"), {"code": "1190123456789"})
            await until(pilot, lambda: text_of(app, "#delivery-waybill") == "1190123456789", what="the scan")
            await pilot.press("f9")
            receipt, label = await van.runtime("printer").unit.emulator.wait_for_receipts(2, timeout=10)
            case = cases.get_case(app.store, case_id)
            assert (case.outcome, case.delivery, case.waybill, case.status) == (
                "accepted_forwarded", "post", "1190123456789", "awaiting_delivery")
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
            citizen = citizens.get(app.store, screen.citizen.id, staff_id=None, purpose="test")

    logged = caplog.text + "".join(capfd.readouterr())
    assert caplog.records  # the check has teeth: DEBUG logging from every library was captured
    for secret in (RESIDENT_ID, RESIDENT_ADDRESS, "陈志远", "13812345678", citizen.address):
        assert secret not in logged
