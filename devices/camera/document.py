"""Document mode: a photographed page becomes an upright, cropped, A4-sized JPEG.

1. EXIF transpose (the camera may store the picture sideways).
2. Find the page (devices.camera.page) and cut it out straight with one affine transform
   that turns, crops and scales at once. It samples at twice the output resolution and
   averages 2×2 blocks: smooth edges on turned text, at a third of the cost of
   Pillow's bilinear transform.
3. Autocontrast for documents: the darkest 0.5% become black and the paper becomes
   white (the white point is set inside the paper's own brightness), so text is crisp
   under any lamp and the JPEG does not spend bytes on paper grain.
4. Fit within A4 at 300 dpi (2480×3508, or its landscape twin for a landscape page);
   never enlarged. The JPEG's dpi is set so that the page prints at A4 size.
5. Progressive JPEG of at most about 1.5 MB: quality is lowered step by step, and only
   when the lowest quality is still too large is the page scaled down.
"""

from __future__ import annotations

import math

from PIL import Image

from devices.camera.imaging import Processed, encode_jpeg, fit_within, open_image
from devices.camera.page import MIN_CONTRAST, Page, find_page, otsu
from devices.camera.stamp import Certification, draw_stamp
from devices.fonts import FontChoice

A4_PORTRAIT = (2480, 3508)
A4_SHORT_SIDE_INCHES = 210 / 25.4
MAX_BYTES = 1_500_000
QUALITIES = (85, 75, 65, 55, 45)
# Longest side of the grey copy the page is searched in.
DETECT_SIDE = 480
# Output rows straightened at a time.
STRAIGHTEN_BAND = 48
# Cut this share off each side of the found page, so no dark base shows at its edges.
INSET = 0.006
BLACK_SHARE = 0.005
# Of the paper's pixels, this share (the brighter ones) become pure white.
PAPER_WHITE_SHARE = 0.75


def process_document(
    data: bytes,
    *,
    certification: Certification | None = None,
    font: FontChoice | None = None,
    max_bytes: int = MAX_BYTES,
) -> Processed:
    image = open_image(data)
    page = locate_page(image)
    image = straighten(image, page) if page is not None else _fit(image)
    image = document_levels(image)
    if certification is not None:
        draw_stamp(image, certification, font)
    jpeg, image = _encode_capped(image, max_bytes)
    return Processed(jpeg, image.width, image.height)


def locate_page(image: Image.Image) -> Page | None:
    factor = max(1, math.ceil(max(image.size) / DETECT_SIDE))
    # Picking every n-th pixel is enough to find a page (and ten times cheaper than averaging).
    small = image.resize((image.width // factor, image.height // factor), Image.Resampling.NEAREST)
    page = find_page(small.convert("L"))
    if page is None:
        return None
    return page.scaled(image.width / small.width, image.height / small.height).inset(INSET)


def _a4_box(width: float, height: float) -> tuple[int, int]:
    return A4_PORTRAIT if height >= width else (A4_PORTRAIT[1], A4_PORTRAIT[0])


def straighten(image: Image.Image, page: Page) -> Image.Image:
    """Cut the page out of the picture, turned upright and scaled to fit A4 at 300 dpi."""
    width, height = fit_within((max(1, round(page.width)), max(1, round(page.height))), _a4_box(page.width, page.height))
    shrink = int(page.width / width)
    if shrink >= 2:  # far larger than A4 at 300 dpi: average whole pixels down first (fast)
        image = image.reduce(shrink)
        page = page.scaled(1 / shrink, 1 / shrink)
    # Pixel (x, y) of the double-size output comes from the page's upper-left corner plus
    # x steps along its top edge and y steps down its left edge.
    ux, uy = math.cos(math.radians(page.angle)), math.sin(math.radians(page.angle))
    step_x, step_y = page.width / (2 * width), page.height / (2 * height)
    left, top = page.corners[0]
    output = Image.new("RGB", (width, height))
    # In bands of rows: the double-size band stays small enough to be quick to fill and average.
    for band_top in range(0, height, STRAIGHTEN_BAND):
        rows = min(STRAIGHTEN_BAND, height - band_top)
        first = 2 * band_top
        affine = (ux * step_x, -uy * step_y, left - uy * step_y * first, uy * step_x, ux * step_y, top + ux * step_y * first)
        double = image.transform((2 * width, 2 * rows), Image.Transform.AFFINE, affine, resample=Image.Resampling.NEAREST)
        output.paste(double.reduce(2), (0, band_top))
    return output


def _fit(image: Image.Image) -> Image.Image:
    size = fit_within(image.size, _a4_box(*image.size))
    return image if size == image.size else image.resize(size, Image.Resampling.LANCZOS)


def document_levels(image: Image.Image) -> Image.Image:
    """Stretch each channel so that ink is black and paper is white."""
    sample = image.resize((image.width // 4, image.height // 4), Image.Resampling.NEAREST) if min(image.size) >= 400 else image
    gray = sample.convert("L").histogram()
    threshold, contrast = otsu(gray)
    paper_share = sum(gray[threshold + 1 :]) / sum(gray) if contrast >= MIN_CONTRAST else 0.0
    white_share = max(BLACK_SHARE, PAPER_WHITE_SHARE * paper_share)
    channels = sample.histogram()
    lut: list[int] = []
    for band in range(3):
        histogram = channels[256 * band : 256 * (band + 1)]
        low = _level_at(histogram, BLACK_SHARE)
        high = max(_level_at(histogram, 1 - white_share), low + 1)
        lut += [min(255, max(0, round((value - low) * 255 / (high - low)))) for value in range(256)]
    return image.point(lut)


def _level_at(histogram: list[int], share: float) -> int:
    """The lowest level at or below which `share` of the pixels lie."""
    wanted, seen = share * sum(histogram), 0
    for level, count in enumerate(histogram):
        seen += count
        if seen >= wanted:
            return level
    return 255


def _encode_capped(image: Image.Image, max_bytes: int) -> tuple[bytes, Image.Image]:
    while True:
        dpi = round(min(image.size) / A4_SHORT_SIDE_INCHES)
        for quality in QUALITIES:
            jpeg = encode_jpeg(image, quality=quality, dpi=dpi, progressive=True)
            if len(jpeg) <= max_bytes:
                return jpeg, image
        image = image.resize((round(image.width * 0.8), round(image.height * 0.8)), Image.Resampling.LANCZOS)
