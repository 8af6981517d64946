"""The camera end to end: a capture command over a real broker gives a file that matches its result."""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from core import sealing
from core.keys import load_keys
from core.problems import Code, Problem
from daemon.messages import CaptureCommand, Certify, SelfTestCommand
from devices.camera.synthetic import BLUE_BACKDROP, draw_portrait, to_jpeg
from tests.support.aio import within
from tests.support.fonts import require_cjk_font
from tests.support.van import child_daemon

WAIT = 30.0  # liveness bound only


async def wait_for_state(van, state: str) -> str:  # noqa: ANN001
    async def wait() -> str:
        async for status in van.client.watch():
            camera = status.devices.get("camera")
            if camera is not None and camera.state == state:
                return camera.detail
        raise AssertionError("status stream ended")

    return await within(WAIT, wait())


def check_file(result, data_dir: Path, job_id: str) -> Image.Image:  # noqa: ANN001
    """The result describes exactly the file on disk, where the contract says it goes."""
    path = Path(result.path)
    assert path.read_bytes().startswith(sealing.MAGIC)  # sealed on disk; the result describes the picture
    content = sealing.open_file(load_keys(data_dir).files, path)
    assert result.sha256 == hashlib.sha256(content).hexdigest()
    assert result.bytes == len(content)
    day = datetime.fromisoformat(result.at)
    assert path == (data_dir / "captures" / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}" / f"{job_id}.jpg").resolve()
    image = Image.open(io.BytesIO(content))
    assert image.format == "JPEG" and image.size == (result.width, result.height)
    return image


async def test_sim_capture_certified_document_id_photo_and_self_test(van_factory) -> None:  # noqa: ANN001
    require_cjk_font()
    async with van_factory({"devices": {"camera": {"driver": "sim"}}}) as van:
        await wait_for_state(van, "ready")
        data_dir = van.config.data_path
        certify = Certify(staff="王美娜", at="2026-05-01T10:30:00+08:00")
        document = await van.client.command(
            "camera", "capture", CaptureCommand(job_id="doc-1", mode="document", certify=certify), timeout=WAIT
        )
        assert document.state == "done", document.detail
        page = check_file(document, data_dir, "doc-1")
        assert document.height / document.width == pytest.approx(297 / 210, abs=0.02)
        assert page.info.get("progressive") or page.info.get("progression")

        photo = await van.client.command(
            "camera", "capture", CaptureCommand(job_id="photo-1", mode="id_photo"), timeout=WAIT
        )
        assert photo.state == "done", photo.detail
        assert check_file(photo, data_dir, "photo-1").size == (358, 441)
        assert photo.warnings is None

        test = await van.client.command("camera", "test", SelfTestCommand(job_id="camera-test"), timeout=WAIT)
        assert (
            test.state == "done"
            and "captured a 2592×1944 picture" in test.detail
            and "nothing was saved" in test.detail
        )

        van.client.publish(van.topics.sim("camera", "fault"), {"fault": "fail"})
        await van.client.drain()
        broken = await van.client.command(
            "camera", "capture", CaptureCommand(job_id="doc-2", mode="document"), timeout=WAIT
        )
        assert (broken.state, broken.path) == ("failed", None)
        assert "not a readable picture" in broken.detail

        van.client.publish(van.topics.sim("camera", "fault"), {"fault": "none"})
        await van.client.drain()
        again = await van.client.command(
            "camera", "capture", CaptureCommand(job_id="doc-3", mode="document"), timeout=WAIT
        )
        assert again.state == "done"
        check_file(again, data_dir, "doc-3")


async def test_a_hanging_camera_gives_failed_results_not_a_stuck_queue(van_factory) -> None:  # noqa: ANN001
    async with van_factory({"devices": {"camera": {"driver": "sim", "timeout_s": 1}}}) as van:
        await wait_for_state(van, "ready")
        van.client.publish(van.topics.sim("camera", "fault"), {"fault": "hang"})
        await van.client.drain()
        hung = await van.client.command(
            "camera", "capture", CaptureCommand(job_id="hang-1", mode="id_photo"), timeout=WAIT
        )
        assert (hung.state, hung.detail) == ("failed", "the camera gave no picture within 1 s")
        assert hung.problem == Problem(Code.CAMERA_NO_PICTURE, {"seconds": 1.0})
        test = await van.client.command("camera", "test", SelfTestCommand(job_id="hang-test"), timeout=WAIT)
        assert test.state == "failed"
        await wait_for_state(van, "ready")


