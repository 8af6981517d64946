"""Serial scanner protocol, sans-I/O: bytes and the time they arrived in, scans and bad input out.

A scanner sends each code as one line: an optional AIM identifier, the data, then a
terminator (CR, LF, CRLF or Tab, as configured on the scanner). Everything that can go
wrong with a line becomes a BadInput event and the line is dropped; the assembler always
recovers at the next terminator, so the next good code still arrives.

Time is passed in by the caller (any monotonic clock, in seconds), so the code timeout can
be tested without sleeping. A code "never ends" when no byte has arrived for `timeout_s`
while a line is open; timing from the last byte lets a slow 4 KB code still arrive.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.problems import Code, Problem
from devices.scanner.aim import identify

TERMINATORS: dict[str, bytes] = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n", "TAB": b"\t"}
MAX_CODE_BYTES = 4096
DEFAULT_TIMEOUT_S = 0.5


@dataclass(frozen=True)
class Scan:
    code: str
    symbology: str | None
    aim: str | None


@dataclass(frozen=True)
class BadInput:
    """A line that was dropped; `detail` says why without repeating its content, `problem` as a code."""

    detail: str
    problem: Problem


ScannerEvent = Scan | BadInput


class LineAssembler:
    def __init__(
        self,
        terminator: bytes = b"\r",
        *,
        max_bytes: int = MAX_CODE_BYTES,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        if not terminator:
            raise ValueError("the terminator must not be empty")
        self.terminator = terminator
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s
        self._buffer = bytearray()
        # True while the rest of an already reported line is being skipped.
        self._discarding = False
        self._last_byte_at = 0.0

    @property
    def pending(self) -> bool:
        """A line has started and has not ended yet."""
        return self._discarding or bool(self._buffer.strip(b"\r\n"))

    def deadline(self) -> float | None:
        """When `expire` must be called if nothing else arrives, or None when idle."""
        return self._last_byte_at + self.timeout_s if self.pending else None

    def feed(self, data: bytes, now: float) -> list[ScannerEvent]:
        events = self.expire(now)
        if not data:
            return events
        self._last_byte_at = now
        search_from = max(0, len(self._buffer) - len(self.terminator) + 1)
        self._buffer += data
        while (end := self._buffer.find(self.terminator, search_from)) >= 0:
            line = bytes(self._buffer[:end])
            del self._buffer[: end + len(self.terminator)]
            search_from = 0
            events.extend(self._end_line(line))
        if not self._discarding and len(self._buffer) > self.max_bytes:
            events.append(self._too_long())
            self._discarding = True
        if self._discarding:
            # Keep only what could be the start of a terminator split across reads.
            keep = len(self.terminator) - 1
            del self._buffer[: len(self._buffer) - keep]
        return events

    def expire(self, now: float) -> list[ScannerEvent]:
        """Drop a line that stopped arriving before its terminator."""
        if not self.pending or now - self._last_byte_at < self.timeout_s:
            return []
        reported = self._discarding
        size = len(self._buffer)
        self._reset()
        if reported:
            return []
        milliseconds = round(self.timeout_s * 1000)
        return [
            BadInput(
                f"code not terminated within {milliseconds} ms ({size} bytes discarded); "
                "check the scanner's terminator setting",
                Problem(Code.SCANNER_UNTERMINATED, {"timeout_ms": milliseconds, "bytes": size}),
            )
        ]

    def reject(self, bad: BadInput, now: float) -> list[ScannerEvent]:
        """Report the current line as bad and skip the rest of it (used by the keyboard decoder)."""
        events = self.expire(now)
        self._buffer.clear()
        self._discarding = True
        self._last_byte_at = now
        return [*events, bad]

    def _too_long(self) -> BadInput:
        return BadInput(
            f"code longer than {self.max_bytes} bytes; discarded",
            Problem(Code.SCANNER_CODE_TOO_LONG, {"limit": self.max_bytes}),
        )

    def _reset(self) -> None:
        self._buffer.clear()
        self._discarding = False

    def _end_line(self, line: bytes) -> list[ScannerEvent]:
        if self._discarding:
            self._discarding = False
            return []
        if len(line) > self.max_bytes:
            return [self._too_long()]
        # A CR or LF left over from a scanner set to CRLF is never part of a code.
        line = line.strip(b"\r\n")
        if not line:
            return []
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as error:
            byte = f"0x{line[error.start]:02x}"
            return [
                BadInput(
                    f"code is not valid UTF-8 (byte {byte} at offset {error.start}); discarded",
                    Problem(Code.SCANNER_NOT_UTF8, {"byte": byte, "offset": error.start}),
                )
            ]
        found = identify(text)
        if not found.code:
            return [
                BadInput(
                    f"empty code after the AIM identifier {found.aim}",
                    Problem(Code.SCANNER_EMPTY_CODE, {"aim": found.aim}),
                )
            ]
        return [Scan(code=found.code, symbology=found.symbology, aim=found.aim)]
