"""The emulated document camera, read through the real folder source."""

import asyncio
from pathlib import Path

import pytest

from devices.camera.emulator import DocumentCameraEmulator
from devices.camera.folder import FolderSource
from devices.camera.imaging import CaptureError
from devices.camera.pipeline import process_capture
from tests.devices.camera.pictures import decode
from tests.support.aio import within

WAIT_S = 10.0


async def shoot_and_take(emulator: DocumentCameraEmulator, camera: FolderSource, mode: str) -> bytes:
    shot = asyncio.create_task(emulator.shoot(mode))
    data = await within(WAIT_S, camera.capture(mode))
    await shot
    return data


@pytest.fixture
def rig(tmp_path: Path) -> tuple[DocumentCameraEmulator, FolderSource]:
    camera = FolderSource(tmp_path, settle_s=0.1, poll_s=0.02)
    camera.check()
    return DocumentCameraEmulator(tmp_path, frame=(1200, 900), chunk_pause_s=0.02), camera


async def test_document_and_portrait_shots(rig) -> None:
    emulator, camera = rig
    document = decode(await shoot_and_take(emulator, camera, "document"))
    assert document.size == (1200, 900)
    portrait = decode(await shoot_and_take(emulator, camera, "id_photo"))
    assert portrait.height > portrait.width


async def test_fail_drops_a_broken_file_that_the_pipeline_refuses(rig) -> None:
    emulator, camera = rig
    emulator.set_fault("fail")
    data = await shoot_and_take(emulator, camera, "document")
    with pytest.raises(CaptureError, match="not a readable picture"):
        process_capture(data, "document")


async def test_hang_drops_nothing(rig) -> None:
    emulator, camera = rig
    emulator.set_fault("hang")
    assert await emulator.shoot("document") is None
    with pytest.raises(TimeoutError):
        await within(0.5, camera.capture("document"))
    emulator.set_fault("none")
    assert decode(await shoot_and_take(emulator, camera, "document")).size == (1200, 900)


def test_unknown_fault_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="none, fail, hang"):
        DocumentCameraEmulator(tmp_path).set_fault("smoke")  # type: ignore[arg-type]
