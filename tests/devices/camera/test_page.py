"""Finding the page: its tilt and corners from a grey picture."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFilter

from devices.camera.page import _dilate, _erode, find_page, otsu


def sheet(angle: float, size: tuple[int, int] = (640, 480), page: tuple[int, int] = (260, 367)) -> Image.Image:
    """A bright rectangle tilted by `angle` degrees (top edge going down to the right) on a dark base."""
    image = Image.new("L", size, 35)
    cx, cy = size[0] / 2 + 20, size[1] / 2 - 10
    ux, uy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    half_w, half_h = page[0] / 2, page[1] / 2
    corners = [
        (cx + a * half_w * ux - b * half_h * uy, cy + a * half_w * uy + b * half_h * ux)
        for a, b in ((-1, -1), (-1, 1), (1, 1), (1, -1))
    ]
    ImageDraw.Draw(image).polygon(corners, fill=230)
    # Some text on the page and a bright speck on the base, which must not matter.
    draw = ImageDraw.Draw(image)
    for row in range(6):
        draw.rectangle((cx - 80, cy - 120 + row * 30, cx + 70, cy - 112 + row * 30), fill=40)
    draw.rectangle((10, 10, 16, 16), fill=250)
    return image


@pytest.mark.parametrize("angle", [-12.0, -5.0, -0.5, 0.0, 3.0, 8.0, 20.0])
def test_tilt_size_and_corners_are_found(angle: float) -> None:
    page = find_page(sheet(angle))
    assert page is not None
    assert page.angle == pytest.approx(angle, abs=0.6)
    assert page.width == pytest.approx(260, abs=4) and page.height == pytest.approx(367, abs=4)
    upper_left, lower_left, lower_right, upper_right = page.corners
    assert upper_left[1] < lower_left[1] and upper_right[1] < lower_right[1]
    assert upper_left[0] < upper_right[0] and lower_left[0] < lower_right[0]


def test_landscape_page_stays_landscape() -> None:
    page = find_page(sheet(4.0, page=(400, 283)))
    assert page is not None and page.width > page.height and page.angle == pytest.approx(4.0, abs=0.6)


@pytest.mark.parametrize(
    "picture",
    [
        Image.new("L", (320, 240), 200),  # all paper: a flatbed scan
        Image.new("L", (320, 240), 20),  # all base: nothing on the camera
        Image.effect_noise((320, 240), 10),  # noise without a page
    ],
)
def test_no_clear_page_gives_none(picture: Image.Image) -> None:
    assert find_page(picture) is None


def test_small_bright_object_is_not_a_page() -> None:
    image = Image.new("L", (640, 480), 30)
    ImageDraw.Draw(image).rectangle((100, 100, 140, 130), fill=240)  # a business card far away
    assert find_page(image) is None


def test_otsu_splits_two_levels() -> None:
    histogram = [0] * 256
    histogram[40], histogram[220] = 500, 1500
    threshold, gap = otsu(histogram)
    assert 40 <= threshold < 220 and gap == pytest.approx(180)


@given(st.integers(1, 64), st.integers(1, 48), st.data())
def test_any_picture_gives_a_page_or_none(width: int, height: int, data: st.DataObject) -> None:
    pixels = data.draw(st.binary(min_size=width * height, max_size=width * height))
    page = find_page(Image.frombytes("L", (width, height), pixels))
    assert page is None or (page.width > 0 and page.height > 0 and -45 <= page.angle < 45)


@given(st.integers(1, 40), st.integers(1, 30), st.data())
def test_box_mean_opening_is_pillows_min_and_max_filter(width: int, height: int, data: st.DataObject) -> None:
    """The quicker erode and dilate give exactly what MinFilter(3) and MaxFilter(3) give on a 0/255 mask."""
    bright = data.draw(st.lists(st.booleans(), min_size=width * height, max_size=width * height))
    mask = Image.frombytes("L", (width, height), bytes(255 if on else 0 for on in bright))
    assert _erode(mask).tobytes() == mask.filter(ImageFilter.MinFilter(3)).tobytes()
    assert _dilate(mask).tobytes() == mask.filter(ImageFilter.MaxFilter(3)).tobytes()
