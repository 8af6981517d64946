"""An emulated document camera: its "vendor software" drops a JPEG into a folder per shot.

The daemon's real FolderSource watches that folder, so sim captures go through the same
code as a real file-dropping camera. Files are written in chunks with pauses, like a
program saving over USB, so the "fully written" check is exercised every time.

Faults: "fail" drops a truncated JPEG (the transfer broke off), "hang" drops nothing.

Drawing a shot is Pillow work of some 100 MB; `run_blocking` says where it runs (a thread
by default; the daemon passes its imaging worker process, so that memory goes back).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from devices.camera.source import Mode

if TYPE_CHECKING:
    from PIL import Image

Fault = Literal["none", "fail", "hang"]
FAULTS: tuple[Fault, ...] = ("none", "fail", "hang")
FRAME = (2592, 1944)  # a 5-megapixel document camera
CHUNK = 256 * 1024
CHUNK_PAUSE_S = 0.01
# asyncio.to_thread, or anything called like it: run_blocking(function, *args) -> its result.
RunBlocking = Callable[..., Awaitable[bytes]]


class DocumentCameraEmulator:
    def __init__(
        self,
        folder: Path,
        *,
        frame: tuple[int, int] = FRAME,
        chunk_pause_s: float = CHUNK_PAUSE_S,
        run_blocking: RunBlocking = asyncio.to_thread,
    ) -> None:
        self.folder = folder
        self.frame = frame
        self.chunk_pause_s = chunk_pause_s
        self.run_blocking = run_blocking
        self.fault: Fault = "none"
        self._shots = 0

    def set_fault(self, fault: Fault) -> None:
        if fault not in FAULTS:
            raise ValueError(f"unknown camera fault {fault!r}; use one of {', '.join(FAULTS)}")
        self.fault = fault

    async def shoot(self, mode: Mode) -> Path | None:
        """Press the shutter: the picture appears in the folder, or nothing does when hanging."""
        if self.fault == "hang":
            return None
        self._shots += 1
        data = await self.run_blocking(picture, self.frame, mode, self._shots)
        if self.fault == "fail":
            data = data[: len(data) // 3]
        path = self.folder / f"IMG_{self._shots:04d}.jpg"
        with path.open("wb") as file:
            for start in range(0, len(data), CHUNK):
                file.write(data[start : start + CHUNK])
                file.flush()
                await asyncio.sleep(self.chunk_pause_s)
        return path


def picture(frame: tuple[int, int], mode: Mode, shot: int) -> bytes:
    """A shot of `frame` pixels: a page at a slightly different angle each time, or a portrait."""
    # Pillow loads with the first shot: an idle emulated camera costs the daemon no memory for it.
    from devices.camera.synthetic import draw_portrait, photograph, to_jpeg

    if mode == "id_photo":
        portrait_height = frame[1]
        return to_jpeg(draw_portrait((round(portrait_height * 0.75), portrait_height)))
    angle = random.Random(shot).uniform(-6.0, 6.0)
    return to_jpeg(photograph(_page(round(frame[1] * 0.66)), frame, angle=angle, seed=shot), quality=88)


@lru_cache(maxsize=2)
def _page(width: int) -> Image.Image:
    from devices.camera.synthetic import draw_document

    return draw_document(width)
