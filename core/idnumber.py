"""Identity numbers (GB 11643-1999), as on resident ID cards and the permits that share their layout.

Layout: 6-digit area code, birth date YYYYMMDD, 3-digit sequence (odd for men), check
character by ISO 7064 MOD 11-2. The same layout and check serve HK/Macao/Taiwan residence
permits (81/82/83 prefixes) and the 2023 foreign permanent residence ID card (prefix 9).

Never validate by area prefix: numbers are not reissued when areas change (Longgang's
330383 replaced 苍南's 330327 in 2019, and most adults still hold the old one).
"""

from __future__ import annotations

import re
from datetime import date

from core.problems import Code, Problem

__all__ = [
    "birth_date",
    "check_character",
    "is_valid",
    "is_valid_foreign_2017",
    "normalize",
    "problem",
    "sex",
]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
_DIGITS17 = re.compile(r"[0-9]{17}")
_FOREIGN_2017 = re.compile(r"[A-Z]{3}[0-9]{12}")
EARLIEST_BIRTH_YEAR = 1900


def normalize(text: str) -> str:
    """Strip spaces and upper-case the check character (a lower-case 'x' is common)."""
    return text.strip().replace(" ", "").upper()


def check_character(first17: str) -> str:
    """The 18th character of a number from its first 17 digits."""
    if not _DIGITS17.fullmatch(first17):
        raise ValueError("a GB 11643 number starts with 17 digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def problem(text: object, *, today: date | None = None) -> Problem | None:
    """What is wrong with a number, checked in the order a clerk would fix it; None if it is valid."""
    if not isinstance(text, str):
        return Problem(Code.ID_NOT_TEXT)
    number = normalize(text)
    if len(number) == 15 and number.isdigit():
        return Problem(Code.ID_FIFTEEN_DIGITS)  # withdrawn in 2013
    if len(number) != 18:
        return Problem(Code.ID_LENGTH, {"count": len(number)})
    if not _DIGITS17.fullmatch(number[:17]) or number[17] not in "0123456789X":
        return Problem(Code.ID_CHARACTERS)
    born = _birth_date_or_none(number)
    # Without `today`, the machine's own calendar: a birth "in the future" is off by a day at most.
    if born is None or born.year < EARLIEST_BIRTH_YEAR or born > (today or date.today()):  # noqa: DTZ011
        return Problem(Code.ID_BIRTH_DATE)
    if check_character(number[:17]) != number[17]:
        return Problem(Code.ID_CHECK_CHARACTER)
    return None


def is_valid(text: str, *, today: date | None = None) -> bool:
    return problem(text, today=today) is None


def birth_date(number: str) -> date:
    """The birth date in a number that `problem()` found valid."""
    born = _birth_date_or_none(normalize(number))
    if born is None:
        raise ValueError("not a valid GB 11643 number")
    return born


def sex(number: str) -> str:
    """GB/T 2261.1 code from the sequence digit: '1' male (odd), '2' female (even)."""
    return "1" if int(normalize(number)[16]) % 2 else "2"


def is_valid_foreign_2017(number: str) -> bool:
    """The 2017 foreigners' card number: 3 letters of nationality and 12 digits.

    No public check-character rule for this number was found, so only its form is checked.
    """
    return _FOREIGN_2017.fullmatch(number) is not None


def _birth_date_or_none(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
