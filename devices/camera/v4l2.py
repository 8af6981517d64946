"""USB cameras through V4L2, with linuxpy: one MJPG frame per capture, at the largest size offered.

The device is opened only for a capture, so an idle daemon does not keep the camera
streaming. The first frames after streaming starts are dropped while exposure settles.
"""

from __future__ import annotations

import errno
import os

from linuxpy.video.device import BufferType, Capability, Device, FrameSizeType, PixelFormat, VideoCapture

from core.problems import Code
from devices.camera.source import CameraUnavailable, Mode, unavailable

WARMUP_FRAMES = 5


def largest_size(sizes: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The frame size with the most pixels, or None when there is none."""
    return max(sizes, key=lambda size: size[0] * size[1], default=None)


class V4l2Source:
    self_test_captures = True

    def __init__(self, device: str, *, warmup_frames: int = WARMUP_FRAMES) -> None:
        self.device = device
        self.warmup_frames = warmup_frames

    @property
    def description(self) -> str:
        return f"V4L2 camera {self.device}"

    def present(self) -> None:
        if not os.path.exists(self.device):
            raise unavailable(self.device, Code.DEVICE_PORT_MISSING, "no such device")

    def check(self) -> str:
        self.present()
        try:
            with Device(self.device) as camera:
                name = camera.info.card
                width, height = self._mjpg_size(camera)
        except OSError as error:
            raise self._failure(error) from None
        return f"{name} ({self.device}), MJPG up to {width}×{height}"

    async def capture(self, mode: Mode) -> bytes:
        self.present()
        try:
            with Device(self.device) as camera:
                width, height = self._mjpg_size(camera)
                camera.set_format(BufferType.VIDEO_CAPTURE, width, height, "MJPG")
                with VideoCapture(camera) as stream:
                    seen = 0
                    async for frame in stream:
                        seen += 1
                        if seen > self.warmup_frames:
                            return bytes(frame)
        except OSError as error:
            raise self._failure(error) from None
        raise unavailable(self.device, Code.CAMERA_STREAM_ENDED, "the stream ended", "error")

    def _mjpg_size(self, camera: Device) -> tuple[int, int]:
        if Capability.VIDEO_CAPTURE not in camera.info.device_capabilities:
            raise unavailable(self.device, Code.CAMERA_NOT_CAPTURE_DEVICE, "not a video capture device", "error")
        sizes = []
        for size in camera.info.format_frame_sizes(PixelFormat.MJPEG):
            if size.type == FrameSizeType.DISCRETE:
                sizes.append((size.info.width, size.info.height))
            else:
                sizes.append((size.info.max_width, size.info.max_height))
        best = largest_size(sizes)
        if best is None:
            raise unavailable(self.device, Code.CAMERA_NO_MJPG, "the camera offers no MJPG frames", "error")
        return best

    def _failure(self, error: OSError) -> CameraUnavailable:
        device = self.device
        if error.errno in (errno.ENODEV, errno.ENOENT, errno.ENXIO):
            return unavailable(device, Code.DEVICE_UNPLUGGED, "device unplugged")
        if error.errno in (errno.EACCES, errno.EPERM):
            return unavailable(
                device,
                Code.DEVICE_PERMISSION_DENIED,
                "permission denied; add the daemon's user to the 'video' group",
                "error",
                group="video",
            )
        if error.errno in (errno.ENOTTY, errno.EINVAL):
            return unavailable(device, Code.CAMERA_NOT_V4L2, "not a V4L2 camera", "error")
        if error.errno == errno.EBUSY:
            return unavailable(device, Code.DEVICE_PORT_BUSY, "busy; another program is using the camera", "error")
        reason = str(error.strerror or error)
        return unavailable(device, Code.DEVICE_OPEN_FAILED, reason, "error", reason=reason)
