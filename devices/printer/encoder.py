"""Document → ESC/POS bytes for one printer profile.

The whole document is rendered before a single byte is returned: a character the
printer cannot print, an oversized barcode or a broken picture fails the job with
an EncodeError naming the block, and nothing is printed half.
"""

from __future__ import annotations

from core.devices import DeviceTrouble
from core.problems import Code, Problem
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

# Limits a real receipt never reaches, so that a document sent by mistake cannot tie up the
# daemon or use up a roll: a notice on a receipt is a few hundred characters, and a long
# case receipt some 40 cm. Text is wrapped character by character in Python, so the text
# limit also bounds the time one block takes; the paper limit bounds the whole job (raster
# at most 72 bytes per dot of paper, and at most 500 blocks of QR data).
MAX_TEXT_CHARACTERS = 4_000  # one text block: about 170 lines of Chinese on 80 mm paper
MAX_PAPER_MM = 1_000  # one copy
# Paper per dot, and what each line takes: thermal heads print 8 dots per mm (203 dpi), and
# a line feed is 1/6 inch by default, or the character height when that is taller.
DOTS_PER_MM = 8
LINE_SPACING_DOTS = 34
TEXT_HEIGHT_DOTS = 24
HRI_DOTS = 30  # the text under a barcode
QR_MODULES_AT_LEAST = 21  # version 1; the printer chooses the version, so a QR counts at its smallest


class EncodeError(DeviceTrouble, ValueError):
    """The document cannot be printed on this profile; the message names the block."""


def encode(document: Document, profile: Profile) -> bytes:
    """The complete print job: ESC @, Chinese mode, then each block in order."""
    job = bytearray(commands.INITIALIZE + commands.KANJI_ON)
    paper_dots = 0
    for number, block in enumerate(document.blocks, start=1):
        try:
            data, dots = _encode_block(block, profile)
            paper_dots += dots
            if paper_dots > MAX_PAPER_MM * DOTS_PER_MM:
                raise ValueError(
                    f"by this block the document takes {paper_dots // DOTS_PER_MM:,} mm of paper; "
                    f"at most {MAX_PAPER_MM:,} mm per copy"
                )
        except text.UnprintableCharacter as error:
            problem = Problem(
                Code.PRINTER_UNPRINTABLE_CHARACTER,
                {"block": number, "character": error.character, "codepoint": f"U+{ord(error.character):04X}"},
            )
            raise EncodeError(f"block {number} ({_kind(block)}): {error}", problem) from None
        except (raster.ImageProblem, ValueError) as error:
            problem = Problem(
                Code.PRINTER_DOCUMENT_INVALID, {"block": number, "kind": _kind(block), "reason": str(error)}
            )
            raise EncodeError(f"block {number} ({_kind(block)}): {error}", problem) from None
        job += data
    return bytes(job)


def line_columns(profile: Profile, width_multiplier: int) -> int:
    """How many byte-columns fit on one line at a character width multiplier."""
    return profile.columns // width_multiplier


def _kind(block: Block) -> str:
    return type(block).__struct_config__.tag  # type: ignore[attr-defined, no-any-return]


def _encode_block(block: Block, profile: Profile) -> tuple[bytes, int]:
    """The block's bytes, and the dots of paper they take."""
    match block:
        case TextBlock():
            return _text(block, profile)
        case RuleBlock():
            return _rule(profile), LINE_SPACING_DOTS
        case QrBlock():
            return _qr(block), QR_MODULES_AT_LEAST * block.size
        case BarcodeBlock():
            return _barcode(block, profile), block.height + HRI_DOTS
        case ImageBlock():
            picture = raster.from_png(block.png, profile.dots)
            return commands.align(block.align) + _raster(picture), picture.height
        case FeedBlock():
            return commands.feed_lines(block.lines), LINE_SPACING_DOTS * block.lines
        case CutBlock():
            return commands.cut(block.partial), 0
    raise AssertionError(f"unhandled block {block!r}")


def _text(block: TextBlock, profile: Profile) -> tuple[bytes, int]:
    if len(block.text) > MAX_TEXT_CHARACTERS:
        raise ValueError(f"{len(block.text):,} characters; at most {MAX_TEXT_CHARACTERS:,} in one text block")
    width, height = block.size
    columns = line_columns(profile, width)
    if columns < 2:
        raise ValueError(f"size {width}× is too wide for {profile.paper_width_mm} mm paper")
    out = bytearray(commands.align(block.align) + commands.bold(block.bold) + commands.character_size(width, height))
    lines = 0
    for paragraph in text.paragraphs(block.text):
        for line in text.wrap(paragraph, columns, profile.chinese):
            out += text.encode_line(line, profile.chinese) + bytes((commands.LF,))
            lines += 1
    return bytes(out), lines * max(LINE_SPACING_DOTS, TEXT_HEIGHT_DOTS * height)


def _rule(profile: Profile) -> bytes:
    """A full line of rule characters, each two columns wide, in the plain size whatever came before."""
    line = text.encode_line(commands.RULE_CHARACTER * (profile.columns // 2), profile.chinese)
    return commands.align("left") + commands.bold(False) + commands.character_size(1, 1) + line + bytes((commands.LF,))


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
    return commands.align(block.align) + commands.code128(
        block.data.encode("ascii"), block.height, BARCODE_MODULE_WIDTH
    )


def _raster(picture: raster.Raster) -> bytes:
    out = bytearray()
    row_bytes = picture.row_bytes
    for top in range(0, picture.height, RASTER_ROWS_PER_COMMAND):
        rows = min(RASTER_ROWS_PER_COMMAND, picture.height - top)
        chunk = picture.rows[top * row_bytes : (top + rows) * row_bytes]
        out += commands.raster(row_bytes, rows, chunk)
    return bytes(out)
