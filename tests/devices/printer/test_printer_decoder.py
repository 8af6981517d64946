"""The decoder: strict about what it does not know, indifferent to how bytes are split."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.printer.decoder import Cut, DecodeError, Decoder, Feed, QrCode, StatusRequest, TextLine, decode, text_lines
from devices.printer.document import CutBlock, Document, FeedBlock, QrBlock, RuleBlock, TextBlock
from devices.printer.encoder import encode
from devices.printer.profile import Profile

TICKET = Document(
    blocks=[
        TextBlock(text="龙港市流动政务客厅", align="center", size=(2, 2), bold=True),
        TextBlock(text="A012", align="center", size=(4, 4)),
        RuleBlock(),
        TextBlock(text="请到3号窗口 ¥5"),
        QrBlock(data="https://example.gov.cn/q/A012"),
        FeedBlock(lines=2),
        CutBlock(),
    ]
)


def test_python_escpos_style_ticket_decodes_to_its_lines_and_qr():
    # What python-escpos 3.1 sends for a ticket (protocol notes), minus its ESC ! / ESC t,
    # preceded by FS & because it never sends one itself.
    job = (
        bytes.fromhex(
            "1b40 1c26 1b6101 1d2111 413031320a 1d2100 1b6100 c7ebb5bd33bac5b4b0bfda0a"
            "1d286b0400314132 00 1d286b0300314306 1d286b0300314531"
        )
        + bytes.fromhex("1d286b2000315030")
        + b"https://example.gov.cn/q/A012"
        + bytes.fromhex("1d286b0300315130 1b6406 1d5600")
    )
    events = decode(job)
    assert text_lines(events) == ["A012", "请到3号窗口"]
    assert [e for e in events if isinstance(e, QrCode)] == [QrCode("https://example.gov.cn/q/A012", 6, "M", "left")]
    assert events[-2:] == [Feed(6), Cut(partial=False)]


def test_gb_bytes_without_chinese_mode_are_refused():
    with pytest.raises(DecodeError, match="outside Chinese mode"):
        decode(b"\x1b@" + "号".encode("gb18030") + b"\n")


def test_esc_at_cancels_chinese_mode_so_fs_amp_must_follow_it():
    with pytest.raises(DecodeError, match="outside Chinese mode"):
        decode(b"\x1b@\x1c&" + "号\n".encode("gb18030") + b"\x1b@" + "号\n".encode("gb18030"))


def test_four_byte_gb18030_is_refused():
    with pytest.raises(DecodeError, match="4-byte"):
        decode(b"\x1c&" + "¥".encode("gb18030") + b"\n")


def test_unknown_command_is_named():
    with pytest.raises(DecodeError, match="ESC 0x74"):
        decode(b"\x1bt\x00")


def test_cut_in_the_middle_of_a_line_is_refused():
    with pytest.raises(DecodeError, match="cut in the middle of a text line"):
        decode(b"abc\x1dV\x00")


def test_truncated_job_is_an_error():
    with pytest.raises(DecodeError, match="ends inside"):
        decode(b"\x1d(k\x04\x00\x31")


def test_status_requests_are_events():
    assert decode(b"\x10\x04\x04\x10\x04\x01") == [StatusRequest(4), StatusRequest(1)]


def test_decoder_recovers_after_reset():
    decoder = Decoder(kanji=True)
    with pytest.raises(DecodeError):
        decoder.feed(b"\x1bZ\x00")
    decoder.reset()
    assert decoder.feed(b"ok\n") == [TextLine("ok")]


@settings(max_examples=60, deadline=None)
@given(cuts=st.lists(st.integers(min_value=0, max_value=2000), max_size=12), profile=st.sampled_from([58, 80]))
def test_split_anywhere_decodes_the_same(cuts, profile):
    job = encode(TICKET, Profile.for_paper(profile))
    decoder = Decoder()
    events = []
    previous = 0
    for cut in sorted(cut % (len(job) + 1) for cut in cuts) + [len(job)]:
        events += decoder.feed(job[previous:cut])
        previous = cut
    assert decoder.idle
    assert events == decode(job)


@settings(max_examples=400, deadline=None)
@given(data=st.binary(max_size=200), kanji=st.booleans())
def test_any_bytes_decode_or_raise_decode_error(data, kanji):
    try:
        decode(data, kanji=kanji)
    except DecodeError:
        pass


@settings(max_examples=200, deadline=None)
@given(noise=st.binary(max_size=40))
def test_garbage_then_reset_then_a_good_job_still_decodes(noise):
    decoder = Decoder()
    try:
        decoder.feed(noise)
    except DecodeError:
        pass
    decoder.reset()
    events = decoder.feed(encode(TICKET, Profile.for_paper(80)))
    assert text_lines(events) == ["龙港市流动政务客厅", "A012", "请到3号窗口 ￥5"]
