"""Masking, case numbers and problems: the small shared facts."""

from __future__ import annotations

from core.case_numbers import CASE_QR_PREFIX, case_number, parse_case_number
from core.masking import mask_id_number, mask_name, mask_phone
from core.problems import Code, Problem, ProblemError


def test_masks_keep_only_what_staff_need_to_recognise() -> None:
    assert mask_id_number("33038319860911123X") == "3303**********123X"
    assert mask_id_number(None) == ""
    assert mask_name("王美娜") == "王*娜"
    assert mask_name("李四") == "李*"
    assert mask_name("欧阳建国华") == "欧***华"
    assert mask_phone("13812345678") == "138****5678"


def test_a_case_number_reads_back_from_typing_or_a_receipt_qr_of_this_van_only() -> None:
    assert case_number("lg-01", 123) == "LG-01-000123"
    assert parse_case_number(" lg-01-000123 ", "lg-01") == 123
    assert parse_case_number(f"{CASE_QR_PREFIX}LG-01-000123", "lg-01") == 123
    assert parse_case_number("LG-02-000123", "lg-01") is None
    assert parse_case_number("A012", "lg-01") is None


def test_a_problem_error_carries_its_code_and_logs_its_params() -> None:
    error = ProblemError(Code.ID_LENGTH, count=17)
    assert error.problem == Problem(Code.ID_LENGTH, {"count": 17})
    assert error.code is Code.ID_LENGTH
    assert str(error) == "id.length (count=17)"
