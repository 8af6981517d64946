"""PNG files written byte by byte, for pictures Pillow would refuse to make: bombs and liars."""

from __future__ import annotations

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 9000, height: int = 9000) -> bytes:
    """A valid 1-bit white PNG: a few KB that decode to width × height pixels (81 million by default)."""
    row = b"\x00" + b"\xff" * ((width + 7) // 8)  # filter type 0, then the bits
    compressor = zlib.compressobj(9)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit, greyscale
    return SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b"")


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width × height but whose pixel data is garbage: it fails if decoded."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", b"not zlib data") + _chunk(b"IEND", b"")
