"""Names, phones and addresses as a clerk checks them; nothing is ever cut short."""

from __future__ import annotations

import pytest

from core import contact
from core.problems import Code, Problem


@pytest.mark.parametrize(
    "phone",
    [
        "13812345678",
        "+86 138 1234 5678",
        "86-13812345678",
        "0577-6888 1234",
        "(0577)68881234",
        "010-12345678#802",
        "95588",
        "400-812-3123",
        "",
    ],
)
def test_mainland_mobiles_landlines_and_service_numbers_are_accepted(phone: str) -> None:
    assert contact.phone_problem(phone) is None


@pytest.mark.parametrize("phone", ["138abc", "1381234567", "23812345678", "057712345", "12345", "+1 415 555 0100"])
def test_anything_else_is_not_a_phone_number(phone: str) -> None:
    assert contact.phone_problem(phone) == Problem(Code.PHONE_INVALID)


@pytest.mark.parametrize("name", ["王美娜", "阿依古丽·买买提", "欧阳建国华", "John O'Neil", "Jean-Luc Picard"])
def test_names_of_every_script_with_their_marks_are_accepted(name: str) -> None:
    assert contact.name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("", Code.NAME_MISSING),
        ("   ", Code.NAME_MISSING),
        ("王😀", Code.NAME_CHARACTERS),
        ("王美娜2", Code.NAME_CHARACTERS),
        ("王" * 65, Code.NAME_TOO_LONG),
    ],
)
def test_a_name_a_person_could_not_have_is_a_problem(name: str, code: Code) -> None:
    found = contact.name_problem(name)
    assert found is not None and found.code == code


def test_an_address_is_needed_only_where_something_is_sent_and_is_never_cut_short() -> None:
    assert contact.address_problem("", required=False) is None
    assert contact.address_problem(" ", required=True) == Problem(Code.ADDRESS_MISSING)
    assert contact.address_problem("浙江省温州市龙港市世纪大道1号", required=True) is None
    assert contact.address_problem("路" * 300, required=True) == Problem(
        Code.ADDRESS_TOO_LONG, {"limit": contact.MAX_ADDRESS, "length": 300}
    )
