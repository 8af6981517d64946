"""Document → ESC/POS bytes for one printer profile.

The whole document is rendered before a single byte is returned: a character the
printer cannot print, an oversized barcode or a broken picture fails the job with
an EncodeError naming the block, and nothing is printed half.
"""

from __future__ import annotations

from devices.printer import commands, raster, text
from devices.printer.document import (
    BarcodeBlock,
    Block,
    CutBlock,
    Document,
    FeedBlock,
    ImageBlock,
    QrBlock,
    RuleBlock,
    TextBlock,
)
from devices.printer.profile import Profile

# Byte-mode capacity of the largest QR symbol (version 40) per error-correction level.
QR_CAPACITY_BYTES = {"L": 2953, "M": 2331, "Q": 1663, "H": 1273}
BARCODE_MODULE_WIDTH = 2  # dots; 1 is too thin for most scanners on thermal paper
RASTER_ROWS_PER_COMMAND = 256  # keeps each GS v 0 small for printers with small buffers
RULE_HEIGHT = 12  # dots of paper for a rule, the middle two of them black


class EncodeError(ValueError):
    """The document cannot be printed on this profile; the message names the block."""


def encode(document: Document, profile: Profile) -> bytes:
    """The complete print job: ESC @, Chinese mode, then each block in order."""
    job = bytearray(commands.INITIALIZE + commands.KANJI_ON)
    for number, block in enumerate(document.blocks, start=1):
        try:
            job += _encode_block(block, profile)
        except (text.UnprintableCharacter, raster.ImageProblem, ValueError) as error:
            raise EncodeError(f"block {number} ({_kind(block)}): {error}") from None
    return bytes(job)


def line_columns(profile: Profile, width_multiplier: int) -> int:
    """How many byte-columns fit on one line at a character width multiplier."""
    return profile.columns // width_multiplier


def _kind(block: Block) -> str:
    return type(block).__struct_config__.tag  # type: ignore[attr-defined, no-any-return]


def _encode_block(block: Block, profile: Profile) -> bytes:
    match block:
        case TextBlock():
            return _text(block, profile)
        case RuleBlock():
            rule = raster.bar(profile.dots, RULE_HEIGHT, RULE_HEIGHT // 2 - 1, RULE_HEIGHT // 2 + 1)
            return commands.align("left") + _raster(rule)
        case QrBlock():
            return _qr(block)
        case BarcodeBlock():
            return _barcode(block, profile)
        case ImageBlock():
            picture = raster.from_png(block.png, profile.dots)
            return commands.align(block.align) + _raster(picture)
        case FeedBlock():
            return commands.feed_lines(block.lines)
        case CutBlock():
            return commands.cut(block.partial)
    raise AssertionError(f"unhandled block {block!r}")


def _text(block: TextBlock, profile: Profile) -> bytes:
    width, height = block.size
    columns = line_columns(profile, width)
    if columns < 2:
        raise ValueError(f"size {width}× is too wide for {profile.paper_width_mm} mm paper")
    out = bytearray(commands.align(block.align) + commands.bold(block.bold) + commands.character_size(width, height))
    for paragraph in text.paragraphs(block.text):
        for line in text.wrap(paragraph, columns, profile.chinese):
            out += text.encode_line(line, profile.chinese) + bytes((commands.LF,))
    return bytes(out)


def _qr(block: QrBlock) -> bytes:
    data = block.data.encode("utf-8")
    capacity = QR_CAPACITY_BYTES[block.error_correction]
    if len(data) > capacity:
        raise ValueError(
            f"QR data is {len(data)} bytes; at most {capacity} fit at error correction {block.error_correction}"
        )
    return commands.align(block.align) + commands.qr(data, block.size, block.error_correction)


def barcode_width_dots(characters: int) -> int:
    """CODE128 code set B: start, one symbol per character, check (11 modules each), stop (13)."""
    return (11 * (characters + 2) + 13) * BARCODE_MODULE_WIDTH


def _barcode(block: BarcodeBlock, profile: Profile) -> bytes:
    for character in block.data:
        if not 0x20 <= ord(character) < 0x7F:
            raise ValueError(f"CODE128 takes printable ASCII only, not U+{ord(character):04X}")
    if barcode_width_dots(len(block.data)) > profile.dots:
        longest = max(n for n in range(1, 81) if barcode_width_dots(n) <= profile.dots)
        raise ValueError(
            f"{len(block.data)} characters do not fit on {profile.paper_width_mm} mm paper; at most {longest}"
        )
    return commands.align(block.align) + commands.code128(block.data.encode("ascii"), block.height, BARCODE_MODULE_WIDTH)


def _raster(picture: raster.Raster) -> bytes:
    out = bytearray()
    row_bytes = picture.row_bytes
    for top in range(0, picture.height, RASTER_ROWS_PER_COMMAND):
        rows = min(RASTER_ROWS_PER_COMMAND, picture.height - top)
        chunk = picture.rows[top * row_bytes:(top + rows) * row_bytes]
        out += commands.raster(row_bytes, rows, chunk)
    return bytes(out)
