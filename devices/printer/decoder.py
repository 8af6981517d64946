"""ESC/POS bytes → printed lines and events, for the commands govan's encoder emits.

A sans-I/O, incremental decoder: feed it bytes as they arrive (commands may be split
anywhere) and it returns what was completed. Anything it does not know raises
DecodeError, so a test or the virtual printer notices instead of guessing.

It models a strict printer: Chinese (Kanji) mode is off at power-on and after ESC @,
and a byte from 0x80 on outside Chinese mode is an error, because a real printer
would print it from some code page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from devices.printer.commands import (
    ALIGN_CODES,
    CODE128,
    CR,
    DLE,
    EOT,
    ESC,
    FS,
    GS,
    LF,
    QR_ERROR_CORRECTION,
    RULE_CHARACTER,
)

Align = Literal["left", "center", "right"]
_ALIGN_NAMES: dict[int, Align] = {code: name for name, code in ALIGN_CODES.items()}  # type: ignore[misc]
_EC_NAMES = {code: name for name, code in QR_ERROR_CORRECTION.items()}


class DecodeError(ValueError):
    """Bytes the decoder does not understand; says which and where."""


@dataclass(frozen=True)
class TextLine:
    text: str
    align: Align = "left"
    width: int = 1
    height: int = 1
    bold: bool = False


@dataclass(frozen=True)
class Rule:
    """A line of nothing but rule characters: what a document's rule block prints as."""

    align: Align = "left"


@dataclass(frozen=True)
class QrCode:
    data: str
    module_size: int
    error_correction: str
    align: Align


@dataclass(frozen=True)
class Barcode:
    symbology: str
    data: str
    height: int
    module_width: int
    hri: bool
    align: Align


@dataclass(frozen=True)
class RasterImage:
    width: int  # dots
    height: int  # dots
    rows: bytes = field(repr=False)
    align: Align = "left"


@dataclass(frozen=True)
class Feed:
    lines: int


@dataclass(frozen=True)
class Cut:
    partial: bool


@dataclass(frozen=True)
class Initialize:
    pass


@dataclass(frozen=True)
class StatusRequest:
    kind: int  # 1 printer, 2 offline cause, 3 error cause, 4 paper roll sensor


Event = TextLine | Rule | QrCode | Barcode | RasterImage | Feed | Cut | Initialize | StatusRequest


class _Incomplete(Exception):
    """The buffer ends inside a command; wait for more bytes."""


