"""Document mode: a photographed page becomes an upright, cropped, A4-sized JPEG.

1. EXIF transpose (the camera may store the picture sideways).
2. Find the page (devices.camera.page) and cut it out straight with one affine transform
   that turns, crops and scales at once, taking the nearest pixel of the photo for each
   sample. A fine page (at least FINE_DPI) that is scaled down by little or not at all
   takes one sample per output pixel: each pixel of the photo is moved by less than half
   a pixel (0.06 mm at 200 dpi), and at most one row and column in four is left out,
   which keeps every stroke of camera-soft text (three pixels and more at these
   resolutions). Otherwise it samples at twice the output resolution and averages 2×2
   blocks, so that no thin stroke is skipped and turned edges stay smooth (a third of the
   cost of Pillow's bilinear transform; one sample is a quarter of that again). Bands of
   rows are done on every core at once (Pillow lets go of the GIL while it works).
3. Autocontrast for documents: the darkest 0.5% become black and the paper becomes
   white (the white point is set inside the paper's own brightness), so text is crisp
   under any lamp and the JPEG does not spend bytes on paper grain. The levels are
   read from the small copy the page was found in, turned straight the same way, and
   applied to each band as it is cut: no second pass over the full page.
4. Fit within A4 at MAX_DPI (see there); never enlarged. The JPEG's dpi is set so that
   the page prints at A4 size.
5. Progressive JPEG of at most about 1.5 MB: quality 75 first, lowered step by step, and
   only when the lowest quality is still too large is the page scaled down.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor

from PIL import Image

from devices.camera.imaging import Processed, encode_jpeg, fit_within, open_image
from devices.camera.page import MIN_CONTRAST, Page, find_page, otsu
from devices.camera.stamp import Certification, draw_stamp
from devices.fonts import FontChoice

A4_MM = (210, 297)
A4_SHORT_SIDE_INCHES = A4_MM[0] / 25.4
# The page is fitted within A4 at this resolution (issue 5), and never enlarged: a 12 MP camera
# sees the usual shot at ~220 dpi and a page held close at ~275, both kept as seen. Capping at
# 220 would make the close page a fifth cheaper (issue 17 item 7) but would throw away detail
# the camera gave; the archive's resolution is not ours to lower for a benchmark.
MAX_DPI = 300
A4_PORTRAIT = (round(A4_MM[0] / 25.4 * MAX_DPI), round(A4_MM[1] / 25.4 * MAX_DPI))
# A page this fine or finer, scaled down by at most ONE_SAMPLE_SHRINK photo pixels an output
# pixel, is cut with one sample a pixel (see 2. above).
FINE_DPI = 200
ONE_SAMPLE_SHRINK = 1.3
MAX_BYTES = 1_500_000
# 75 first: on a levelled page it stays within 0.3 dB of 85 against a bicubic cut of the
# same photo, and the progressive encode (the costliest step) takes a quarter less time.
QUALITIES = (75, 65, 55, 45)
# Longest side of the grey copy the page is searched in.
DETECT_SIDE = 480
# Output rows straightened at a time: a few MB a band at twice the size, and few calls.
STRAIGHTEN_BAND = 128
# Cut this share off each side of the found page, so no dark base shows at its edges.
INSET = 0.006
BLACK_SHARE = 0.005
# Of the paper's pixels, this share (the brighter ones) become pure white.
PAPER_WHITE_SHARE = 0.75


# Straightening bands at once: the laptop's cores, and no more than helps.
STRAIGHTEN_THREADS = max(1, min(4, os.cpu_count() or 1))


def process_document(
    data: bytes,
    *,
    certification: Certification | None = None,
    font: FontChoice | None = None,
    max_bytes: int = MAX_BYTES,
) -> Processed:
    image = open_image(data)
    found = locate_page(image)
    if found is not None:
        page, small, small_page = found
        image = straighten(image, page, levels=page_levels(small, small_page))
    else:
        image = _fit(image)
        image = image.point(levels_table(_sample(image)))
    if certification is not None:
        draw_stamp(image, certification, font)
    jpeg, image = _encode_capped(image, max_bytes)
    return Processed(jpeg, image.width, image.height)


def locate_page(image: Image.Image) -> tuple[Page, Image.Image, Page] | None:
    """The page in the picture, and the small copy it was found in with the page there."""
    factor = max(1, math.ceil(max(image.size) / DETECT_SIDE))
    # Picking every n-th pixel is enough to find a page (and ten times cheaper than averaging).
    small = image.resize((image.width // factor, image.height // factor), Image.Resampling.NEAREST)
    found = find_page(small.convert("L"))
    if found is None:
        return None
    page = found.scaled(image.width / small.width, image.height / small.height).inset(INSET)
    return page, small, found.inset(INSET)


def _a4_box(width: float, height: float) -> tuple[int, int]:
    return A4_PORTRAIT if height >= width else (A4_PORTRAIT[1], A4_PORTRAIT[0])


def straighten(image: Image.Image, page: Page, *, levels: list[int] | None = None) -> Image.Image:
    """Cut the page out of the picture, turned upright and scaled to fit A4 at MAX_DPI."""
    size = fit_within((max(1, round(page.width)), max(1, round(page.height))), _a4_box(page.width, page.height))
    fine = min(size) / A4_SHORT_SIDE_INCHES >= FINE_DPI
    return _straighten_bands(image, page, size, levels=levels, threads=STRAIGHTEN_THREADS, one_sample_if_fine=fine)


def _straighten_bands(
    image: Image.Image,
    page: Page,
    size: tuple[int, int] | None = None,
    *,
    levels: list[int] | None = None,
    threads: int = 1,
    one_sample_if_fine: bool = False,
) -> Image.Image:
    """The page upright at `size` (default: its own size), each band levelled as it is cut."""
    width, height = size or (max(1, round(page.width)), max(1, round(page.height)))
    shrink = int(page.width / width)
    if shrink >= 2:  # far larger than A4 at MAX_DPI: average whole pixels down first (fast)
        image = image.reduce(shrink)
        page = page.scaled(1 / shrink, 1 / shrink)
    little_shrunk = max(page.width / width, page.height / height) <= ONE_SAMPLE_SHRINK
    samples = 1 if one_sample_if_fine and little_shrunk else 2
    # Sample (x, y) of the output at `samples`× its size comes from the page's upper-left
    # corner plus x steps along its top edge and y steps down its left edge.
    ux, uy = math.cos(math.radians(page.angle)), math.sin(math.radians(page.angle))
    step_x, step_y = page.width / (samples * width), page.height / (samples * height)
    left, top = page.corners[0]

    # In bands of rows: a double-size band stays small enough to be quick to fill and average.
    def band(band_top: int) -> Image.Image:
        rows = min(STRAIGHTEN_BAND, height - band_top)
        first = samples * band_top
        affine = (
            ux * step_x,
            -uy * step_y,
            left - uy * step_y * first,
            uy * step_x,
            ux * step_y,
            top + ux * step_y * first,
        )
        strip = image.transform(
            (samples * width, samples * rows), Image.Transform.AFFINE, affine, resample=Image.Resampling.NEAREST
        )
        strip = strip.reduce(samples) if samples > 1 else strip
        return strip.point(levels) if levels is not None else strip

    output = Image.new("RGB", (width, height))
    tops = range(0, height, STRAIGHTEN_BAND)
    if threads == 1:
        for band_top in tops:
            output.paste(band(band_top), (0, band_top))
        return output
    with ThreadPoolExecutor(threads, thread_name_prefix="straighten") as pool:
        for band_top, strip in zip(tops, pool.map(band, tops), strict=True):
            output.paste(strip, (0, band_top))
    return output


def _fit(image: Image.Image) -> Image.Image:
    size = fit_within(image.size, _a4_box(*image.size))
    return image if size == image.size else image.resize(size, Image.Resampling.LANCZOS)


def _sample(image: Image.Image) -> Image.Image:
    return (
        image.resize((image.width // 4, image.height // 4), Image.Resampling.NEAREST)
        if min(image.size) >= 400
        else image
    )


def page_levels(small: Image.Image, small_page: Page) -> list[int]:
    """The levels for the page, read from the small copy it was found in, the page cut out straight."""
    return levels_table(_straighten_bands(small, small_page))


def levels_table(sample: Image.Image) -> list[int]:
    """The lookup table (per RGB channel) that makes ink black and paper white, read from a sample of the page."""
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
    return lut


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
