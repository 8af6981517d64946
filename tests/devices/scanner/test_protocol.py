"""The serial line protocol: terminators, AIM prefixes, and every kind of bad input."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.problems import Code, Problem
from devices.scanner.protocol import MAX_CODE_BYTES, TERMINATORS, BadInput, LineAssembler, Scan


def scans(events: list) -> list[tuple[str, str | None]]:
    return [(event.code, event.symbology) for event in events if isinstance(event, Scan)]


def errors(events: list) -> list[str]:
    return [event.detail for event in events if isinstance(event, BadInput)]


@pytest.mark.parametrize("name", list(TERMINATORS))
def test_each_terminator_ends_a_code(name: str) -> None:
    terminator = TERMINATORS[name]
    lines = LineAssembler(terminator)
    events = lines.feed(b"A012" + terminator + b"]Q1https://x.cn/q?a=1" + terminator, now=0.0)
    assert scans(events) == [("A012", None), ("https://x.cn/q?a=1", "qr")]
    assert lines.deadline() is None


def test_a_code_split_across_reads_and_a_crlf_split_between_them() -> None:
    lines = LineAssembler(b"\r\n")
    assert lines.feed(b"]E069012", 0.0) == []
    assert lines.feed(b"34567892\r", 0.01) == []
    assert scans(lines.feed(b"\n", 0.02)) == [("6901234567892", "ean13")]


def test_stray_line_endings_are_not_codes() -> None:
    lines = LineAssembler(b"\r")
    # A scanner set to CRLF while we expect CR: the LF never reaches the code.
    events = lines.feed(b"123\r\n456\r\n\r\r", 0.0)
    assert scans(events) == [("123", None), ("456", None)]
    assert errors(events) == []


def test_chinese_text_in_a_qr_code() -> None:
    lines = LineAssembler(b"\t")
    assert scans(lines.feed("]Q1龙港市流动政务客厅\t".encode(), 0.0)) == [("龙港市流动政务客厅", "qr")]


def test_gs1_separator_stays_in_the_code() -> None:
    lines = LineAssembler(b"\r")
    assert scans(lines.feed(b"]C10109501101530003\x1d10ABC\r", 0.0)) == [("0109501101530003\x1d10ABC", "gs1-128")]


def test_overlong_line_is_reported_once_and_the_next_code_arrives() -> None:
    lines = LineAssembler(b"\r")
    events = []
    for _ in range(3):  # 6 KB in pieces, without a terminator until the end
        events += lines.feed(b"9" * 2048, 0.0)
    events += lines.feed(b"\rNEXT\r", 0.0)
    assert errors(events) == [f"code longer than {MAX_CODE_BYTES} bytes; discarded"]
    assert [event.problem for event in events if isinstance(event, BadInput)] == [
        Problem(Code.SCANNER_CODE_TOO_LONG, {"limit": MAX_CODE_BYTES})
    ]
    assert scans(events) == [("NEXT", None)]


def test_overlong_line_in_a_single_read() -> None:
    lines = LineAssembler(b"\n")
    events = lines.feed(b"x" * (MAX_CODE_BYTES + 1) + b"\nok\n", 0.0)
    assert len(errors(events)) == 1 and scans(events) == [("ok", None)]


def test_exactly_4_kb_is_still_a_code() -> None:
    lines = LineAssembler(b"\r")
    assert scans(lines.feed(b"7" * MAX_CODE_BYTES + b"\r", 0.0)) == [("7" * MAX_CODE_BYTES, None)]


def test_invalid_utf8_is_reported_without_the_content_and_the_next_code_arrives() -> None:
    lines = LineAssembler(b"\r")
    events = lines.feed(b"330302\xff\xfe19860911\rA013\r", 0.0)
    assert errors(events) == ["code is not valid UTF-8 (byte 0xff at offset 6); discarded"]
    assert "330302" not in errors(events)[0]
    assert scans(events) == [("A013", None)]


def test_gbk_bytes_are_not_utf8() -> None:
    lines = LineAssembler(b"\r")
    assert len(errors(lines.feed("龙港".encode("gbk") + b"\r", 0.0))) == 1


def test_code_that_never_ends_times_out_and_the_next_code_arrives() -> None:
    lines = LineAssembler(b"\r", timeout_s=0.5)
    assert lines.feed(b"12345", now=10.0) == []
    assert lines.deadline() == pytest.approx(10.5)
    assert lines.expire(10.4) == []
    timeout = lines.expire(10.5)
    assert errors(timeout) == [
        "code not terminated within 500 ms (5 bytes discarded); check the scanner's terminator setting"
    ]
    assert lines.deadline() is None
    assert scans(lines.feed(b"678\r", 11.0)) == [("678", None)]


def test_timeout_counts_from_the_last_byte_so_slow_codes_arrive() -> None:
    lines = LineAssembler(b"\r", timeout_s=0.5)
    events = []
    for step in range(20):  # one byte every 0.4 s: 8 s in all, never 0.5 s of silence
        events += lines.feed(b"5", now=step * 0.4)
    events += lines.feed(b"\r", now=8.0)
    assert scans(events) == [("5" * 20, None)]


def test_late_data_after_a_stall_reports_the_stall_first() -> None:
    lines = LineAssembler(b"\r", timeout_s=0.5)
    lines.feed(b"stale", 0.0)
    events = lines.feed(b"fresh\r", 5.0)
    assert len(errors(events)) == 1 and scans(events) == [("fresh", None)]


def test_an_overlong_line_that_then_stalls_is_not_reported_twice() -> None:
    lines = LineAssembler(b"\r", timeout_s=0.5)
    assert len(errors(lines.feed(b"x" * 5000, 0.0))) == 1
    assert lines.expire(1.0) == []
    assert scans(lines.feed(b"ok\r", 2.0)) == [("ok", None)]


def test_an_aim_identifier_alone_is_bad_input() -> None:
    lines = LineAssembler(b"\r")
    assert errors(lines.feed(b"]Q1\r", 0.0)) == ["empty code after the AIM identifier ]Q1"]


@given(st.binary(max_size=6000), st.lists(st.integers(min_value=1, max_value=700), max_size=12))
def test_any_bytes_in_any_pieces_give_only_scans_and_bad_input(data: bytes, cuts: list[int]) -> None:
    lines = LineAssembler(b"\r\n")
    events = []
    position = 0
    for size in cuts:
        events += lines.feed(data[position : position + size], 0.0)
        position += size
    events += lines.feed(data[position:], 0.0)
    events += lines.expire(100.0)
    assert all(isinstance(event, Scan | BadInput) for event in events)
    assert lines.deadline() is None


@given(st.binary(max_size=3000), st.integers(min_value=1, max_value=3000))
def test_how_bytes_are_split_does_not_change_the_result(data: bytes, cut: int) -> None:
    whole = LineAssembler(b"\r\n").feed(data, 0.0)
    pieces = LineAssembler(b"\r\n")
    split = pieces.feed(data[:cut], 0.0) + pieces.feed(data[cut:], 0.0)
    assert split == whole


code_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\t"), min_size=1, max_size=200
).filter(lambda text: not text.startswith("]"))


@given(st.lists(code_text, max_size=8), st.sampled_from(list(TERMINATORS)))
def test_framed_codes_come_back_unchanged(codes: list[str], name: str) -> None:
    terminator = TERMINATORS[name]
    lines = LineAssembler(terminator)
    stream = b"".join(code.encode() + terminator for code in codes)
    assert scans(lines.feed(stream, 0.0)) == [(code, None) for code in codes]
