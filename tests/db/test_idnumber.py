"""GB 11643 ID numbers: MOD 11-2 check, birth date, never the area prefix; masking."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db import idnumber
from db.errors import InvalidIdNumber
from tests.db.support import id_number

# The standard's own worked example (GB 11643-1999, appendix): check character X.
STANDARD_EXAMPLE = "11010519491231002X"


def test_the_standards_example_is_valid() -> None:
    assert idnumber.check_character("11010519491231002") == "X"
    assert idnumber.validate(STANDARD_EXAMPLE) == STANDARD_EXAMPLE
    assert idnumber.birth_date(STANDARD_EXAMPLE) == date(1949, 12, 31)
    assert idnumber.sex(STANDARD_EXAMPLE) == "2"


def test_a_lower_case_x_and_spaces_are_normalized() -> None:
    assert idnumber.validate(" 110105 19491231 002x ") == STANDARD_EXAMPLE


@pytest.mark.parametrize("area", ["330383", "330327", "110105", "810000", "999999"])
def test_the_area_prefix_is_never_checked(area: str) -> None:
    number = id_number("19800101", area=area)
    assert idnumber.validate(number) == number


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("11010519491231002", "has 18 characters, this one has 17"),
        ("110105194912310021", "check character is wrong"),
        ("11010519491331002X", "valid birth date"),
        ("11010519490230002X", "valid birth date"),
        ("11010518891231002X", "out of range"),
        ("11010530001231002X", "out of range"),
        ("1101051949123100ZX", "must be digits"),
        ("11010519491231002Y", "digit or X"),
        ("110105491231002", "15-digit"),
        ("", "has 18 characters"),
    ],
)
def test_invalid_numbers_say_what_is_wrong_without_repeating_the_number(number: str, problem: str) -> None:
    with pytest.raises(InvalidIdNumber, match=problem) as raised:
        idnumber.validate(number)
    assert number == "" or number not in str(raised.value)
    assert not idnumber.is_valid(number)


birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2024, 12, 31))
digits = st.text(alphabet="0123456789", min_size=3, max_size=3)
areas = st.text(alphabet="0123456789", min_size=6, max_size=6)


@given(areas, birth_dates, digits)
def test_any_number_with_its_check_character_is_valid(area: str, birth: date, sequence: str) -> None:
    number = id_number(birth.strftime("%Y%m%d"), sequence, area)
    assert idnumber.validate(number, today=date(2026, 1, 1)) == number
    assert idnumber.birth_date(number) == birth


@given(areas, birth_dates, digits, st.integers(0, 16), st.integers(1, 9))
def test_any_single_mistyped_digit_is_caught(area: str, birth: date, sequence: str, position: int, shift: int) -> None:
    number = id_number(birth.strftime("%Y%m%d"), sequence, area)
    wrong = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1:]
    assert not idnumber.is_valid(wrong)


@given(st.text(max_size=30))
def test_garbage_only_ever_raises_the_stores_own_error(text: str) -> None:
    try:
        idnumber.validate(text)
    except InvalidIdNumber:
        pass


def test_masks_keep_only_what_staff_need_to_recognise() -> None:
    assert idnumber.mask("33038319860911123X") == "3303**********123X"
    assert idnumber.mask(None) == ""
    assert idnumber.mask_name("王美娜") == "王*娜"
    assert idnumber.mask_name("李四") == "李*"
    assert idnumber.mask_name("欧阳建国华") == "欧***华"
    assert idnumber.mask_phone("13812345678") == "138****5678"
