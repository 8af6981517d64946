"""DLE EOT status parsing: fixed bits checked, every problem named, nothing assumed."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.problems import Code, Problem
from devices.printer.status import (
    STATUS_QUERY,
    PrinterStatus,
    StatusCollector,
    StatusError,
    is_status_byte,
    parse,
    reply_bytes,
)

FINE = bytes((0x12, 0x12, 0x12, 0x12))


def test_query_asks_dle_eot_1_to_4():
    assert STATUS_QUERY == bytes.fromhex("10 04 01 10 04 02 10 04 03 10 04 04")


def test_all_fine():
    status = parse(FINE)
    assert status.ok and status.paper == "ok" and status.detail == "" and status.problem is None


@pytest.mark.parametrize(
    ("replies", "detail", "code"),
    [
        ((0x12, 0x12, 0x12, 0x1E), "paper near end", Code.PRINTER_PAPER_NEAR_END),
        ((0x1A, 0x32, 0x12, 0x72), "paper out", Code.PRINTER_PAPER_OUT),
        ((0x1A, 0x16, 0x12, 0x12), "cover open", Code.PRINTER_COVER_OPEN),
        ((0x1A, 0x52, 0x1A, 0x12), "cutter error", Code.PRINTER_CUTTER_ERROR),
        ((0x1A, 0x52, 0x32, 0x12), "unrecoverable printer error", Code.PRINTER_UNRECOVERABLE_ERROR),
        ((0x1A, 0x12, 0x12, 0x12), "offline", Code.PRINTER_OFFLINE),
        # Several problems: the detail names them all, the code the most actionable.
        ((0x1A, 0x36, 0x12, 0x7E), "paper out, cover open", Code.PRINTER_PAPER_OUT),
    ],
)
def test_problems_are_named_and_coded(replies, detail, code):
    status = parse(bytes(replies))
    assert (status.detail, status.problem) == (detail, Problem(code))


def test_near_end_still_prints():
    assert parse(bytes((0x12, 0x12, 0x12, 0x1E))).ok


@pytest.mark.parametrize("value", [0x00, 0x13, 0x11, 0x92, 0x13 | 0x80, 0x10, 0x02, 0xFF])
def test_bytes_failing_the_fixed_bit_pattern_are_not_believed(value):
    assert not is_status_byte(value)
    with pytest.raises(StatusError, match=f"{value:#04x}"):
        parse(bytes((0x12, 0x12, 0x12, value)))


def test_missing_replies_are_an_error_never_paper_ok():
    with pytest.raises(StatusError, match="got 0"):
        parse(b"")


def test_collector_waits_for_four_bytes_and_skips_xon_xoff():
    collector = StatusCollector()
    assert collector.feed(b"\x12\x11\x12") is None
    assert collector.received == 2
    assert collector.feed(b"\x13\x12\x72") == PrinterStatus(paper="out")


@given(
    st.builds(
        PrinterStatus,
        offline=st.booleans(),
        cover_open=st.booleans(),
        paper=st.sampled_from(["ok", "near_end", "out"]),
        stopped_by_paper_end=st.booleans(),
        cutter_error=st.booleans(),
        unrecoverable_error=st.booleans(),
        auto_recoverable_error=st.booleans(),
    )
)
def test_reply_bytes_round_trip(status):
    replies = reply_bytes(status)
    assert parse(bytes(replies[kind] for kind in (1, 2, 3, 4))) == status


@given(st.binary(min_size=4, max_size=4))
def test_any_four_bytes_parse_or_raise_status_error(data):
    try:
        parse(data)
    except StatusError:
        pass
