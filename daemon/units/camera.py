"""The document camera (高拍仪) and ID-photo camera inside the daemon.

Drivers: `v4l2` takes one MJPG frame from `device` per capture; `folder` takes the next
picture the camera's own software drops into `folder`; `sim` starts an emulated camera
that drops synthetic pictures into a temporary folder, read by the real folder source,
and serves B/sim/camera/fault.

A capture waits at most devices.camera.timeout_s for the picture, then runs the Pillow
pipeline in a worker process (daemon.worker: its memory goes back to the system when the
captures stop) and keeps the file under data_dir/captures/. A camera that fails or hangs
gives a failed result, never a stuck queue. Pictures are personal data: they go into
files only, never into logs or details.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from pathlib import Path
from typing import ClassVar

import msgspec

from core.problems import Code, Problem
from daemon.messages import CameraFaultControl, CaptureCommand, decode
from daemon.unit import DeviceFault, DeviceUnit, JobFailed, JobOutcome, UnitContext
from daemon.worker import WorkerDied, WorkerProcess
from devices.camera.emulator import DocumentCameraEmulator
from devices.camera.folder import FolderSource
from devices.camera.source import CameraSource, CameraUnavailable, CaptureError, Mode
from devices.camera.store import store_capture

# How often a ready camera is checked for being unplugged (a stat call; nothing else runs idle).
PRESENCE_CHECK_S = 2.0
SIM_SETTLE_S = 0.25


class CameraUnit(DeviceUnit):
    # Our own wait for the picture (devices.camera.timeout_s, at most 300 s) fails first;
    # this only bounds the processing after it.
    command_timeout_s: ClassVar[float] = 360.0

    def __init__(self, ctx: UnitContext, source: CameraSource | None) -> None:
        super().__init__(ctx)
        self._source = source
        self.timeout_s = ctx.config.devices.camera.timeout_s
        self.imaging = WorkerProcess("imaging")

    @property
    def source(self) -> CameraSource:
        if self._source is None:
            raise CameraUnavailable(
                "the camera was not started", Problem(Code.DEVICE_NOT_OPEN, {"port": None}), "error"
            )
        return self._source

    async def stop(self) -> None:
        await self.imaging.close()

    async def run(self) -> None:
        try:
            detail = await asyncio.to_thread(self.source.check)
            self.ctx.set_state("ready", detail)
            while True:
                await asyncio.sleep(PRESENCE_CHECK_S)
                self.source.present()
        except CameraUnavailable as problem:
            raise DeviceFault(problem.state, problem.detail, problem.problem) from None

    async def execute(self, command: str, message: msgspec.Struct) -> JobOutcome:
        if command == "capture":
            assert isinstance(message, CaptureCommand)
            return await self._capture(message)
        if command == "test":
            return await self._self_test()
        raise JobFailed(
            f"the camera does not support '{command}'",
            Problem(Code.COMMAND_UNSUPPORTED, {"device": self.ctx.device, "command": command}),
        )

    async def _capture(self, command: CaptureCommand) -> JobOutcome:
        # Pillow and the pipeline load with the first capture, not while the camera idles.
        from devices.camera.pipeline import process_capture
        from devices.camera.stamp import NO_FONT, NO_FONT_PROBLEM, Certification, stamp_lines
        from devices.fonts import default_cjk_font

        certification = font = None
        if command.certify is not None:
            # Refuse a stamp that cannot be drawn before a picture is used up for it.
            if command.mode != "document":
                raise JobFailed(
                    "certify is for copies of documents, not for ID photos", Problem(Code.CAMERA_CERTIFY_ID_PHOTO)
                )
            certification = Certification(staff=command.certify.staff, at=command.certify.at)
            font = await asyncio.to_thread(default_cjk_font)
            try:
                stamp_lines(certification)
            except CaptureError as error:
                raise JobFailed(error.detail, error.problem) from None
            if font is None:
                raise JobFailed(NO_FONT, NO_FONT_PROBLEM)
        data = await self._take(command.mode)
        try:
            processed = await self.imaging.run(
                process_capture, data, command.mode, certification=certification, font=font
            )
        except (CaptureError, WorkerDied) as error:
            raise JobFailed(error.detail, error.problem) from None
        stored = await asyncio.to_thread(
            store_capture, self.ctx.data_dir, self.ctx.now(), command.job_id, processed.jpeg
        )
        mode = "document" if command.mode == "document" else "ID photo"
        return JobOutcome(
            detail=f"{mode} captured{' and certified' if certification else ''}: "
            f"{processed.width}×{processed.height}, {stored.size // 1024} KB",
            path=str(stored.path),
            sha256=stored.sha256,
            width=processed.width,
            height=processed.height,
            bytes=stored.size,
            warnings=processed.warnings or None,
        )

    async def _self_test(self) -> JobOutcome:
        from devices.camera.imaging import picture_size

        if not self.source.self_test_captures:
            try:
                return JobOutcome(detail=f"{await asyncio.to_thread(self.source.check)}; no picture taken, "
                                  "as that would use up a picture dropped for a person")  # fmt: skip
            except CameraUnavailable as problem:
                raise DeviceFault(problem.state, problem.detail, problem.problem) from None
        started = time.monotonic()
        data = await self._take("document")
        try:
            width, height = await self.imaging.run(picture_size, data)
        except (CaptureError, WorkerDied) as error:
            raise JobFailed(error.detail, error.problem) from None
        return JobOutcome(
            detail=f"{self.source.description}: captured a {width}×{height} picture "
            f"({len(data) // 1024} KB) in {time.monotonic() - started:.1f} s; nothing was saved"
        )

    async def _take(self, mode: Mode) -> bytes:
        try:
            async with asyncio.timeout(self.timeout_s):
                return await self.source.capture(mode)
        except TimeoutError:
            raise JobFailed(
                f"the camera gave no picture within {self.timeout_s:g} s",
                Problem(Code.CAMERA_NO_PICTURE, {"seconds": self.timeout_s}),
            ) from None
        except CameraUnavailable as problem:
            raise DeviceFault(problem.state, problem.detail, problem.problem) from None


class SimCameraUnit(CameraUnit):
    """An emulated file-dropping camera in a temporary folder, read by the real folder source."""

    def __init__(self, ctx: UnitContext) -> None:
        super().__init__(ctx, None)
        self.emulator: DocumentCameraEmulator | None = None

    async def start(self) -> None:
        folder = Path(tempfile.mkdtemp(prefix="govan-sim-camera-"))
        self.emulator = DocumentCameraEmulator(folder, run_blocking=self.imaging.run)
        # The emulator writes a file in well under a second, so it settles sooner than a vendor's program.
        self._source = _ShutterSource(self.emulator, FolderSource(folder, settle_s=SIM_SETTLE_S))

    async def stop(self) -> None:
        await super().stop()
        if self.emulator is not None:
            shutil.rmtree(self.emulator.folder, ignore_errors=True)

    async def sim(self, action: str, payload: bytes) -> None:
        if action != "fault":
            raise self.sim_rejected(action, f"unknown camera sim action '{action}'; use 'fault'")
        fault = decode(payload, CameraFaultControl).fault
        if self.emulator is None:
            raise JobFailed(
                "the emulated camera is not running", Problem(Code.SIM_NOT_RUNNING, {"device": self.ctx.device})
            )
        self.emulator.set_fault(fault)


class _ShutterSource:
    """The folder source, with the emulated camera's shutter pressed for every capture."""

    self_test_captures = True

    def __init__(self, emulator: DocumentCameraEmulator, folder: FolderSource) -> None:
        self.emulator = emulator
        self.folder = folder

    @property
    def description(self) -> str:
        return f"emulated document camera, {self.folder.description}"

    def check(self) -> str:
        return f"emulated document camera; {self.folder.check()}"

    def present(self) -> None:
        self.folder.present()

    async def capture(self, mode: Mode) -> bytes:
        shutter = asyncio.create_task(self.emulator.shoot(mode))
        try:
            return await self.folder.capture(mode)
        finally:
            if not shutter.done():
                shutter.cancel()
            await asyncio.gather(shutter, return_exceptions=True)


def create(ctx: UnitContext) -> DeviceUnit:
    settings = ctx.config.devices.camera
    if ctx.driver == "v4l2":
        from devices.camera.v4l2 import (
            V4l2Source,  # linuxpy only where there is a V4L2 camera
        )

        return CameraUnit(ctx, V4l2Source(settings.device))
    if ctx.driver == "folder":
        assert settings.folder is not None  # the config requires it for folder
        return CameraUnit(ctx, FolderSource(Path(settings.folder)))
    if ctx.driver == "sim":
        return SimCameraUnit(ctx)
    raise ValueError(f"unknown camera driver {ctx.driver!r}; use v4l2, folder, sim or none")
