"""Measuring text on a screenshot as a person's eye meets it: the height of the ink, in pixels."""

from __future__ import annotations

import io

from PIL import Image

# Text on the board is light (white, yellow) on dark blue or red; the ink is what is brighter than this.
INK_LUMINANCE = 160


def ink_height(png: bytes) -> int:
    """Rows from the top of the highest lit pixel to the bottom of the lowest, in an element's screenshot."""
    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    pixels = image.load()
    rows = [y for y in range(height) if any(pixels[x, y] > INK_LUMINANCE for x in range(width))]
    return rows[-1] - rows[0] + 1 if rows else 0
