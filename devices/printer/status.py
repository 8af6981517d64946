"""Real-time status (DLE EOT 1–4): parse the printer's four reply bytes honestly.

Each reply byte has fixed bits 0xx1xx10 (bits 1 and 4 set, bits 0 and 7 clear).
A byte that fails that check is not a status reply and is never believed. No reply
at all means the printer did not answer; it never means "paper OK".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.problems import Code, Problem
from devices.printer.commands import status_request

# Printer, offline cause, error cause, paper roll sensor: one reply byte each, in order.
STATUS_KINDS = (1, 2, 3, 4)
STATUS_QUERY = b"".join(status_request(kind) for kind in STATUS_KINDS)
FLOW_CONTROL = frozenset((0x11, 0x13))  # XON / XOFF may be interleaved on serial lines

PaperState = Literal["ok", "near_end", "out"]


class StatusError(ValueError):
    """A reply that is not a valid DLE EOT status byte."""


def is_status_byte(value: int) -> bool:
    return value & 0b1001_0011 == 0b0001_0010


@dataclass(frozen=True)
class PrinterStatus:
    offline: bool = False
    cover_open: bool = False
    paper: PaperState = "ok"
    stopped_by_paper_end: bool = False
    cutter_error: bool = False
    unrecoverable_error: bool = False
    auto_recoverable_error: bool = False

    @property
    def _found(self) -> list[tuple[str, Code]]:
        """What stops printing, most actionable first: in words for staff, and as codes."""
        found = []
        if self.paper == "out" or self.stopped_by_paper_end:
            found.append(("paper out", Code.PRINTER_PAPER_OUT))
        if self.cover_open:
            found.append(("cover open", Code.PRINTER_COVER_OPEN))
        if self.cutter_error:
            found.append(("cutter error", Code.PRINTER_CUTTER_ERROR))
        if self.unrecoverable_error:
            found.append(("unrecoverable printer error", Code.PRINTER_UNRECOVERABLE_ERROR))
        if self.auto_recoverable_error:
            found.append(("print head overheated or other recoverable error", Code.PRINTER_RECOVERABLE_ERROR))
        if self.offline and not found:
            found.append(("offline", Code.PRINTER_OFFLINE))
        return found

    @property
    def ok(self) -> bool:
        return not self._found

    @property
    def detail(self) -> str:
        """One line for the device state: the problems, else a warning, else ""."""
        if self._found:
            return ", ".join(words for words, _ in self._found)
        return "paper near end" if self.paper == "near_end" else ""

    @property
    def problem(self) -> Problem | None:
        """The detail's code: the most actionable problem (the detail lists them all), else the warning."""
        if self._found:
            return Problem(self._found[0][1])
        return Problem(Code.PRINTER_PAPER_NEAR_END) if self.paper == "near_end" else None


def parse(replies: bytes) -> PrinterStatus:
    """Four reply bytes, for DLE EOT 1, 2, 3 and 4 in that order."""
    if len(replies) != len(STATUS_KINDS):
        raise StatusError(f"expected {len(STATUS_KINDS)} status bytes, got {len(replies)}")
    for kind, value in zip(STATUS_KINDS, replies, strict=True):
        if not is_status_byte(value):
            raise StatusError(f"reply {value:#04x} to DLE EOT {kind} is not a status byte")
    printer, offline_cause, error_cause, paper = replies
    if paper & 0x60:
        paper_state: PaperState = "out"
    elif paper & 0x0C:
        paper_state = "near_end"
    else:
        paper_state = "ok"
    return PrinterStatus(
        offline=bool(printer & 0x08),
        cover_open=bool(offline_cause & 0x04),
        stopped_by_paper_end=bool(offline_cause & 0x20),
        paper=paper_state,
        cutter_error=bool(error_cause & 0x08),
        unrecoverable_error=bool(error_cause & 0x20),
        auto_recoverable_error=bool(error_cause & 0x40),
    )


def reply_bytes(status: PrinterStatus) -> dict[int, int]:
    """The byte a printer in this state answers to each DLE EOT n (used by the emulator)."""
    base = 0b0001_0010
    paper = {"ok": 0, "near_end": 0x0C, "out": 0x60}[status.paper]
    return {
        1: base | (0x08 if status.offline else 0),
        2: base | (0x04 if status.cover_open else 0) | (0x20 if status.stopped_by_paper_end else 0),
        3: base
        | (0x08 if status.cutter_error else 0)
        | (0x20 if status.unrecoverable_error else 0)
        | (0x40 if status.auto_recoverable_error else 0),
        4: base | paper,
    }


class StatusCollector:
    """Gathers the four reply bytes from a byte stream, skipping XON/XOFF."""

    def __init__(self) -> None:
        self._replies = bytearray()

    def feed(self, data: bytes) -> PrinterStatus | None:
        """Returns the status once all four replies are in; raises StatusError on a stray byte."""
        for value in data:
            if value in FLOW_CONTROL:
                continue
            self._replies.append(value)
            if not is_status_byte(value):
                raise StatusError(f"reply {value:#04x} is not a status byte")
        if len(self._replies) >= len(STATUS_KINDS):
            return parse(bytes(self._replies[: len(STATUS_KINDS)]))
        return None

    @property
    def received(self) -> int:
        return len(self._replies)
