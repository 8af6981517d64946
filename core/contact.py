"""A person's name, phone and address as a clerk would check them before filing them.

Each check returns the problem, or None when the value is acceptable; nothing is ever
cut short to fit (a too-long address is a problem to show, not a tail to drop).
"""

from __future__ import annotations

import re
import unicodedata

from core.problems import Code, Problem

__all__ = ["MAX_ADDRESS", "MAX_NAME", "address_problem", "name_problem", "normalize_phone", "phone_problem"]

MAX_NAME = 64  # room for a foreign name in full; 维吾尔族 names with "·" stay far shorter
MAX_ADDRESS = 200
# Mainland mobile numbers: 1, then 3-9, then 9 digits; optionally +86 / 86 in front.
_MOBILE = re.compile(r"(?:\+?86)?1[3-9][0-9]{9}")
# Landlines: area code 0 + 2-3 digits, then a 7-8 digit number, an optional extension.
_LANDLINE = re.compile(r"0[1-9][0-9]{1,2}[0-9]{7,8}(?:#[0-9]{1,6})?")
# Service numbers firms give: 400/800 and 9xxxx hotlines.
_SERVICE = re.compile(r"(?:400|800)[0-9]{7}|9[0-9]{4}")
# What separates parts of a number as people type it.
_SEPARATORS = str.maketrans("", "", " -()（）－—")
# Letters of every script, and the marks inside names: 阿依古丽·买买提, O'Neil, Jean-Luc.
_NAME_PUNCTUATION = set("·•・.'’- ")


def name_problem(name: str) -> Problem | None:
    text = name.strip()
    if not text:
        return Problem(Code.NAME_MISSING)
    if len(text) > MAX_NAME:
        return Problem(Code.NAME_TOO_LONG, {"limit": MAX_NAME})
    if not all(char in _NAME_PUNCTUATION or unicodedata.category(char).startswith(("L", "M")) for char in text):
        return Problem(Code.NAME_CHARACTERS)
    return None


def normalize_phone(phone: str) -> str:
    """The digits (and a leading +, an extension's #) of a typed number."""
    return phone.strip().translate(_SEPARATORS)


def phone_problem(phone: str) -> Problem | None:
    """A mainland mobile, landline or service number; an empty phone is no problem (it is optional)."""
    number = normalize_phone(phone)
    if not number:
        return None
    if any(pattern.fullmatch(number) for pattern in (_MOBILE, _LANDLINE, _SERVICE)):
        return None
    return Problem(Code.PHONE_INVALID)


def address_problem(address: str, *, required: bool) -> Problem | None:
    text = address.strip()
    if not text:
        return Problem(Code.ADDRESS_MISSING) if required else None
    if len(text) > MAX_ADDRESS:
        return Problem(Code.ADDRESS_TOO_LONG, {"limit": MAX_ADDRESS, "length": len(text)})
    return None
