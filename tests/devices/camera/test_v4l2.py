"""V4L2 without a camera: this machine has no /dev/video*, so only what needs no hardware is tested.

Capturing real MJPG frames is untested here; see docs/devices/camera.md.
"""

from pathlib import Path

import pytest

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
