"""The SAM frame codec: exact bytes from public captures, and properties over any input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.idcard import commands
from devices.idcard.frames import (
    MAX_LENGTH,
    PREAMBLE,
    BadChecksum,
    Command,
    FrameDecoder,
    FrameError,
    Garbage,
    Reply,
    command_decoder,
    reply_decoder,
)

# Request frames as printed in protocols/idcard-sam.md section 2.
KNOWN_COMMANDS = {
    commands.RESET: "AA AA AA 96 69 00 03 10 FF EC",
    commands.SAM_STATUS: "AA AA AA 96 69 00 03 11 FF ED",
    commands.SAM_ID: "AA AA AA 96 69 00 03 12 FF EE",
    commands.FIND: "AA AA AA 96 69 00 03 20 01 22",
    commands.SELECT: "AA AA AA 96 69 00 03 20 02 21",
    commands.READ: "AA AA AA 96 69 00 03 30 01 32",
    commands.READ_NEW_ADDRESS: "AA AA AA 96 69 00 03 30 03 30",
    commands.READ_WITH_FINGERPRINT: "AA AA AA 96 69 00 03 30 10 23",
}
KNOWN_REPLIES = {
    Reply(0, 0, 0x9F, bytes(4)): "AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97",
    Reply(0, 0, 0x90, bytes(8)): "AA AA AA 96 69 00 0C 00 00 90" + " 00" * 8 + " 9C",
    Reply(0, 0, 0x80): "AA AA AA 96 69 00 04 00 00 80 84",
    Reply(0, 0, 0x81): "AA AA AA 96 69 00 04 00 00 81 85",
    Reply(0, 0, 0x41): "AA AA AA 96 69 00 04 00 00 41 45",
    Reply(0, 0, 0x32): "AA AA AA 96 69 00 04 00 00 32 36",
}


@pytest.mark.parametrize(("command", "expected"), KNOWN_COMMANDS.items())
def test_commands_encode_to_the_published_bytes(command: Command, expected: str) -> None:
    assert command.encode() == bytes.fromhex(expected)
    assert command_decoder().feed(bytes.fromhex(expected)) == [command]


@pytest.mark.parametrize(("reply", "expected"), KNOWN_REPLIES.items())
def test_replies_encode_to_the_published_bytes(reply: Reply, expected: str) -> None:
    assert reply.encode() == bytes.fromhex(expected)
    assert reply_decoder().feed(bytes.fromhex(expected)) == [reply]


def test_read_reply_header_matches_the_capture() -> None:
    files = commands.CardFiles(bytes(256), bytes(1024))
    frame = commands.read_reply(files).encode()
    assert len(frame) == 1295
    assert frame[:14] == bytes.fromhex("AA AA AA 96 69 05 08 00 00 90 01 00 04 00")


def test_a_body_too_long_is_refused() -> None:
    with pytest.raises(FrameError, match="longer than"):
        Reply(0, 0, 0x90, bytes(MAX_LENGTH)).encode()
    with pytest.raises(FrameError, match="SW3 256 is not a byte"):
        Reply(0, 0, 256).encode()


def test_a_bad_checksum_is_reported_and_the_next_frame_still_decodes() -> None:
    good = Reply(0, 0, 0x9F, bytes(4)).encode()
    bad = good[:-1] + bytes((good[-1] ^ 1,))
    events = reply_decoder().feed(bad + good)
    assert events == [BadChecksum(expected=good[-1], received=good[-1] ^ 1, size=len(bad)), Reply(0, 0, 0x9F, bytes(4))]


def test_a_false_preamble_in_noise_does_not_swallow_the_real_frame() -> None:
    good = Reply(0, 0, 0x90, b"data").encode()
    # A "frame" claiming 20 bytes, of which the real frame is a part.
    fake = PREAMBLE + (20).to_bytes(2, "big") + b"\x01\x02"
    events = reply_decoder().feed(fake + good + bytes(20))
    assert Reply(0, 0, 0x90, b"data") in events
    assert isinstance(events[0], BadChecksum)


def test_a_length_out_of_range_is_garbage() -> None:
    decoder = reply_decoder()
    events = decoder.feed(PREAMBLE + b"\xff\xff" + Reply(0, 0, 0x90).encode())
    assert events[0] == Garbage(PREAMBLE + b"\xff\xff")
    assert events[1] == Reply(0, 0, 0x90)


def test_reset_drops_a_partial_frame() -> None:
    decoder = reply_decoder()
    frame = Reply(0, 0, 0x90, b"abc").encode()
    assert decoder.feed(frame[:9]) == []
    assert decoder.reset() == 9
    assert decoder.feed(frame) == [Reply(0, 0, 0x90, b"abc")]


# Properties.

replies = st.builds(
    Reply,
    st.integers(0, 255),
    st.integers(0, 255),
    st.integers(0, 255),
    st.binary(max_size=MAX_LENGTH - 4),
)
command_frames = st.builds(Command, st.integers(0, 255), st.integers(0, 255), st.binary(max_size=64))
# Noise that cannot contain (or end in the start of) a preamble: 0xAA never appears.
noise = st.binary(max_size=40).map(lambda data: data.replace(b"\xaa", b"\x00"))


def feed_in_pieces(decoder: FrameDecoder, data: bytes, cuts: list[int]) -> list:
    events = []
    start = 0
    for cut in sorted(c % (len(data) + 1) for c in cuts) + [len(data)]:
        events += decoder.feed(data[start:cut])
        start = max(start, cut)
    return events


@given(replies, st.lists(st.integers(0, 5000), max_size=6))
def test_reply_round_trip_in_any_pieces(reply: Reply, cuts: list[int]) -> None:
    decoder = reply_decoder()
    assert feed_in_pieces(decoder, reply.encode(), cuts) == [reply]
    assert decoder.pending == 0


@given(command_frames)
def test_command_round_trip(command: Command) -> None:
    assert command_decoder().feed(command.encode()) == [command]


@given(st.binary(max_size=3000), st.lists(st.integers(0, 5000), max_size=6))
def test_any_bytes_give_frames_or_protocol_errors_and_every_byte_is_accounted_for(data: bytes, cuts: list[int]) -> None:
    decoder = reply_decoder()
    events = feed_in_pieces(decoder, data, cuts)
    accounted = 0
    for event in events:
        assert isinstance(event, Reply | Garbage | BadChecksum)
        if isinstance(event, Garbage):
            accounted += len(event.data)
        elif isinstance(event, BadChecksum):
            accounted += event.size
        else:
            accounted += len(event.encode())
    assert accounted + decoder.pending == len(data)


@given(
    st.lists(
        st.tuples(
            noise,
            st.builds(Reply, st.integers(0, 255), st.integers(0, 255), st.integers(0, 255), st.binary(max_size=300)),
        ),
        max_size=8,
    ),
    noise,
    st.lists(st.integers(0, 5000), max_size=8),
)
def test_frames_hidden_in_noise_are_all_recovered(
    chunks: list[tuple[bytes, Reply]], tail: bytes, cuts: list[int]
) -> None:
    stream = b"".join(gap + reply.encode() for gap, reply in chunks) + tail
    events = feed_in_pieces(reply_decoder(), stream, cuts)
    assert [e for e in events if isinstance(e, Reply)] == [reply for _, reply in chunks]
    assert not any(isinstance(e, BadChecksum) for e in events)
    assert sum(len(e.data) for e in events if isinstance(e, Garbage)) == sum(len(g) for g, _ in chunks) + len(tail)