async def test_folder_camera_takes_the_dropped_file_and_warns_about_the_backdrop(van_factory, tmp_path: Path) -> None:  # noqa: ANN001
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "yesterday.jpg").write_bytes(b"an old picture, never taken")
    async with van_factory({"devices": {"camera": {"driver": "folder", "folder": str(folder)}}}) as van:
        assert (await wait_for_state(van, "ready")) == f"watching {folder} (0 new pictures waiting)"
        test = await van.client.command("camera", "test", SelfTestCommand(job_id="folder-test"), timeout=WAIT)
        assert test.state == "done" and "no picture taken" in test.detail
        # A stamp that cannot be drawn is refused at once, before a picture is waited for and used up.
        certify = Certify(staff="王美娜", at="yesterday")
        for job_id, mode, reason in [("bad-1", "id_photo", "certify is for copies of documents"),
                                     ("bad-2", "document", "certify.at is not an ISO-8601 time")]:  # fmt: skip
            refused = await van.client.command(
                "camera", "capture", CaptureCommand(job_id=job_id, mode=mode, certify=certify), timeout=WAIT
            )
            assert refused.state == "failed" and reason in refused.detail
        capture = asyncio.create_task(
            van.client.command("camera", "capture", CaptureCommand(job_id="blue-1", mode="id_photo"), timeout=WAIT)
        )
        (folder / "IMG_0001.jpg").write_bytes(to_jpeg(draw_portrait((900, 1200), backdrop=BLUE_BACKDROP)))
        photo = await capture
        assert photo.state == "done", photo.detail
        assert check_file(photo, van.config.data_path, "blue-1").size == (358, 441)
        assert photo.warnings is not None and photo.warnings[0].startswith("backdrop is not near-white")

        folder.rename(tmp_path / "unplugged")
        assert (await wait_for_state(van, "offline")) == f"{folder}: no such folder"


def process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


async def test_imaging_runs_in_a_worker_process_that_ends_when_idle(van_factory) -> None:  # noqa: ANN001
    async with van_factory({"devices": {"camera": {"driver": "sim"}}}) as van:
        await wait_for_state(van, "ready")
        imaging = van.runtime("camera").unit.imaging
        imaging.idle_s = 0.5  # the default is 10 s
        document = await van.client.command(
            "camera", "capture", CaptureCommand(job_id="doc-1", mode="document"), timeout=WAIT
        )
        assert document.state == "done", document.detail
        assert check_file(document, van.config.data_path, "doc-1").size == (document.width, document.height)
        worker = imaging.pid
        assert worker is not None and worker != os.getpid()

        test = await van.client.command("camera", "test", SelfTestCommand(job_id="camera-test"), timeout=WAIT)
        assert test.state == "done" and "captured a 2592×1944 picture" in test.detail
        van.client.publish(van.topics.sim("camera", "fault"), {"fault": "fail"})
        await van.client.drain()
        broken = await van.client.command(
            "camera", "capture", CaptureCommand(job_id="doc-2", mode="document"), timeout=WAIT
        )
        assert (broken.state, broken.path) == ("failed", None)
        assert broken.detail == "the camera sent something that is not a readable picture (OSError)"

        async with asyncio.timeout(WAIT):
            while imaging.pid is not None or not process_gone(worker):
                await asyncio.sleep(0.1)


async def test_the_daemon_gives_back_the_memory_of_its_captures(tmp_path: Path) -> None:
    async with child_daemon(tmp_path, {"devices": {"camera": {"driver": "sim"}}}) as (daemon, client):
        await within(WAIT, _camera_ready(client))
        await asyncio.sleep(1)  # start-up settles
        rest = daemon.rss_mb()
        for number in range(10):
            mode = "document" if number % 2 == 0 else "id_photo"
            result = await client.command(
                "camera", "capture", CaptureCommand(job_id=f"c{number}", mode=mode), timeout=WAIT
            )
            assert result.state == "done", result.detail
        async with asyncio.timeout(WAIT):  # the worker ends 10 s after its last task
            while daemon.children():
                await asyncio.sleep(0.5)
        # In the daemon's own process, the first capture alone added 45 MB that never went back.
        assert daemon.rss_mb() < rest + 30, f"{daemon.rss_mb():.0f} MB after captures, {rest:.0f} MB at rest"


async def _camera_ready(client) -> None:  # noqa: ANN001
    async for status in client.watch():
        camera = status.devices.get("camera")
        if camera is not None and camera.state == "ready":
            return
