"""Identity numbers on the cards: GB 11643 (ISO 7064 MOD 11-2) and the 2017 foreigners' number.

Never validate by area prefix: numbers are not reissued when areas change
(Longgang's 330383 replaced 苍南's 330327 in 2019, and most adults hold the old one).
"""

from __future__ import annotations

import re
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
_DIGITS17 = re.compile(r"[0-9]{17}")
_FOREIGN_2017 = re.compile(r"[A-Z]{3}[0-9]{12}")


def check_character(first17: str) -> str:
    """The 18th character of a GB 11643 number from its first 17 digits."""
    if not _DIGITS17.fullmatch(first17):
        raise ValueError("a GB 11643 number starts with 17 digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def is_valid_gb11643(number: str) -> bool:
    """18 characters: 17 digits whose 7th-14th are a real date, then the right check character.

    Holds for resident ID numbers, HK/Macao/Taiwan permit numbers (81/82/83 prefixes)
    and the 2023 foreigners' card (prefix 9), which all use MOD 11-2.
    """
    if len(number) != 18 or not _DIGITS17.fullmatch(number[:17]):
        return False
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return number[17] == check_character(number[:17])


def is_valid_foreign_2017(number: str) -> bool:
    """The 2017 foreigners' card number: 3 letters of nationality and 12 digits.

    No public check-character rule for this number was found, so only its form is checked.
    """
    return _FOREIGN_2017.fullmatch(number) is not None
