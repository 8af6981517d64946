"""SAM frames, sans-I/O: encode them, and decode a byte stream into typed frames.

A frame is `AA AA AA 96 69 | LEN_H LEN_L | body | CHK`. LEN counts the body and CHK;
CHK is the XOR of the LEN bytes and the body. Both directions share this framing:
the host sends a Command body (CMD, PARA, DATA), the SAM answers a Reply body
(SW1, SW2, SW3, DATA).

The decoder never raises on input. Every byte fed to it ends up in exactly one
event: a frame, a BadChecksum (a frame-shaped run whose checksum is wrong), or
Garbage (bytes outside any frame, skipped while resynchronising on the preamble).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import xor
from typing import ClassVar, Generic, TypeVar

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
HEADER_SIZE = len(PREAMBLE) + 2
# The longest frame any known command needs is the 30 10 reply with a 1024-byte
# fingerprint (LEN 2314). A larger LEN means the "preamble" was noise.
MAX_LENGTH = 4096


class FrameError(ValueError):
    """A frame that cannot be encoded (its body is too long or a field is out of range)."""


def checksum(data: bytes | bytearray | memoryview) -> int:
    """XOR of every byte: the SAM checksum over LEN and body."""
    return reduce(xor, data, 0)


def encode_frame(body: bytes) -> bytes:
    length = len(body) + 1
    if length > MAX_LENGTH:
        raise FrameError(f"frame body of {len(body)} bytes is longer than {MAX_LENGTH - 1}")
    head = length.to_bytes(2, "big")
    return PREAMBLE + head + body + bytes((checksum(head) ^ checksum(body),))


def _byte(value: int, name: str) -> int:
    if not 0 <= value <= 0xFF:
        raise FrameError(f"{name} {value} is not a byte")
    return value


@dataclass(frozen=True, slots=True)
class Command:
    """Host to SAM: a command byte, its parameter byte and optional data."""

    MIN_BODY: ClassVar[int] = 2

    cmd: int
    para: int
    data: bytes = b""

    @classmethod
    def from_body(cls, body: bytes) -> Command:
        return cls(body[0], body[1], body[2:])

    def encode(self) -> bytes:
        return encode_frame(bytes((_byte(self.cmd, "CMD"), _byte(self.para, "PARA"))) + self.data)

    @property
    def code(self) -> tuple[int, int]:
        return (self.cmd, self.para)


@dataclass(frozen=True, slots=True)
class Reply:
    """SAM to host: card status SW1/SW2 (passed through), SAM status SW3, and data."""

    MIN_BODY: ClassVar[int] = 3

    sw1: int
    sw2: int
    sw3: int
    data: bytes = b""

    @classmethod
    def from_body(cls, body: bytes) -> Reply:
        return cls(body[0], body[1], body[2], body[3:])

    def encode(self) -> bytes:
        head = bytes((_byte(self.sw1, "SW1"), _byte(self.sw2, "SW2"), _byte(self.sw3, "SW3")))
        return encode_frame(head + self.data)


@dataclass(frozen=True, slots=True)
class Garbage:
    """Bytes outside any frame, skipped while looking for the preamble."""

    data: bytes


@dataclass(frozen=True, slots=True)
class BadChecksum:
    """A frame whose checksum is wrong; `size` bytes of it were dropped."""

    expected: int
    received: int
    size: int


F = TypeVar("F", Command, Reply)
Event = Command | Reply | Garbage | BadChecksum


def _partial_preamble(buffer: bytearray) -> int:
    """Length of the longest tail of `buffer` that could be the start of a preamble."""
    for size in range(min(len(PREAMBLE) - 1, len(buffer)), 0, -1):
        if buffer.endswith(PREAMBLE[:size]):
            return size
    return 0


class FrameDecoder(Generic[F]):
    """Incremental decoder: feed it bytes as they arrive, in any pieces."""

    def __init__(self, frame_type: type[F], max_length: int = MAX_LENGTH) -> None:
        self._frame_type = frame_type
        self._min_length = frame_type.MIN_BODY + 1
        self._max_length = max_length
        self._buffer = bytearray()

    @property
    def pending(self) -> int:
        """Bytes held back because they may begin a frame not yet complete."""
        return len(self._buffer)

    def reset(self) -> int:
        """Drop a partial frame (e.g. after a reply timed out); returns how many bytes were dropped."""
        dropped = len(self._buffer)
        self._buffer.clear()
        return dropped

    def feed(self, data: bytes) -> list[F | Garbage | BadChecksum]:
        buffer = self._buffer
        buffer += data
        events: list[F | Garbage | BadChecksum] = []
        skipped = bytearray()

        def flush_skipped() -> None:
            if skipped:
                events.append(Garbage(bytes(skipped)))
                skipped.clear()

        while buffer:
            start = buffer.find(PREAMBLE)
            if start < 0:
                keep = _partial_preamble(buffer)
                skipped += buffer[: len(buffer) - keep]
                del buffer[: len(buffer) - keep]
                break
            if start:
                skipped += buffer[:start]
                del buffer[:start]
            if len(buffer) < HEADER_SIZE:
                break
            length = int.from_bytes(buffer[5:7], "big")
            if not self._min_length <= length <= self._max_length:
                # Not a real frame: the preamble came from noise. Skip one byte and rescan.
                skipped += buffer[:1]
                del buffer[:1]
                continue
            total = HEADER_SIZE + length
            if len(buffer) < total:
                break
            view = memoryview(buffer)
            expected = checksum(view[5 : total - 1])
            received = buffer[total - 1]
            if expected != received:
                view.release()
                # A real frame may start inside this one (noise that looked like a preamble).
                inner = buffer.find(PREAMBLE, 1, total)
                size = inner if inner > 0 else total
                flush_skipped()
                events.append(BadChecksum(expected, received, size))
                del buffer[:size]
                continue
            body = bytes(view[HEADER_SIZE : total - 1])
            view.release()
            flush_skipped()
            events.append(self._frame_type.from_body(body))
            del buffer[:total]
        flush_skipped()
        return events


def reply_decoder() -> FrameDecoder[Reply]:
    return FrameDecoder(Reply)


def command_decoder() -> FrameDecoder[Command]:
    return FrameDecoder(Command)
