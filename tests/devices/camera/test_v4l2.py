"""V4L2 without a camera: this machine has no /dev/video*, so only what needs no hardware is tested.

Capturing real MJPG frames is untested here; see docs/devices/camera.md.
"""

import io
from pathlib import Path

import pytest
from PIL import Image

from devices.camera.imaging import open_image
from devices.camera.source import CameraUnavailable
from devices.camera.v4l2 import V4l2Source, largest_size


def test_the_largest_frame_size_is_chosen() -> None:
    assert largest_size([(640, 480), (3264, 2448), (1920, 1080)]) == (3264, 2448)
    assert largest_size([]) is None


async def test_missing_camera_is_offline_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "video0"
    camera = V4l2Source(str(path))
    for attempt in (camera.check, camera.present):
        with pytest.raises(CameraUnavailable) as raised:
            attempt()
        assert (raised.value.state, raised.value.detail) == ("offline", f"{path}: no such device")
    with pytest.raises(CameraUnavailable):
        await camera.capture("document")


@pytest.mark.parametrize("path", ["/dev/null", "plain-file"])
async def test_a_file_that_is_not_a_camera_is_an_error(path: str, tmp_path: Path) -> None:
    if path == "plain-file":
        path = str(tmp_path / path)
        Path(path).write_bytes(b"")
    camera = V4l2Source(path)
    with pytest.raises(CameraUnavailable) as raised:
        camera.check()
    assert (raised.value.state, raised.value.detail) == ("error", f"{path}: not a V4L2 camera")
    with pytest.raises(CameraUnavailable, match="not a V4L2 camera"):
        await camera.capture("document")


def test_mjpg_frames_without_huffman_tables_decode() -> None:
    """Many UVC cameras leave the standard Huffman tables (DHT) out of MJPG frames."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG", quality=80)
    jpeg = buffer.getvalue()
    frame, position = bytearray(jpeg[:2]), 2
    while jpeg[position + 1] != 0xDA:  # copy every segment up to the scan, except DHT (FF C4)
        length = int.from_bytes(jpeg[position + 2 : position + 4], "big")
        if jpeg[position + 1] != 0xC4:
            frame += jpeg[position : position + 2 + length]
        position += 2 + length
    frame += jpeg[position:]
    assert b"\xff\xc4" not in frame
    image = open_image(bytes(frame))
    assert image.size == (64, 48) and image.getpixel((5, 5)) == (200, 30, 30)
