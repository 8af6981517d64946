"""Resident ID numbers (GB 11643-1999): validation, birth date, masking.

Layout: 6-digit area code, birth date YYYYMMDD, 3-digit sequence (odd for men),
check character by ISO 7064 MOD 11-2. The area code is never checked: most adults
in Longgang still hold numbers with older prefixes (e.g. 苍南 330327).
The same layout and check serve the 18-character numbers of HK/Macao/Taiwan
residence permits and the 2023 foreign permanent residence ID card.
"""

from __future__ import annotations

from datetime import date

from db.errors import InvalidIdNumber

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"


def check_character(first17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise InvalidIdNumber("the first 17 characters of an ID number must be digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def normalize(id_number: str) -> str:
    """Strip spaces and upper-case the check character (a lower-case 'x' is common)."""
    return id_number.strip().replace(" ", "").upper()


def validate(id_number: str, *, today: date | None = None) -> str:
    """Return the normalized number, or raise InvalidIdNumber naming what is wrong."""
    if not isinstance(id_number, str):
        raise InvalidIdNumber("an ID number must be text")
    number = normalize(id_number)
    if len(number) == 15 and number.isdigit():
        raise InvalidIdNumber("15-digit ID numbers were withdrawn in 2013; an 18-character number is needed")
    if len(number) != 18:
        raise InvalidIdNumber(f"an ID number has 18 characters, this one has {len(number)}")
    if not (number[:17].isascii() and number[:17].isdigit()):
        raise InvalidIdNumber("the first 17 characters of an ID number must be digits")
    if number[17] not in "0123456789X":
        raise InvalidIdNumber("the last character of an ID number must be a digit or X")
    birth = _birth_date_or_none(number)
    if birth is None:
        raise InvalidIdNumber("the ID number does not contain a valid birth date")
    if birth.year < 1900 or birth > (today or date.today()):
        raise InvalidIdNumber("the birth date in the ID number is out of range")
    if check_character(number[:17]) != number[17]:
        raise InvalidIdNumber("the ID number's check character is wrong (mistyped digit?)")
    return number


def is_valid(id_number: str) -> bool:
    try:
        validate(id_number)
    except InvalidIdNumber:
        return False
    return True


def birth_date(id_number: str) -> date:
    """The birth date encoded in a valid number."""
    number = validate(id_number)
    birth = _birth_date_or_none(number)
    assert birth is not None  # validate() checked it
    return birth


def sex(id_number: str) -> str:
    """GB/T 2261.1 code from the sequence digit: '1' male (odd), '2' female (even)."""
    return "1" if int(validate(id_number)[16]) % 2 else "2"


def _birth_date_or_none(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def mask(id_number: str | None) -> str:
    """For lists and logs: keep the first 4 and last 4 characters, e.g. 3303**********123X."""
    if not id_number:
        return ""
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def mask_name(name: str | None) -> str:
    """王美娜 → 王*娜, 李四 → 李*; the family name stays so staff can address the person."""
    if not name:
        return ""
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str | None) -> str:
    """13812345678 → 138****5678."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
