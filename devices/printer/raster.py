"""Pictures as ESC/POS raster bits: PNG in, 1-bit rows out (bit 1 = black dot)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

# A picture taller than this is almost certainly a mistake on a receipt.
MAX_HEIGHT_DOTS = 1200


class ImageProblem(ValueError):
    """A picture that cannot be printed; the message says why."""


@dataclass(frozen=True)
class Raster:
    width: int  # dots
    height: int  # dots
    rows: bytes  # height rows of ceil(width / 8) bytes, most significant bit leftmost

    @property
    def row_bytes(self) -> int:
        return (self.width + 7) // 8


def from_png(png: bytes, max_width: int) -> Raster:
    """Decode a PNG, scale it down to the paper if needed, and dither it to 1 bit."""
    # Pillow loads with the first picture, so that printing text costs no memory for it.
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(png), formats=["PNG"]) as opened:
            opened.load()
            picture = opened.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise ImageProblem(f"not a readable PNG picture ({error.__class__.__name__})") from None
    white = Image.new("RGBA", picture.size, (255, 255, 255, 255))
    grey = Image.alpha_composite(white, picture).convert("L")
    if grey.width > max_width:
        height = max(1, round(grey.height * max_width / grey.width))
        grey = grey.resize((max_width, height), Image.Resampling.LANCZOS)
    if grey.height > MAX_HEIGHT_DOTS:
        raise ImageProblem(f"picture is {grey.height} dots tall at paper width; at most {MAX_HEIGHT_DOTS}")
    # Mode "1" has 1 for white; ESC/POS wants 1 for black.
    bits = ImageOps.invert(grey).convert("1")
    return Raster(width=bits.width, height=bits.height, rows=bits.tobytes())


def bar(width: int, height: int, ink_from: int, ink_to: int) -> Raster:
    """A horizontal bar: rows ink_from..ink_to-1 black across the full width."""
    row_bytes = (width + 7) // 8
    full = bytearray(b"\xff" * row_bytes)
    if width % 8:
        full[-1] = (0xFF << (8 - width % 8)) & 0xFF
    blank = bytes(row_bytes)
    rows = b"".join(bytes(full) if ink_from <= row < ink_to else blank for row in range(height))
    return Raster(width=width, height=height, rows=rows)


def to_image(raster: Raster) -> Image.Image:
    """The raster as a black-on-white Pillow image (for drawing receipts)."""
    from PIL import Image, ImageOps

    bits = Image.frombytes("1", (raster.width, raster.height), raster.rows)
    return ImageOps.invert(bits.convert("L"))
