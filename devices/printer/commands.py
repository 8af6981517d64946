"""ESC/POS byte sequences the encoder emits (and the decoder and emulator understand)."""

from __future__ import annotations

ESC = 0x1B
GS = 0x1D
FS = 0x1C
DLE = 0x10
EOT = 0x04
LF = 0x0A
CR = 0x0D

INITIALIZE = b"\x1b@"  # ESC @
KANJI_ON = b"\x1c&"  # FS &: read bytes >= 0x81 as two-byte GB codes
KANJI_OFF = b"\x1c."  # FS .

ALIGN_CODES = {"left": 0, "center": 1, "right": 2}
QR_ERROR_CORRECTION = {"L": 48, "M": 49, "Q": 50, "H": 51}
CODE128 = 73  # GS k m, format 2 (length-prefixed)


def align(name: str) -> bytes:
    """ESC a n."""
    return bytes((ESC, ord("a"), ALIGN_CODES[name]))


def bold(on: bool) -> bytes:
    """ESC E n."""
    return bytes((ESC, ord("E"), 1 if on else 0))


def character_size(width: int, height: int) -> bytes:
    """GS ! n: width and height multipliers 1..8; scales Chinese and ASCII alike."""
    return bytes((GS, ord("!"), (width - 1) << 4 | (height - 1)))


def feed_lines(lines: int) -> bytes:
    """ESC d n."""
    return bytes((ESC, ord("d"), lines))


def cut(partial: bool) -> bytes:
    """GS V m n (function B): feed to the cutter, then cut (65 full, 66 partial)."""
    return bytes((GS, ord("V"), 66 if partial else 65, 0))


def _qr_function(function: int, parameters: bytes) -> bytes:
    """GS ( k pL pH cn=49 fn parameters."""
    length = len(parameters) + 2
    return bytes((GS, ord("("), ord("k"), length & 0xFF, length >> 8, 49, function)) + parameters


def qr(data: bytes, module_size: int, error_correction: str) -> bytes:
    """Native QR: model 2, module size, error correction, store the data, print it."""
    return b"".join(
        (
            _qr_function(65, b"\x32\x00"),
            _qr_function(67, bytes((module_size,))),
            _qr_function(69, bytes((QR_ERROR_CORRECTION[error_correction],))),
            _qr_function(80, b"\x30" + data),
            _qr_function(81, b"\x30"),
        )
    )


def code128(data: bytes, height: int, module_width: int) -> bytes:
    """CODE128 in code set B with the human-readable text below it (GS h, GS w, GS H, GS f, GS k)."""
    payload = b"{B" + data.replace(b"{", b"{{")
    return b"".join(
        (
            bytes((GS, ord("h"), height)),
            bytes((GS, ord("w"), module_width)),
            bytes((GS, ord("H"), 2)),
            bytes((GS, ord("f"), 0)),
            bytes((GS, ord("k"), CODE128, len(payload))),
            payload,
        )
    )


# A rule is a line of box-drawing characters in the printer's own Chinese font (GB 2312 A9A4):
# about 50 bytes on 80 mm paper, where a raster bar of 12 dots took 864.
RULE_CHARACTER = "─"


def raster(width_bytes: int, height: int, rows: bytes) -> bytes:
    """GS v 0 m=0 xL xH yL yH data."""
    return bytes((GS, ord("v"), ord("0"), 0, width_bytes & 0xFF, width_bytes >> 8, height & 0xFF, height >> 8)) + rows


def status_request(kind: int) -> bytes:
    """DLE EOT n, n = 1 printer, 2 offline cause, 3 error cause, 4 paper roll sensor."""
    return bytes((DLE, EOT, kind))