class Decoder:
    def __init__(self, kanji: bool = False) -> None:
        self.kanji = kanji
        self._buffer = bytearray()
        self._offset = 0  # bytes consumed before the buffer, for error positions
        self._line = bytearray()
        self._reset_modes()

    def _reset_modes(self) -> None:
        self.align: Align = "left"
        self.width = 1
        self.height = 1
        self.bold = False
        self._qr_size = 3
        self._qr_ec = "L"
        self._qr_data: bytes | None = None
        self._barcode_height = 162
        self._barcode_module = 3
        self._barcode_hri = False

    @property
    def idle(self) -> bool:
        """True when no command or text line is half received."""
        return not self._buffer and not self._line

    def feed(self, data: bytes) -> list[Event]:
        """Decode what `data` completes; keep a trailing partial command for later."""
        self._buffer += data
        events: list[Event] = []
        while self._buffer:
            try:
                used = self._step(events)
            except _Incomplete:
                break
            del self._buffer[:used]
            self._offset += used
        return events

    def reset(self) -> None:
        """Forget partial input and modes (e.g. after a DecodeError or a dropped link)."""
        self._offset += len(self._buffer)
        self._buffer.clear()
        self._line.clear()
        self._reset_modes()

    def _fail(self, problem: str) -> DecodeError:
        return DecodeError(f"{problem} at byte {self._offset}")

    def _need(self, count: int) -> bytes:
        if len(self._buffer) < count:
            raise _Incomplete
        return bytes(self._buffer[:count])

    def _at_line_start(self, command: str) -> None:
        if self._line:
            raise self._fail(f"{command} in the middle of a text line")

    def _step(self, events: list[Event]) -> int:
        first = self._buffer[0]
        if first == ESC:
            return self._esc(events)
        if first == GS:
            return self._gs(events)
        if first == FS:
            return self._fs()
        if first == DLE:
            head = self._need(3)
            if head[1] != EOT or head[2] not in (1, 2, 3, 4):
                raise self._fail(f"unknown command {head.hex(' ')}")
            events.append(StatusRequest(head[2]))
            return 3
        if first == LF:
            events.append(self._finish_line())
            return 1
        if first == CR:
            return 1
        return self._character(first)

    def _character(self, first: int) -> int:
        if 0x20 <= first < 0x7F:
            self._line.append(first)
            return 1
        if first < 0x20 or first == 0x7F:
            raise self._fail(f"unknown control byte {first:#04x}")
        if not self.kanji:
            raise self._fail(f"byte {first:#04x} outside Chinese mode (no FS &)")
        if first in (0x80, 0xFF):
            raise self._fail(f"byte {first:#04x} cannot start a GB code")
        pair = self._need(2)
        second = pair[1]
        if 0x30 <= second <= 0x39:
            raise self._fail(f"4-byte GB18030 code starting {pair.hex(' ')}, which the printer cannot print")
        if not (0x40 <= second <= 0x7E or 0x80 <= second <= 0xFE):
            raise self._fail(f"bad GB code {pair.hex(' ')}")
        self._line += pair
        return 2

    def _finish_line(self) -> TextLine | Rule:
        try:
            content = self._line.decode("gb18030")
        except UnicodeDecodeError:
            raise self._fail(f"undecodable text in a line of {len(self._line)} bytes") from None
        self._line.clear()
        if content and content.strip(RULE_CHARACTER) == "":
            return Rule(self.align)
        return TextLine(content, self.align, self.width, self.height, self.bold)

    def _esc(self, events: list[Event]) -> int:
        command = self._need(2)[1]
        if command == ord("@"):
            self._line.clear()
            self._reset_modes()
            self.kanji = False
            events.append(Initialize())
            return 2
        value = self._need(3)[2]
        if command == ord("a"):
            self.align = self._align(value)
        elif command == ord("E"):
            self.bold = bool(value & 1)
        elif command == ord("d"):
            if self._line:
                events.append(self._finish_line())
            events.append(Feed(value))
        else:
            raise self._fail(f"unknown command ESC {command:#04x}")
        return 3

    def _align(self, value: int) -> Align:
        name = _ALIGN_NAMES.get(value if value < 48 else value - 48)
        if name is None:
            raise self._fail(f"bad alignment {value}")
        return name

    def _fs(self) -> int:
        command = self._need(2)[1]
        if command == ord("&"):
            self.kanji = True
        elif command == ord("."):
            self.kanji = False
        else:
            raise self._fail(f"unknown command FS {command:#04x}")
        return 2

    def _gs(self, events: list[Event]) -> int:
        command = self._need(2)[1]
        if command == ord("("):
            return self._two_dimensional(events)
        if command == ord("v"):
            return self._raster(events)
        if command == ord("k"):
            return self._barcode(events)
        if command == ord("V"):
            return self._cut(events)
        value = self._need(3)[2]
        if command == ord("!"):
            width, height = (value >> 4) + 1, (value & 0x0F) + 1
            if width > 8 or height > 8:
                raise self._fail(f"bad character size {value:#04x}")
            self.width, self.height = width, height
        elif command == ord("h"):
            self._barcode_height = value
        elif command == ord("w"):
            self._barcode_module = value
        elif command == ord("H"):
            self._barcode_hri = (value if value < 48 else value - 48) != 0
        elif command == ord("f"):
            pass  # HRI font: drawn the same by the virtual printer
        else:
            raise self._fail(f"unknown command GS {command:#04x}")
        return 3

    def _cut(self, events: list[Event]) -> int:
        mode = self._need(3)[2]
        self._at_line_start("cut")
        if mode in (0, 48, 1, 49):
            events.append(Cut(partial=mode in (1, 49)))
            return 3
        if mode in (65, 66):
            self._need(4)
            events.append(Cut(partial=mode == 66))
            return 4
        raise self._fail(f"unknown cut mode {mode}")

    def _two_dimensional(self, events: list[Event]) -> int:
        head = self._need(7)
        length = head[3] | head[4] << 8
        if length < 2:
            raise self._fail("GS ( k with no function")
        body = self._need(5 + length)[5:]
        symbol, function, parameters = body[0], body[1], body[2:]
        if symbol != 49:
            raise self._fail(f"2D symbol type {symbol} is not QR")
        if function == 65 and len(parameters) == 2 and parameters[0] in (49, 50, 51):
            pass  # model 1, 2 or micro: all print the same data
        elif function == 67 and len(parameters) == 1 and 1 <= parameters[0] <= 16:
            self._qr_size = parameters[0]
        elif function == 69 and len(parameters) == 1 and parameters[0] in _EC_NAMES:
            self._qr_ec = _EC_NAMES[parameters[0]]
        elif function == 80 and parameters[:1] == b"0":
            self._qr_data = parameters[1:]
        elif function == 81 and parameters == b"0":
            self._at_line_start("QR code")
            if not self._qr_data:
                raise self._fail("QR print with no stored data")
            try:
                data = self._qr_data.decode("utf-8")
            except UnicodeDecodeError:
                raise self._fail("QR data is not UTF-8") from None
            events.append(QrCode(data, self._qr_size, self._qr_ec, self.align))
        else:
            raise self._fail(f"unknown QR function {function} with {len(parameters)} parameter bytes")
        return 5 + length

    def _raster(self, events: list[Event]) -> int:
        head = self._need(8)
        if head[2] != ord("0") or head[3] not in (0, 48):
            raise self._fail(f"unsupported raster command {head[:4].hex(' ')}")
        row_bytes = head[4] | head[5] << 8
        height = head[6] | head[7] << 8
        size = 8 + row_bytes * height
        rows = self._need(size)[8:]
        self._at_line_start("raster image")
        events.append(RasterImage(row_bytes * 8, height, rows, self.align))
        return size

    def _barcode(self, events: list[Event]) -> int:
        head = self._need(4)
        kind, length = head[2], head[3]
        if kind != CODE128:
            raise self._fail(f"unsupported barcode type {kind}")
        raw = self._need(4 + length)[4:]
        self._at_line_start("barcode")
        data = self._code128_text(raw)
        events.append(
            Barcode("code128", data, self._barcode_height, self._barcode_module, self._barcode_hri, self.align)
        )
        return 4 + length

    def _code128_text(self, raw: bytes) -> str:
        if raw[:2] != b"{B":
            raise self._fail(f"CODE128 must start in code set B ({raw[:2]!r})")
        body = raw[2:]
        text = bytearray()
        index = 0
        while index < len(body):
            byte = body[index]
            if byte == ord("{"):
                if body[index + 1 : index + 2] != b"{":
                    raise self._fail("CODE128 code set change or function code is not supported")
                index += 1
            if not 0x20 <= byte < 0x7F:
                raise self._fail(f"CODE128 byte {byte:#04x} is not printable ASCII")
            text.append(byte)
            index += 1
        return text.decode("ascii")


def decode(data: bytes, kanji: bool = False) -> list[Event]:
    """Decode a complete job; a command or text line cut off at the end is an error."""
    decoder = Decoder(kanji=kanji)
    events = decoder.feed(data)
    if not decoder.idle:
        raise DecodeError(f"job ends inside a command or an unterminated text line ({len(data)} bytes)")
    return events


def text_lines(events: list[Event]) -> list[str]:
    return [event.text for event in events if isinstance(event, TextLine)]
