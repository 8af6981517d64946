"""The folder source: only new pictures, each once, and only when fully written."""

import asyncio
from pathlib import Path

import pytest

from devices.camera.folder import FolderSource
from devices.camera.source import CameraUnavailable
from tests.support.aio import within

WAIT_S = 5.0


def source(folder: Path) -> FolderSource:
    return FolderSource(folder, settle_s=0.2, poll_s=0.02)


async def test_takes_new_pictures_oldest_first_and_each_once(tmp_path: Path) -> None:
    (tmp_path / "old.jpg").write_bytes(b"old picture")
    camera = source(tmp_path)
    assert camera.check() == f"watching {tmp_path} (0 new pictures waiting)"
    (tmp_path / "b.jpg").write_bytes(b"first")
    await asyncio.sleep(0.01)
    (tmp_path / "a.JPG").write_bytes(b"second")
    (tmp_path / "notes.txt").write_bytes(b"not a picture")
    (tmp_path / ".hidden.jpg").write_bytes(b"being written by the vendor software")
    assert await within(WAIT_S, camera.capture("document")) == b"first"
    assert await within(WAIT_S, camera.capture("document")) == b"second"
    with pytest.raises(TimeoutError):
        await within(0.5, camera.capture("document"))


async def test_waits_until_the_file_stops_growing(tmp_path: Path) -> None:
    camera = FolderSource(tmp_path, settle_s=1.0, poll_s=0.02)
    camera.check()
    capture = asyncio.create_task(camera.capture("document"))
    path = tmp_path / "scan.jpg"
    with path.open("wb") as file:
        for _ in range(5):
            file.write(b"x" * 1000)
            file.flush()
            await asyncio.sleep(0.05)  # far shorter than settle_s: the file is still being written
            assert not capture.done()
    assert await within(WAIT_S, capture) == b"x" * 5000


async def test_a_file_rewritten_under_the_same_name_is_new_again(tmp_path: Path) -> None:
    camera = source(tmp_path)
    camera.check()
    (tmp_path / "capture.jpg").write_bytes(b"one")
    assert await within(WAIT_S, camera.capture("document")) == b"one"
    (tmp_path / "capture.jpg").write_bytes(b"two!")
    assert await within(WAIT_S, camera.capture("document")) == b"two!"


async def test_missing_folder_is_offline_with_its_path(tmp_path: Path) -> None:
    camera = source(tmp_path / "gone")
    with pytest.raises(CameraUnavailable) as raised:
        camera.check()
    assert (raised.value.state, raised.value.detail) == ("offline", f"{tmp_path / 'gone'}: no such folder")


async def test_folder_removed_during_a_capture(tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    camera = source(folder)
    camera.check()
    capture = asyncio.create_task(camera.capture("document"))
    await asyncio.sleep(0.05)
    folder.rmdir()
    with pytest.raises(CameraUnavailable, match="no such folder"):
        await within(WAIT_S, capture)
