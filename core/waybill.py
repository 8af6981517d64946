"""Waybill numbers of a mailed result (政务服务+邮政): what the van records, what the centre tracks.

- EMS domestic: 13 digits.
- UPU S10 (international and China Post registered items): two letters, eight digits, a
  check digit, and the ISO country code, e.g. `EA123456785CN`. The check digit weighs the
  eight digits 8 6 4 2 3 5 9 7; 11 - (sum mod 11), where 10 becomes 0 and 11 becomes 5.

And the states a carrier reports, as codes; the views translate them.
"""

from __future__ import annotations

import re
from enum import StrEnum

__all__ = ["PROBLEM_STATES", "TERMINAL_STATES", "Carrier", "TrackingState", "carrier_of", "s10_check_digit"]

_EMS = re.compile(r"\d{13}")
_S10 = re.compile(r"([A-Z]{2})(\d{8})(\d)([A-Z]{2})")
_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


class Carrier(StrEnum):
    EMS = "ems"
    S10 = "s10"


class TrackingState(StrEnum):
    """揽收 在途 派件 签收 退回 拒签."""

    COLLECTED = "collected"  # 揽收
    IN_TRANSIT = "in_transit"  # 在途
    OUT_FOR_DELIVERY = "out_for_delivery"  # 派件
    SIGNED = "signed"  # 签收
    RETURNED = "returned"  # 退回
    REFUSED = "refused"  # 拒签


TERMINAL_STATES = frozenset({TrackingState.SIGNED, TrackingState.RETURNED, TrackingState.REFUSED})
# A result that did not reach the person opens a follow-up.
PROBLEM_STATES = frozenset({TrackingState.RETURNED, TrackingState.REFUSED})


def s10_check_digit(serial: str) -> int:
    """The check digit of an S10 serial of eight digits."""
    if not re.fullmatch(r"\d{8}", serial):
        raise ValueError("an S10 serial is eight digits")
    check = 11 - sum(int(digit) * weight for digit, weight in zip(serial, _WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(check, check)


def carrier_of(waybill: str) -> Carrier | None:
    """Which format a waybill number is in, or None when it is in neither (or its check digit is wrong)."""
    text = waybill.strip().upper()
    if _EMS.fullmatch(text):
        return Carrier.EMS
    match = _S10.fullmatch(text)
    if match and s10_check_digit(match.group(2)) == int(match.group(3)):
        return Carrier.S10
    return None
