"""What intake prints, as data: each document encodes for the narrowest and strictest printer
(58 mm paper, GBK) and decodes back to the lines a person reads, in Chinese whatever the staff's language."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import case_numbers
from daemon.messages import Document
from devices.printer.decoder import Barcode, Decoder, QrCode, TextLine
from devices.printer.encoder import encode
from devices.printer.profile import Profile
from flows import receipts

AT = datetime.fromisoformat("2026-11-20T10:05:00+08:00")
HEADER = receipts.ReceiptHeader(
    case_number="LG-01-000123",
    item_name="户籍证明开具",
    department="公安",
    person="陈*远",
    staff="林晓燕",
    window="1",
    stop="龙港市世纪社区服务中心",
    at=AT,
)
ADDRESS = "浙江省温州市龙港市世纪大道888号海城花园12幢3单元1502室"


def printed(document: Document, paper_mm: int = 58, chinese: str = "gbk") -> tuple[str, list[str], list[str]]:
    """(text, QR data, barcodes) as the printer would print them."""
    events = Decoder().feed(encode(document, Profile.for_paper(paper_mm, chinese)))  # type: ignore[arg-type]
    text = "\n".join(event.text for event in events if isinstance(event, TextLine))
    return (text, [e.data for e in events if isinstance(e, QrCode)], [e.data for e in events if isinstance(e, Barcode)])


def test_case_numbers_round_trip_through_barcode_and_qr() -> None:
    number = case_numbers.case_number("lg-01", 123)
    assert number == "LG-01-000123"
    assert case_numbers.parse_case_number(number, "lg-01") == 123
    assert case_numbers.parse_case_number(" gOvAn-case:lg-01-000123 ", "lg-01") == 123
    assert case_numbers.parse_case_number(case_numbers.case_number("lg-01", 1234567), "lg-01") == 1234567


@pytest.mark.parametrize("code", ["LG-02-000123", "LG-01-12", "1190123456789", "GOVAN-APPT:ABCD2345", "", "LG-01-"])
def test_other_codes_are_not_case_numbers(code: str) -> None:
    assert case_numbers.parse_case_number(code, "lg-01") is None


@given(st.text(max_size=60))
def test_any_scan_is_a_case_id_or_none(code: str) -> None:
    case_id = case_numbers.parse_case_number(code, "lg-01")
    assert case_id is None or (isinstance(case_id, int) and case_id >= 0)


@pytest.mark.parametrize("paper_mm, chinese", [(58, "gbk"), (80, "gb18030")])
def test_completed_receipt_has_the_case_item_result_and_qr(paper_mm: int, chinese: str) -> None:
    text, qr, barcodes = printed(
        receipts.completed_receipt(HEADER, receipts.DeliveryNote("on_site")), paper_mm, chinese
    )
    assert "办结回执" in text and "办件编号：LG-01-000123" in text and "户籍证明开具" in text
    assert "办理结果：已办结" in text and "已现场交付" in text and "陈*远" in text
    assert "林晓燕（1号窗口）" in text and "2026-11-20 10:05" in text
    assert qr == ["GOVAN-CASE:LG-01-000123"] and barcodes == ["LG-01-000123"]


def test_accepted_receipt_gives_the_time_limit_and_how_the_result_comes() -> None:
    lines = [
        receipts.MaterialLine("原居民身份证", "original_seen"),
        receipts.MaterialLine("身份证数字相片", "copy_captured"),
        receipts.MaterialLine("居民户口簿", "missing"),
    ]
    post = receipts.DeliveryNote("post", waybill="1190123456789")
    text, _, _ = printed(
        receipts.accepted_receipt(HEADER, post, time_limit_days=15, due=date(2026, 12, 11), materials=lines)
    )
    assert "受理回执" in text and "已受理，转后台办理" in text
    flat = text.replace("\n", "")  # long lines wrap at 24 characters on 58 mm paper
    assert "法定办结时限：15个工作日（2026-12-11前办结）" in flat and "运单号1190123456789" in flat.replace(" ", "")
    assert "1. 原居民身份证  原件已核" in text and "3. 居民户口簿  未提供" in text
    door, _, _ = printed(
        receipts.accepted_receipt(
            HEADER, receipts.DeliveryNote("door", on=date(2026, 11, 25)), time_limit_days=0, due=None, materials=[]
        )
    )
    assert "即办" in door and "送证上门，2026-11-25" in door
    collect, _, _ = printed(
        receipts.accepted_receipt(HEADER, receipts.DeliveryNote("on_site"), time_limit_days=5, due=None, materials=[])
    )
    assert "5个工作日" in collect and "凭本回执领取" in collect.replace("\n", "")


def test_missing_materials_list_names_what_to_bring_and_the_appointment() -> None:
    visit = receipts.BookedVisit(
        at=datetime.fromisoformat("2026-11-25T09:30:00+08:00"), code="ABCD2345", qr_payload="GOVAN-APPT:ABCD2345"
    )
    text, qr, _ = printed(
        receipts.missing_materials_list(HEADER, ["居民户口簿", "近期一寸免冠照片"], ["身份证原件"], visit)
    )
    assert "补齐材料告知单" in text and " 1. 居民户口簿" in text and " 2. 近期一寸免冠照片" in text
    assert "已核验：身份证原件" in text and "预约时间：2026-11-25 09:30" in text and "ABCD2345" in text
    assert qr == ["GOVAN-APPT:ABCD2345", "GOVAN-CASE:LG-01-000123"]
    text, qr, _ = printed(receipts.missing_materials_list(HEADER, ["居民户口簿"], [], None))
    assert "电话预约" in text and qr == ["GOVAN-CASE:LG-01-000123"]


def test_the_mailing_label_carries_name_phone_whole_address_and_waybill() -> None:
    label = receipts.address_label(
        receipts.MailingLabel(
            name="陈志远",
            phone="13812345678",
            address=ADDRESS,
            waybill="1190123456789",
            case_number="LG-01-000123",
            item_name="居民身份证换领",
            sender="龙港市流动政务客厅",
        )
    )
    text, _, barcodes = printed(label)
    assert "收件人：陈志远" in text and "电话：13812345678" in text
    assert ADDRESS in text.replace("\n", "")  # wrapped over lines, never cut
    assert barcodes == ["1190123456789"] and "LG-01-000123" in text
    no_waybill, _, barcodes = printed(
        receipts.address_label(
            receipts.MailingLabel(
                name="陈志远",
                phone="",
                address=ADDRESS,
                waybill=None,
                case_number="LG-01-000123",
                item_name="x",
                sender="y",
            )
        )
    )
    assert barcodes == [] and "电话" not in no_waybill
