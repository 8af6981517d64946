"""Document mode on photographed-looking pages, and the certify stamp."""

import io
import math
from functools import lru_cache
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter, ImageStat

from devices.camera.document import A4_PORTRAIT, locate_page, page_levels, process_document
from devices.camera.imaging import KEPT_IMAGE_BLOCKS, CaptureError, open_image
from devices.camera.pipeline import process_capture
from devices.camera.stamp import Certification, layout_stamp
from devices.camera.synthetic import draw_document, photograph, to_jpeg
from devices.fonts import FONT_PACKAGES, find_cjk_font
from tests.devices.camera.pictures import ANGLE, decode, document_photo
from tests.support.fonts import require_cjk_font

CERTIFIED = Certification(staff="王美娜", at="2026-05-01T10:30:00+08:00")
# Against a bicubic cut of the same photo: the grey-level PSNR near the text, and the share of its edge strength,
# above which the page reads as well as the reference.
LEGIBLE_PSNR = 22.0
LEGIBLE_SHARPNESS = 0.85


def rule_rows(image: Image.Image) -> tuple[int, int]:
    """Where the rule under the title crosses columns at 15% and 85% of the width."""
    gray = image.convert("L")
    band = gray.crop((0, 0, gray.width, gray.height // 5))
    dark_per_row = [
        sum(1 for value in band.crop((0, y, band.width, y + 1)).tobytes() if value < 100) for y in range(band.height)
    ]
    centre = max(range(band.height), key=dark_per_row.__getitem__)
    window = range(max(0, centre - 12), min(band.height, centre + 13))

    def crossing(x: int) -> int:
        column = band.crop((x, 0, x + 1, band.height)).tobytes()
        return min(window, key=column.__getitem__)

    return crossing(gray.width * 15 // 100), crossing(gray.width * 85 // 100)


def red_pixels(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    red, green, blue = image.crop(box).convert("RGB").split()
    mask = ImageChops.multiply(
        red.point(lambda value: 255 if value > 150 else 0),
        ImageChops.multiply(
            green.point(lambda value: 255 if value < 110 else 0), blue.point(lambda value: 255 if value < 110 else 0)
        ),
    )
    return mask.histogram()[255]


@pytest.mark.parametrize("orientation", [None, 6])
def test_photographed_page_becomes_upright_cropped_a4(orientation: int | None) -> None:
    result = process_document(document_photo(orientation=orientation))
    page = decode(result.jpeg)
    assert page.size == (result.width, result.height)
    assert result.height / result.width == pytest.approx(297 / 210, abs=0.02)
    assert result.width <= A4_PORTRAIT[0] and result.height <= A4_PORTRAIT[1]
    # Cropped: no dark base left along any edge.
    for edge in [
        (0, 0, page.width, 4),
        (0, page.height - 4, page.width, page.height),
        (0, 0, 4, page.height),
        (page.width - 4, 0, page.width, page.height),
    ]:
        assert min(ImageStat.Stat(page.crop(edge).convert("L")).mean) > 200, edge
    # Upright: the rule under the title is near the top and level (deskewed within 0.3°).
    left, right = rule_rows(page)
    assert 0.08 * page.height < left < 0.16 * page.height
    assert abs(left - right) <= 0.7 * page.width * math.tan(math.radians(0.3)) + 1
    # ...and not mirrored: the red seal is at the lower right.
    lower_right = (page.width // 2, page.height // 2, page.width, page.height)
    lower_left = (0, page.height // 2, page.width // 2, page.height)
    assert red_pixels(page, lower_right) > 100 and red_pixels(page, lower_left) == 0


def test_paper_is_white_and_ink_is_black() -> None:
    page = decode(process_document(document_photo()).jpeg).convert("L")
    histogram = page.histogram()
    assert sum(histogram[245:]) > 0.6 * sum(histogram)
    assert sum(histogram[:60]) > 0.005 * sum(histogram)


def test_no_exif_leaves_with_the_file() -> None:
    page = decode(process_document(document_photo(orientation=6)).jpeg)
    assert dict(page.getexif()) == {}
    assert page.info.get("progressive") == 1 or page.info.get("progression") == 1


def test_certify_stamp_is_drawn_in_its_box() -> None:
    font = require_cjk_font()
    photo = document_photo()
    plain = decode(process_document(photo).jpeg)
    stamped_result = process_document(photo, certification=CERTIFIED, font=font)
    stamped = decode(stamped_result.jpeg)
    assert stamped.size == plain.size
    box = layout_stamp(stamped.size, CERTIFIED, font).box
    area = (box[2] - box[0]) * (box[3] - box[1])
    assert red_pixels(stamped, box) > 0.03 * area
    assert red_pixels(plain, box) < 0.002 * area
    # Outside the stamp the two pages are the same picture.
    outside = (0, 0, stamped.width, box[1] - 2)
    difference = ImageChops.difference(stamped.crop(outside).convert("L"), plain.crop(outside).convert("L"))
    assert max(ImageStat.Stat(difference).mean) < 1.0


def test_stamp_without_a_chinese_font_fails_the_job_and_says_which_package() -> None:
    assert find_cjk_font(use_fontconfig=False, known_paths=()) is None
    with pytest.raises(CaptureError) as raised:
        process_document(document_photo(), certification=CERTIFIED, font=None)
    assert raised.value.detail == f"cannot draw the certify stamp: no Chinese font installed (install {FONT_PACKAGES})"


def test_a_font_without_hanzi_does_not_count(tmp_path: Path) -> None:
    latin = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not latin.is_file():
        pytest.skip("DejaVu is not installed")
    assert find_cjk_font(use_fontconfig=False, known_paths=(latin,)) is None


def test_bad_certify_time_is_named() -> None:
    font = require_cjk_font()
    with pytest.raises(CaptureError, match="certify.at is not an ISO-8601 time"):
        process_document(document_photo(), certification=Certification("王美娜", "yesterday"), font=font)


def test_size_cap_lowers_quality_then_size() -> None:
    noisy = Image.merge("RGB", [Image.effect_noise((800, 600), 60) for _ in range(3)])
    buffer = io.BytesIO()
    noisy.save(buffer, "JPEG", quality=95)
    result = process_document(buffer.getvalue(), max_bytes=30_000)
    assert len(result.jpeg) <= 30_000
    assert decode(result.jpeg).size == (result.width, result.height)


def test_picture_without_a_page_is_fitted_whole() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 700), (240, 240, 235)).save(buffer, "PNG")
    result = process_document(buffer.getvalue())
    assert (result.width, result.height) == (1000, 700)


@pytest.mark.parametrize("data", [b"", b"not a picture", document_photo()[:2000]])
def test_unreadable_input_fails_with_a_reason(data: bytes) -> None:
    with pytest.raises(CaptureError, match="not a readable picture"):
        process_document(data)


def reference_page(photo: bytes, size: tuple[int, int]) -> Image.Image:
    """The page cut out of the photo with Pillow's bicubic filter, at the output's size and levels: what we aim at."""
    image = open_image(photo)
    found = locate_page(image)
    assert found is not None
    page, small, small_page = found
    ux, uy = math.cos(math.radians(page.angle)), math.sin(math.radians(page.angle))
    step_x, step_y = page.width / size[0], page.height / size[1]
    left, top = page.corners[0]
    affine = (ux * step_x, -uy * step_y, left, uy * step_x, ux * step_y, top)
    upright = image.transform(size, Image.Transform.AFFINE, affine, resample=Image.Resampling.BICUBIC)
    return upright.point(page_levels(small, small_page))


def text_psnr(picture: Image.Image, reference: Image.Image) -> float:
    """Grey-level peak signal-to-noise ratio in dB, over the text and its surroundings only (not the bare paper)."""
    near_text = reference.convert("L").point(lambda value: 255 if value < 160 else 0).filter(ImageFilter.MaxFilter(5))
    difference = ImageChops.difference(picture.convert("L"), reference.convert("L"))
    rms = ImageStat.Stat(difference, near_text).rms[0]
    return 20 * math.log10(255 / max(rms, 1e-6))


def sharpness(picture: Image.Image) -> float:
    """Mean edge strength: blurred strokes lose it."""
    return ImageStat.Stat(picture.convert("L").filter(ImageFilter.FIND_EDGES)).mean[0]


def ink_share(picture: Image.Image) -> float:
    histogram = picture.convert("L").histogram()
    return sum(histogram[:100]) / sum(histogram)


def blurred_copy(picture: Image.Image) -> Image.Image:
    """What a page at half the resolution looks like: the control the legibility check must reject."""
    half = picture.resize((picture.width // 2, picture.height // 2), Image.Resampling.BOX)
    return half.resize(picture.size, Image.Resampling.BILINEAR)


@lru_cache(maxsize=3)
def large_photo(frame: tuple[int, int], fill: float) -> bytes:
    return to_jpeg(photograph(draw_document(2480), frame, angle=ANGLE, fill=fill))


# A 7 MP photo with the page filling 86% of its height (~175 dpi: 2×2 samples), and filling
# it all (~220 dpi: one sample a pixel); an 11 MP photo of a page held close (~275 dpi, kept:
# one sample a pixel).
@pytest.mark.parametrize(("frame", "fill"), [((3000, 2400), 0.86), ((3000, 2400), 1.08), ((3600, 3000), 1.08)])
def test_straightened_page_stays_legible(frame: tuple[int, int], fill: float) -> None:
    """As sharp as a bicubic cut of the same photo, and as close near the text; strokes kept."""
    photo = large_photo(frame, fill)
    page = decode(process_document(photo).jpeg)
    reference = reference_page(photo, page.size)
    assert text_psnr(page, reference) > LEGIBLE_PSNR
    assert sharpness(page) > LEGIBLE_SHARPNESS * sharpness(reference)
    assert ink_share(page) == pytest.approx(ink_share(reference), rel=0.1)
    # The checks can fail: the same page at half the resolution passes neither.
    half = blurred_copy(reference)
    assert text_psnr(half, reference) < LEGIBLE_PSNR
    assert sharpness(half) < LEGIBLE_SHARPNESS * sharpness(reference)


def markers_before_the_scan(jpeg: bytes) -> list[int]:
    """The JPEG's segment markers up to its first scan (SOS), read segment by segment."""
    assert jpeg[:2] == b"\xff\xd8", "not a JPEG"
    markers, at = [], 2
    while at + 4 <= len(jpeg):
        marker, length = int.from_bytes(jpeg[at : at + 2]), int.from_bytes(jpeg[at + 2 : at + 4])
        markers.append(marker)
        if marker == 0xFFDA:
            break
        at += 2 + length
    return markers


def test_output_is_a_progressive_jpeg() -> None:
    """A progressive JPEG shows a coarse page at once on a slow link: its frame header is SOF2, not SOF0 or SOF1."""
    markers = markers_before_the_scan(process_document(document_photo()).jpeg)
    assert 0xFFC2 in markers and 0xFFC0 not in markers and 0xFFC1 not in markers
    assert markers[-1] == 0xFFDA


def test_a_capture_keeps_pillows_image_memory_for_the_next() -> None:
    """The imaging worker reuses Pillow's image blocks between captures (no fresh pages, no page faults)."""
    before = Image.core.get_blocks_max()
    try:
        Image.core.set_blocks_max(0)
        process_capture(document_photo(), "document")
        assert Image.core.get_blocks_max() == KEPT_IMAGE_BLOCKS
    finally:
        Image.core.set_blocks_max(before)
