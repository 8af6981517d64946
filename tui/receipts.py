"""What intake (受理) prints, as print documents: pure functions, rendered late by the daemon.

- the receipt of a case completed on site (办结回执): case number, item, result, QR;
- the receipt of a case accepted and forwarded (受理回执): the legal time limit and
  how the result will reach the person;
- the list of missing materials (补齐材料告知单), with the appointment if one was booked;
- the mailing label for delivery by post (政务服务+邮政).

A case number is the van id and the case id, e.g. LG-01-000123. It is printed as a
CODE128 barcode and inside a QR code (GOVAN-CASE:LG-01-000123), so either scan of a
receipt brings the case back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from daemon.messages import BarcodeBlock, Block, CutBlock, Document, FeedBlock, QrBlock, RuleBlock, TextBlock
from tui.i18n import t

CASE_QR_PREFIX = "GOVAN-CASE:"
_CASE_NUMBER = re.compile(r"(?P<van>[A-Z0-9-]+)-(?P<id>[0-9]{6,})")
Delivery = Literal["on_site", "post", "door"]


def case_number(van_id: str, case_id: int) -> str:
    """The number printed and spoken for a case: LG-01-000123."""
    return f"{van_id.upper()}-{case_id:06d}"


def parse_case_number(text: str, van_id: str) -> int | None:
    """The case id in a typed or scanned case number (or a receipt's QR), if it is this van's."""
    code = text.strip().upper()
    if code.startswith(CASE_QR_PREFIX):
        code = code[len(CASE_QR_PREFIX):]
    match = _CASE_NUMBER.fullmatch(code)
    if match is None or match.group("van") != van_id.upper():
        return None
    return int(match.group("id"))


@dataclass(frozen=True)
class ReceiptHeader:
    """What every intake printout names: the case, the item, who served, where and when."""

    case_number: str
    item_name: str
    department: str
    person: str  # masked (王*娜): a receipt can be lost
    staff: str
    window: str | None
    stop: str
    at: datetime  # local time


@dataclass(frozen=True)
class DeliveryNote:
    """How the result reaches the person."""

    kind: Delivery
    waybill: str | None = None
    on: date | None = None  # delivery to the door


@dataclass(frozen=True)
class MaterialLine:
    material: str
    state: Literal["original_seen", "copy_captured", "missing"]


@dataclass(frozen=True)
class BookedVisit:
    """An appointment booked for coming back with the missing materials."""

    at: datetime  # local time
    code: str
    qr_payload: str


def completed_receipt(header: ReceiptHeader, delivery: DeliveryNote) -> Document:
    """办结回执: the case was completed on site."""
    blocks = _top(header, t("intake.receipt.completed.title"))
    blocks += [
        TextBlock(text=t("intake.receipt.result", result=t("intake.receipt.result.completed")), bold=True),
        TextBlock(text=_delivery_text(delivery, accepted=False)),
    ]
    return _document(blocks + _bottom(header))


def accepted_receipt(
    header: ReceiptHeader,
    delivery: DeliveryNote,
    *,
    time_limit_days: int,
    due: date | None,
    materials: Sequence[MaterialLine],
) -> Document:
    """受理回执: accepted here, processed in the back office (现场受理、后台流转)."""
    blocks = _top(header, t("intake.receipt.accepted.title"))
    if time_limit_days == 0:
        limit = t("intake.receipt.limit.immediate")
    elif due is None:
        limit = t("intake.receipt.limit.days", days=time_limit_days)
    else:
        limit = t("intake.receipt.limit.days_due", days=time_limit_days, due=due.isoformat())
    blocks += [
        TextBlock(text=t("intake.receipt.result", result=t("intake.receipt.result.accepted")), bold=True),
        TextBlock(text=limit, bold=True),
        TextBlock(text=_delivery_text(delivery, accepted=True)),
    ]
    if materials:
        blocks.append(TextBlock(text=t("intake.receipt.materials")))
        blocks += [TextBlock(text=f" {n}. {line.material}  {t('intake.receipt.material.' + line.state)}")
                   for n, line in enumerate(materials, start=1)]
    return _document(blocks + _bottom(header))


def missing_materials_list(
    header: ReceiptHeader, missing: Sequence[str], seen: Sequence[str], visit: BookedVisit | None
) -> Document:
    """补齐材料告知单: what to bring next time, and when (if an appointment was booked)."""
    blocks = _top(header, t("intake.receipt.missing.title"))
    blocks.append(TextBlock(text=t("intake.receipt.missing.bring"), bold=True))
    blocks += [TextBlock(text=f" {n}. {material}", bold=True) for n, material in enumerate(missing, start=1)]
    if seen:
        blocks.append(TextBlock(text=t("intake.receipt.missing.seen", materials="、".join(seen))))
    if visit is not None:
        blocks += [
            RuleBlock(),
            TextBlock(text=t("intake.receipt.missing.appointment", at=visit.at.strftime("%Y-%m-%d %H:%M")), bold=True),
            TextBlock(text=t("intake.receipt.missing.appointment_code", code=visit.code)),
            QrBlock(data=visit.qr_payload, size=5),
            TextBlock(text=t("intake.receipt.missing.appointment_scan"), align="center"),
        ]
    else:
        blocks.append(TextBlock(text=t("intake.receipt.missing.no_appointment")))
    return _document(blocks + _bottom(header))


def address_label(
    *, name: str, phone: str, address: str, waybill: str | None, case_number: str, item_name: str, sender: str
) -> Document:
    """The mailing label for the result (政务服务+邮政). It carries the full name and address: it is
    stuck on the envelope, which is what it is for."""
    blocks: list[Block] = [
        TextBlock(text=t("intake.receipt.label.title"), align="center", size=(2, 2), bold=True),
        RuleBlock(),
        TextBlock(text=t("intake.receipt.label.to", name=name), size=(1, 2), bold=True),
    ]
    if phone:
        blocks.append(TextBlock(text=t("intake.receipt.label.phone", phone=phone), size=(1, 2)))
    blocks += [TextBlock(text=t("intake.receipt.label.address", address=address), size=(1, 2)), RuleBlock()]
    if waybill:
        blocks += [TextBlock(text=t("intake.receipt.label.waybill", waybill=waybill)),
                   BarcodeBlock(data=waybill, height=80)]
    blocks += [
        TextBlock(text=t("intake.receipt.case", number=case_number)),
        TextBlock(text=t("intake.receipt.item", item=item_name)),
        TextBlock(text=t("intake.receipt.label.from", sender=sender)),
        FeedBlock(lines=2),
        CutBlock(),
    ]
    return Document(blocks=blocks)


def _delivery_text(delivery: DeliveryNote, *, accepted: bool) -> str:
    if delivery.kind == "post":
        return t("intake.receipt.delivery.post", waybill=delivery.waybill or t("intake.receipt.delivery.waybill_later"))
    if delivery.kind == "door":
        return t("intake.receipt.delivery.door", date=delivery.on.isoformat() if delivery.on else "")
    return t("intake.receipt.delivery.collect") if accepted else t("intake.receipt.delivery.handed")


def _top(header: ReceiptHeader, title: str) -> list[Block]:
    return [
        TextBlock(text=t("app.title"), align="center", bold=True),
        TextBlock(text=title, align="center", size=(2, 2), bold=True),
        RuleBlock(),
        TextBlock(text=t("intake.receipt.case", number=header.case_number), bold=True),
        TextBlock(text=t("intake.receipt.item", item=header.item_name)),
        TextBlock(text=t("intake.receipt.department", department=header.department)),
        *([TextBlock(text=t("intake.receipt.person", person=header.person))] if header.person else []),
    ]


def _bottom(header: ReceiptHeader) -> list[Block]:
    served = (t("intake.receipt.served_window", staff=header.staff, window=header.window) if header.window
              else t("intake.receipt.served", staff=header.staff))
    return [
        RuleBlock(),
        TextBlock(text=served),
        TextBlock(text=t("intake.receipt.where", stop=header.stop, time=header.at.strftime("%Y-%m-%d %H:%M"))),
        QrBlock(data=CASE_QR_PREFIX + header.case_number, size=5),
        BarcodeBlock(data=header.case_number, height=60),
        TextBlock(text=t("intake.receipt.keep"), align="center"),
        FeedBlock(lines=2),
        CutBlock(),
    ]


def _document(blocks: list[Block]) -> Document:
    return Document(blocks=blocks)
