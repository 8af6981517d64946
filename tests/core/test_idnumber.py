"""GB 11643 ID numbers: MOD 11-2 check, birth date, never the area prefix; each problem named by code."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import idnumber
from core.problems import Code, Problem

# The standard's own worked example (GB 11643-1999, appendix): check character X.
STANDARD_EXAMPLE = "11010519491231002X"


def number_for(birth: str, sequence: str = "123", area: str = "330383") -> str:
    first17 = area + birth + sequence
    return first17 + idnumber.check_character(first17)


def test_the_standards_example_is_valid() -> None:
    assert idnumber.check_character("11010519491231002") == "X"
    assert idnumber.problem(STANDARD_EXAMPLE) is None
    assert idnumber.birth_date(STANDARD_EXAMPLE) == date(1949, 12, 31)
    assert idnumber.sex(STANDARD_EXAMPLE) == "2"


def test_a_lower_case_x_and_spaces_are_normalized() -> None:
    assert idnumber.normalize(" 110105 19491231 002x ") == STANDARD_EXAMPLE
    assert idnumber.is_valid(" 110105 19491231 002x ")


@pytest.mark.parametrize("area", ["330383", "330327", "110105", "810000", "999999"])
def test_the_area_prefix_is_never_checked(area: str) -> None:
    assert idnumber.is_valid(number_for("19800101", area=area))


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("11010519491231002", Problem(Code.ID_LENGTH, {"count": 17})),
        ("110105194912310021", Problem(Code.ID_CHECK_CHARACTER)),
        ("11010519491331002X", Problem(Code.ID_BIRTH_DATE)),
        ("11010519490230002X", Problem(Code.ID_BIRTH_DATE)),
        ("11010518891231002X", Problem(Code.ID_BIRTH_DATE)),
        ("11010530001231002X", Problem(Code.ID_BIRTH_DATE)),
        ("1101051949123100ZX", Problem(Code.ID_CHARACTERS)),
        ("11010519491231002Y", Problem(Code.ID_CHARACTERS)),
        ("110105491231002", Problem(Code.ID_FIFTEEN_DIGITS)),
        ("", Problem(Code.ID_LENGTH, {"count": 0})),
    ],
)
def test_each_invalid_number_names_its_problem_without_repeating_the_number(number: str, problem: Problem) -> None:
    found = idnumber.problem(number, today=date(2026, 12, 1))
    assert found == problem
    assert number == "" or number not in str(found)


def test_a_birth_date_in_the_future_is_a_problem() -> None:
    assert idnumber.problem(number_for("20261202"), today=date(2026, 12, 1)) == Problem(Code.ID_BIRTH_DATE)
    assert idnumber.problem(number_for("20261201"), today=date(2026, 12, 1)) is None


birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2024, 12, 31))
digits = st.text(alphabet="0123456789", min_size=3, max_size=3)
areas = st.text(alphabet="0123456789", min_size=6, max_size=6)


@given(areas, birth_dates, digits)
def test_any_number_with_its_check_character_is_valid(area: str, birth: date, sequence: str) -> None:
    number = number_for(birth.strftime("%Y%m%d"), sequence, area)
    assert idnumber.problem(number, today=date(2026, 1, 1)) is None
    assert idnumber.birth_date(number) == birth


@given(areas, birth_dates, digits, st.integers(0, 16), st.integers(1, 9))
def test_any_single_mistyped_digit_is_caught(area: str, birth: date, sequence: str, position: int, shift: int) -> None:
    number = number_for(birth.strftime("%Y%m%d"), sequence, area)
    wrong = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]
    assert not idnumber.is_valid(wrong)


@given(st.text("0123456789", min_size=17, max_size=17))
def test_a_number_with_its_check_character_is_valid_exactly_when_its_birth_date_is(first17: str) -> None:
    number = first17 + idnumber.check_character(first17)
    try:
        born: date | None = date(int(first17[6:10]), int(first17[10:12]), int(first17[12:14]))
    except ValueError:
        born = None
    today = date(2026, 1, 1)
    assert idnumber.is_valid(number, today=today) is (born is not None and date(1900, 1, 1) <= born <= today)


def test_the_check_character_needs_17_digits() -> None:
    assert idnumber.check_character("13032319860911446") == "X"
    for first17 in ("1234", "1303231986091144X", "130323198609114460"):
        with pytest.raises(ValueError):
            idnumber.check_character(first17)


@given(st.one_of(st.text(max_size=30), st.integers(), st.none()))
def test_anything_at_all_gets_a_problem_or_none_never_an_exception(value: object) -> None:
    result = idnumber.problem(value)
    assert result is None or isinstance(result, Problem)


def test_the_2017_foreigners_number_is_checked_for_its_form_only() -> None:
    assert idnumber.is_valid_foreign_2017("USA123456789012")
    assert not idnumber.is_valid_foreign_2017("US1234567890123")
