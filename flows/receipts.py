"""What intake prints for the person, and which of it an outcome calls for: print documents, rendered late.

- the receipt of a case completed on site (办结回执): case number, item, result, QR;
- the receipt of a case accepted and forwarded (受理回执): the legal time limit, its due
  date, and how the result will reach the person;
- the list of missing materials (补齐材料告知单), with the appointment if one was booked;
- the mailing label for delivery by post (政务服务+邮政).

Receipts are the citizen's paper, not the clerk's screen: they are always in Chinese,
whatever language the staff work in, so their words live here and not in the views'
translations. A case number (LG-01-000123, core.case_numbers) is printed as a CODE128
barcode and inside a QR code, so either scan of a receipt brings the case back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from core.case_numbers import CASE_QR_PREFIX
from daemon.messages import BarcodeBlock, Block, CutBlock, Document, FeedBlock, QrBlock, RuleBlock, TextBlock
from db import workdays
from db.cases import Case, Delivery, MaterialState
from db.catalogue import Item
from flows import reasons

__all__ = [
    "OFFICE",
    "BookedVisit",
    "DeliveryNote",
    "MailingLabel",
    "MaterialLine",
    "Printout",
    "PrintoutKind",
    "ReceiptHeader",
    "accepted_receipt",
    "address_label",
    "completed_receipt",
    "due_date",
    "missing_materials_list",
    "printouts",
    "wants_missing_list",
]

OFFICE = "龙港市流动政务客厅"
PrintoutKind = Literal["receipt", "missing_list", "label"]
_MATERIAL_STATE = {"original_seen": "原件已核", "copy_captured": "复印件已留存", "missing": "未提供"}


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
    state: MaterialState


@dataclass(frozen=True)
class BookedVisit:
    """An appointment booked for coming back with the missing materials."""

    at: datetime  # local time
    code: str
    qr_payload: str


@dataclass(frozen=True)
class MailingLabel:
    """What the envelope needs: it carries the full name and address, which is what it is for."""

    name: str
    phone: str
    address: str
    waybill: str | None
    case_number: str
    item_name: str
    sender: str


@dataclass(frozen=True)
class Printout:
    kind: PrintoutKind
    document: Document


def due_date(item: Item, accepted_on: date, holidays: Iterable[str | date]) -> date | None:
    """When an accepted case must be done: its legal time limit in working days; None for an immediate one."""
    if not item.time_limit_days:
        return None
    return workdays.add_working_days(accepted_on, item.time_limit_days, holidays)


def printouts(
    case: Case,
    item: Item,
    header: ReceiptHeader,
    *,
    due: date | None,
    visit: BookedVisit | None,
    label: MailingLabel | None,
) -> list[Printout]:
    """What this outcome prints, in order: its receipt or list of what to bring, then the mailing label."""
    delivery = DeliveryNote(
        kind=case.delivery or "on_site",
        waybill=case.waybill,
        on=date.fromisoformat(case.delivery_date) if case.delivery_date else None,
    )
    documents: list[Printout] = []
    if case.outcome == "completed_on_site":
        documents.append(Printout("receipt", completed_receipt(header, delivery)))
    elif case.outcome == "accepted_forwarded":
        lines = [MaterialLine(line.material, line.state) for line in case.materials]
        documents.append(
            Printout(
                "receipt",
                accepted_receipt(header, delivery, time_limit_days=item.time_limit_days, due=due, materials=lines),
            )
        )
    elif wants_missing_list(case):
        missing = [line.material for line in case.materials if line.state == "missing"]
        seen = [line.material for line in case.materials if line.state != "missing"]
        documents.append(Printout("missing_list", missing_materials_list(header, missing, seen, visit)))
    if case.delivery == "post" and label is not None:
        documents.append(Printout("label", address_label(label)))
    return documents


def wants_missing_list(case: Case) -> bool:
    """A case not done for missing materials: the person takes home the list of what to bring."""
    return case.outcome == "not_done" and reasons.parse(case.reason or "")[0] == reasons.NotDone.MISSING_MATERIALS


def completed_receipt(header: ReceiptHeader, delivery: DeliveryNote) -> Document:
    """办结回执: the case was completed on site."""
    blocks = _top(header, "办结回执")
    blocks += [TextBlock(text="办理结果：已办结", bold=True), TextBlock(text=_delivery_text(delivery, accepted=False))]
    return Document(blocks=blocks + _bottom(header))


def accepted_receipt(
    header: ReceiptHeader,
    delivery: DeliveryNote,
    *,
    time_limit_days: int,
    due: date | None,
    materials: Sequence[MaterialLine],
) -> Document:
    """受理回执: accepted here, processed in the back office (现场受理、后台流转)."""
    blocks = _top(header, "受理回执")
    if time_limit_days == 0:
        limit = "办结时限：即办"
    elif due is None:
        limit = f"法定办结时限：{time_limit_days}个工作日"
    else:
        limit = f"法定办结时限：{time_limit_days}个工作日（{due.isoformat()}前办结）"
    blocks += [
        TextBlock(text="办理结果：已受理，转后台办理", bold=True),
        TextBlock(text=limit, bold=True),
        TextBlock(text=_delivery_text(delivery, accepted=True)),
    ]
    if materials:
        blocks.append(TextBlock(text="收取材料："))
        blocks += [
            TextBlock(text=f" {n}. {line.material}  {_MATERIAL_STATE[line.state]}")
            for n, line in enumerate(materials, start=1)
        ]
    return Document(blocks=blocks + _bottom(header))


def missing_materials_list(
    header: ReceiptHeader, missing: Sequence[str], seen: Sequence[str], visit: BookedVisit | None
) -> Document:
    """补齐材料告知单: what to bring next time, and when (if an appointment was booked)."""
    blocks = _top(header, "补齐材料告知单")
    blocks.append(TextBlock(text="请携带以下材料再来办理：", bold=True))
    blocks += [TextBlock(text=f" {n}. {material}", bold=True) for n, material in enumerate(missing, start=1)]
    if seen:
        blocks.append(TextBlock(text=f"已核验：{'、'.join(seen)}"))
    if visit is not None:
        blocks += [
            RuleBlock(),
            TextBlock(text=f"预约时间：{visit.at.strftime('%Y-%m-%d %H:%M')}", bold=True),
            TextBlock(text=f"预约码：{visit.code}"),
            QrBlock(data=visit.qr_payload, size=5),
            TextBlock(text="到时请出示此码签到", align="center"),
        ]
    else:
        blocks.append(TextBlock(text="材料备齐后可随时来办，或电话预约"))
    return Document(blocks=blocks + _bottom(header))


def address_label(label: MailingLabel) -> Document:
    """The mailing label for the result (政务服务+邮政), stuck on the envelope."""
    blocks: list[Block] = [
        TextBlock(text="政务服务+邮政", align="center", size=(2, 2), bold=True),
        RuleBlock(),
        TextBlock(text=f"收件人：{label.name}", size=(1, 2), bold=True),
    ]
    if label.phone:
        blocks.append(TextBlock(text=f"电话：{label.phone}", size=(1, 2)))
    blocks += [TextBlock(text=f"地址：{label.address}", size=(1, 2)), RuleBlock()]
    if label.waybill:
        blocks += [TextBlock(text=f"运单号：{label.waybill}"), BarcodeBlock(data=label.waybill, height=80)]
    blocks += [
        TextBlock(text=f"办件编号：{label.case_number}"),
        TextBlock(text=f"办理事项：{label.item_name}"),
        TextBlock(text=f"寄件人：{label.sender}"),
        FeedBlock(lines=2),
        CutBlock(),
    ]
    return Document(blocks=blocks)


def _delivery_text(delivery: DeliveryNote, *, accepted: bool) -> str:
    if delivery.kind == "post":
        return f"结果送达：邮政寄递，运单号 {delivery.waybill or '寄出后短信告知'}"
    if delivery.kind == "door":
        return f"结果送达：送证上门，{delivery.on.isoformat() if delivery.on else ''}"
    return "结果领取：办结后通知您凭本回执领取" if accepted else "结果领取：已现场交付"


def _top(header: ReceiptHeader, title: str) -> list[Block]:
    return [
        TextBlock(text=OFFICE, align="center", bold=True),
        TextBlock(text=title, align="center", size=(2, 2), bold=True),
        RuleBlock(),
        TextBlock(text=f"办件编号：{header.case_number}", bold=True),
        TextBlock(text=f"办理事项：{header.item_name}"),
        TextBlock(text=f"办理部门：{header.department}"),
        *([TextBlock(text=f"申请人：{header.person}")] if header.person else []),
    ]


def _bottom(header: ReceiptHeader) -> list[Block]:
    served = f"经办人：{header.staff}（{header.window}号窗口）" if header.window else f"经办人：{header.staff}"
    return [
        RuleBlock(),
        TextBlock(text=served),
        TextBlock(text=f"{header.stop}  {header.at.strftime('%Y-%m-%d %H:%M')}"),
        QrBlock(data=CASE_QR_PREFIX + header.case_number, size=5),
        BarcodeBlock(data=header.case_number, height=60),
        TextBlock(text="请妥善保管本回执", align="center"),
        FeedBlock(lines=2),
        CutBlock(),
    ]
