"""ID-photo mode: exactly 358×441, and a warning for a backdrop that is not near-white."""

import io
import re

import pytest
from PIL import Image, ImageStat

from devices.camera.id_photo import DPI, SIZE, process_id_photo
from devices.camera.imaging import CaptureError
from devices.camera.pipeline import process_capture
from devices.camera.stamp import Certification
from devices.camera.synthetic import BLUE_BACKDROP
from tests.devices.camera.pictures import decode, portrait


def test_white_backdrop_gives_exactly_358_by_441_without_warnings() -> None:
    result = process_id_photo(portrait())
    photo = decode(result.jpeg)
    assert photo.size == SIZE == (358, 441) == (result.width, result.height)
    assert photo.format == "JPEG" and round(photo.info["dpi"][0]) == DPI
    assert result.warnings == []


def test_head_sits_just_below_the_top_edge_and_centred() -> None:
    photo = decode(process_id_photo(portrait()).jpeg).convert("L")
    rows = [min(photo.crop((0, y, photo.width, y + 1)).tobytes()) for y in range(photo.height)]
    head_top = next(y for y, darkest in enumerate(rows) if darkest < 120)
    assert 7 <= head_top <= 25
    hair = photo.crop((0, head_top + 3, photo.width, head_top + 4)).tobytes()
    dark = [x for x, value in enumerate(hair) if value < 120]
    assert abs((dark[0] + dark[-1]) / 2 - photo.width / 2) < 10


def test_blue_backdrop_is_kept_with_a_warning() -> None:
    result = process_id_photo(portrait(blue=True))
    assert (result.width, result.height) == SIZE
    [warning] = result.warnings
    match = re.fullmatch(
        r"backdrop is not near-white \(average colour #(\w\w)(\w\w)(\w\w)\); ID cards need a white backdrop", warning
    )
    assert match is not None, warning
    assert all(
        abs(int(hex_value, 16) - drawn) <= 4 for hex_value, drawn in zip(match.groups(), BLUE_BACKDROP, strict=True)
    )


def test_picture_with_no_person_is_centre_cropped_with_a_warning() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (250, 250, 250)).save(buffer, "JPEG")
    result = process_id_photo(buffer.getvalue())
    assert decode(result.jpeg).size == SIZE
    assert result.warnings == ["no person stands out from the backdrop; the photo was cropped from the centre"]


def test_small_and_odd_sized_pictures_still_give_the_exact_size() -> None:
    for size in [(200, 900), (1600, 300), (358, 441)]:
        buffer = io.BytesIO()
        Image.new("RGB", size, (250, 250, 250)).save(buffer, "PNG")
        assert decode(process_id_photo(buffer.getvalue()).jpeg).size == SIZE


def test_id_photos_are_not_certified() -> None:
    with pytest.raises(CaptureError, match="certify is for copies of documents"):
        process_capture(portrait(), "id_photo", certification=Certification("王美娜", "2026-05-01T10:30:00+08:00"))


def test_colours_are_kept() -> None:
    photo = decode(process_id_photo(portrait(blue=True)).jpeg)
    corner = ImageStat.Stat(photo.crop((0, 0, 20, 20))).mean
    assert corner[2] > corner[0] + 80  # still blue
