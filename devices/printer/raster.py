"""Pictures as ESC/POS raster bits: PNG in, 1-bit rows out (bit 1 = black dot)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

# A picture taller than this is almost certainly a mistake on a receipt.
MAX_HEIGHT_DOTS = 1200
# Pictures with more pixels are refused before they are decoded. The paper is at most 576
# dots wide, so a logo of 2000×2000 is already scaled down 3.5×; decoding it costs at most
# 16 MB, where a "PNG bomb" of a few KB could otherwise ask for gigabytes.
MAX_PIXELS = 4_000_000


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
    """Decode a PNG, scale it down to the paper if needed, and dither it to 1 bit.

    The size is read from the header and checked before a single pixel is decoded.
    """
    # Pillow loads with the first picture, so that printing text costs no memory for it.
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        opened = Image.open(io.BytesIO(png), formats=["PNG"])
        width, height = opened.size
        _check_size(width, height, max_width)
        opened.load()
        # Transparent parts are paper; without transparency one grey byte per pixel is enough.
        transparent = opened.has_transparency_data
        mode = "RGBA" if transparent else "L"
        picture = opened if opened.mode == mode else opened.convert(mode)
    except ImageProblem:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise ImageProblem(f"not a readable PNG picture ({error.__class__.__name__})") from None
    del opened  # the decoded copy goes before the converted one is scaled
    if width > max_width:
        # reducing_gap: whole blocks of pixels are averaged first, so LANCZOS runs on a small picture.
        size = (max_width, printed_height(width, height, max_width))
        picture = picture.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
    if transparent:
        picture = Image.alpha_composite(Image.new("RGBA", picture.size, (255, 255, 255, 255)), picture)
    grey = picture.convert("L")
    # Mode "1" has 1 for white; ESC/POS wants 1 for black.
    bits = ImageOps.invert(grey).convert("1")
    return Raster(width=bits.width, height=bits.height, rows=bits.tobytes())


def printed_height(width: int, height: int, max_width: int) -> int:
    """Dots of paper a picture takes once scaled down (never up) to `max_width`."""
    return height if width <= max_width else max(1, round(height * max_width / width))


def _check_size(width: int, height: int, max_width: int) -> None:
    if width * height > MAX_PIXELS:
        raise ImageProblem(f"picture is {width:,}×{height:,} pixels; at most {MAX_PIXELS:,} pixels, such as 2000×2000")
    tall = printed_height(width, height, max_width)
    if tall > MAX_HEIGHT_DOTS:
        raise ImageProblem(f"picture is {tall:,} dots tall at paper width; at most {MAX_HEIGHT_DOTS:,}")


def to_image(raster: Raster) -> Image.Image:
    """The raster as a black-on-white Pillow image (for drawing receipts)."""
    from PIL import Image, ImageOps

    bits = Image.frombytes("1", (raster.width, raster.height), raster.rows)
    return ImageOps.invert(bits.convert("L"))
